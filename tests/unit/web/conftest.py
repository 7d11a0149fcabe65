"""Fixtures of the web tests: the app on a temporary PIONEER_HOME built by ``webhome.build_home``, a client, and
API tokens of the demo accounts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webhome import home_in_env, token_cache


@pytest.fixture(scope="package")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield from home_in_env(tmp_path_factory.mktemp("pioneer-home"))


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
    return token_cache(app)
