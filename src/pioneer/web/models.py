"""ORM models of the web layer: users, server-side sessions, API tokens, login attempts, audit log — defined by the
registry's account service (:mod:`pioneer.registry.accounts`) and the audit log (:mod:`pioneer.db.audit`), and
named here as the web layer has used them.

Tables are created by migration ``0100_web_accounts`` (``pioneer/db/migrations/versions``)."""

from __future__ import annotations

from pioneer.db.audit import AuditEntry as AuditEntry  # the audit log lives low (db/audit.py)
from pioneer.db.audit import utcnow as utcnow  # one clock for every writer
from pioneer.registry.accounts import ApiToken as ApiToken
from pioneer.registry.accounts import LoginAttempt as LoginAttempt
from pioneer.registry.accounts import User as User
from pioneer.registry.accounts import WebSession as WebSession
