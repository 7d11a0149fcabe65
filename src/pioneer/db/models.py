"""Imports every area's ORM models so that ``Base.metadata`` is complete (Alembic autogenerate, tests).

Each area adds one import line here when it adds models.
"""

from __future__ import annotations

import pioneer.registry.models  # noqa: F401
import pioneer.indicators.models  # noqa: F401
import pioneer.web.models  # noqa: F401
