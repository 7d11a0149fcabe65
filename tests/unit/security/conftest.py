"""Fixtures of the security tests: a temporary PIONEER_HOME with the demo zones, accounts and plans (no
indicator computation: these tests are about the web shell), the app, a client and API tokens."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select


@pytest.fixture(scope="package")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    old = os.environ.get("PIONEER_HOME")
    path = tmp_path_factory.mktemp("security-home")
    os.environ["PIONEER_HOME"] = str(path)
    from pioneer.db import make_engine, session_scope, upgrade
    from pioneer.plans.demo import seed_plans
    from pioneer.web.demo import seed_accounts, seed_zones

    upgrade()
    engine = make_engine()
    with session_scope(engine) as s:
        seed_zones(s)
        seed_accounts(s)
        seed_plans(s)
    engine.dispose()
    yield path
    if old is None:
        os.environ.pop("PIONEER_HOME", None)
    else:
        os.environ["PIONEER_HOME"] = old


@pytest.fixture(scope="package")
def app(home: Path):
    from pioneer.web.app import create_app

    return create_app(migrate=False)


@pytest.fixture
def client(app) -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1")


@pytest.fixture(scope="package")
def tokens(app):
    """``tokens(username)`` → an Authorization header for that demo account."""
    from pioneer.web import auth
    from pioneer.web.models import User

    cache: dict[str, dict[str, str]] = {}

    def get(username: str) -> dict[str, str]:
        if username not in cache:
            with app.state.session_factory() as s, s.begin():
                user = s.scalar(select(User).where(User.username == username))
                cache[username] = {"Authorization": f"Bearer {auth.create_token(s, user, 'test')}"}
        return cache[username]

    return get


@pytest.fixture(scope="package")
def sign_in():
    """``sign_in(client, username)``: signs in through the login form; returns the session's CSRF token."""
    return _sign_in


def _sign_in(client: TestClient, username: str, password: str = "pioneer-demo") -> str:
    import re

    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text
    home = client.get("/upload")
    return re.search(r'name="csrf_token" value="([^"]+)"', home.text).group(1)
