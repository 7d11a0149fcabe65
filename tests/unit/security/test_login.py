"""Login throttling (``pioneer.web.throttle``): an attacker is slowed per account+address, per address and per
account from unknown addresses, but cannot lock the owner out of an address where they signed in before; a
missing account costs the same time as a wrong password."""

from __future__ import annotations

import statistics
import time

import pytest
from sqlalchemy import delete

from pioneer.web import auth, throttle
from pioneer.web.models import LoginAttempt


@pytest.fixture
def db(app):
    with app.state.session_factory() as s:
        s.execute(delete(LoginAttempt))
        s.commit()
        yield s
        s.rollback()
        s.execute(delete(LoginAttempt))
        s.commit()


def _fail(db, username, client, n=1):
    """``n`` failed logins through ``auth.login`` (each costs an argon2 verification)."""
    for _ in range(n):
        with pytest.raises(auth.AuthError):
            auth.login(db, username, "wrong-password", client=client)


def _recorded(db, username, client):
    """A failed attempt as ``auth.login`` records it, without the argon2 cost (for the large counters)."""
    db.add(LoginAttempt(username=username, client=client, success=False))
    db.flush()


def test_pair_limit_does_not_lock_the_owner_elsewhere(db):
    _fail(db, "viewer", "10.0.0.66", throttle.PAIR_LIMIT)
    with pytest.raises(auth.RateLimitedError):
        auth.login(db, "viewer", "pioneer-demo", client="10.0.0.66")  # even the right password, from there
    user, _ = auth.login(db, "viewer", "pioneer-demo", client="10.0.0.1")  # the owner, elsewhere
    assert user.username == "viewer"


def test_success_resets_the_pair(db):
    _fail(db, "viewer", "10.0.0.2", throttle.PAIR_LIMIT - 1)
    auth.login(db, "viewer", "pioneer-demo", client="10.0.0.2")
    _fail(db, "viewer", "10.0.0.2", throttle.PAIR_LIMIT - 1)
    assert auth.login(db, "viewer", "pioneer-demo", client="10.0.0.2")[0].username == "viewer"


def test_address_limit_stops_spraying(db):
    for i in range(throttle.ADDRESS_LIMIT):
        _recorded(db, f"nobody{i}", "10.0.0.77")
    with pytest.raises(auth.RateLimitedError):
        auth.login(db, "admin", "pioneer-demo", client="10.0.0.77")
    assert auth.login(db, "admin", "pioneer-demo", client="10.0.0.3")[0].username == "admin"


def test_distributed_guessing_cannot_lock_out_a_known_address(db):
    auth.login(db, "admin", "pioneer-demo", client="192.168.1.10")  # the owner's usual address
    for i in range(throttle.ACCOUNT_LIMIT):
        _recorded(db, "admin", f"203.0.113.{i}")
    with pytest.raises(auth.RateLimitedError):  # a new address is refused while the attack goes on
        auth.login(db, "admin", "pioneer-demo", client="198.51.100.1")
    assert auth.login(db, "admin", "pioneer-demo", client="192.168.1.10")[0].username == "admin"


def test_web_form_answers_429(client, db):
    import re

    for _ in range(throttle.PAIR_LIMIT + 1):
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        r = client.post("/login", data={"username": "reviewer", "password": "nope-nope", "csrf_token": token})
    assert r.status_code == 429 and "15" in r.text


def test_login_time_does_not_reveal_the_account(db):
    """Median of 5 attempts each: a missing account, a disabled one and a wrong password take the same argon2
    work (the time used to be 37 ms against 459 ms)."""

    def median(username: str) -> float:
        times = []
        for i in range(5):
            t0 = time.perf_counter()
            with pytest.raises(auth.AuthError):
                auth.login(db, username, "wrong-password", client=f"10.9.{len(username)}.{i}")
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    missing, existing = median("no-such-user-xyz"), median("viewer")
    assert 0.5 < missing / existing < 2.0, (missing, existing)
    assert missing > 0.01  # an argon2 verification happened
