"""Imports every area's ORM models so that ``Base.metadata`` is complete (Alembic autogenerate, tests).

Each area adds one import line here when it adds models.
"""

from __future__ import annotations

import pioneer.assessment.events_models
import pioneer.carbon.models
import pioneer.compensation.models
import pioneer.ecology.models
import pioneer.indicators.models
import pioneer.plans.documents
import pioneer.plans.models
import pioneer.registry.models
import pioneer.web.jobs
import pioneer.web.models  # noqa: F401
