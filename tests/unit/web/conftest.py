"""Fixtures of the web tests: the app on a temporary PIONEER_HOME built by ``webhome.build_home``, a client, and
API tokens of the demo accounts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webhome import build_home, token_for


@pytest.fixture(scope="package")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    old = os.environ.get("PIONEER_HOME")
    path = tmp_path_factory.mktemp("pioneer-home")
    build_home(path)
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
    """``tokens(username)`` → an Authorization header for that demo account (created once per user)."""
    cache: dict[str, dict[str, str]] = {}

    def get(username: str) -> dict[str, str]:
        if username not in cache:
            cache[username] = token_for(app, username)
        return cache[username]

    return get
