"""Login throttling that a stranger cannot turn into a lockout, and login timing that does not tell whether an
account exists (OWASP ASVS 4.0.3 V2.2.1 anti-automation, V3.2 / OWASP Authentication Cheat Sheet "account
lockout" and "authentication responses"; the "known address" exemption follows the device-cookie idea of the
OWASP guide *Slow Down Online Guessing Attacks with Device Cookies*, with the client address as the device).

Three counters over the failed attempts of the last :data:`WINDOW` (table ``web_login_attempt``):

=====================  ======================  =================================================================
counter                limit                   refuses
=====================  ======================  =================================================================
account + address      :data:`PAIR_LIMIT`      this address for this account (since its last success there)
address                :data:`ADDRESS_LIMIT`   this address for every account (password spraying)
account                :data:`ACCOUNT_LIMIT`   this account from addresses where it never signed in within
                                               :data:`KNOWN_FOR` (a distributed guess); where the owner has
                                               signed in before, the owner is never locked out by others
=====================  ======================  =================================================================

The limits are Pioneer's choices (docs/security.md), not numbers from the standard (ASVS asks for "no more than
100 failed attempts per hour" on one account, V2.2.1: these are below it).
"""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pioneer.web.models import LoginAttempt, utcnow

WINDOW = dt.timedelta(minutes=15)
PAIR_LIMIT = 5
ADDRESS_LIMIT = 20
ACCOUNT_LIMIT = 50
KNOWN_FOR = dt.timedelta(days=30)

# Verified when the account does not exist or is disabled, so that the answer takes as long as a real check.
_DUMMY_HASH = PasswordHasher().hash("pioneer: no such account")


def dummy_hash() -> str:
    """An argon2 hash no password matches in practice, for :func:`pioneer.web.auth.login` to verify against
    when there is no (active) account: the same work either way (ASVS V2.2: no account enumeration by time)."""
    return _DUMMY_HASH


def _failures(session: Session, *where) -> int:
    q = select(func.count()).select_from(LoginAttempt).where(~LoginAttempt.success, *where)
    return int(session.scalar(q) or 0)


def refusal(session: Session, username: str, client: str, *, now: dt.datetime | None = None) -> str | None:
    """Why a login of ``username`` from ``client`` is refused now (``"pair"``, ``"address"``, ``"account"``), or
    ``None`` if it may be tried. Nothing is written here (the attempt is recorded by the caller)."""
    now = now or utcnow()
    since = now - WINDOW
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.client == client, LoginAttempt.success
        )
    )
    pair_since = since
    if last_success is not None:
        last = last_success if last_success.tzinfo else last_success.replace(tzinfo=dt.UTC)
        pair_since = max(since, last)
    if _failures(session, LoginAttempt.username == username, LoginAttempt.client == client,
                 LoginAttempt.at >= pair_since) >= PAIR_LIMIT:  # fmt: skip
        return "pair"
    if _failures(session, LoginAttempt.client == client, LoginAttempt.at >= since) >= ADDRESS_LIMIT:
        return "address"
    if _failures(session, LoginAttempt.username == username, LoginAttempt.at >= since) >= ACCOUNT_LIMIT:
        known = last_success is not None and (
            (last_success if last_success.tzinfo else last_success.replace(tzinfo=dt.UTC)) >= now - KNOWN_FOR
        )
        if not known:
            return "account"
    return None
