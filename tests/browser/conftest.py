"""Browser fixtures: uvicorn on a free 127.0.0.1 port in a subprocess, one server per test file, each with its own
copy of a temporary PIONEER_HOME built once (demo zones, demo accounts, indicators of a small slice of the Beijing
sample) — no test file sees another's writes, so the files pass in any order — Debian Chromium through Playwright, and a
route guard that fails any request leaving 127.0.0.1. Screenshots go to ``$PIONEER_ARTIFACTS`` (default
``test-artifacts/browser``)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
BUILD = """
import sys
sys.path.insert(0, {tests!r})
from webhome import build_home
from pathlib import Path
build_home(Path({home!r}))
"""
SERVER = """
import uvicorn
from pioneer.web.app import create_app
uvicorn.run(create_app(migrate=False), host="127.0.0.1", port={port}, log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def template_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The browser tests' home (demo zones, accounts, the slice's indicators), built once per session in a
    subprocess; each test file's server runs on its own copy (:func:`base_url`)."""
    home = tmp_path_factory.mktemp("browser-template")
    tests = str(Path(__file__).resolve().parents[1] / "unit" / "web")
    subprocess.run([sys.executable, "-c", BUILD.format(tests=tests, home=str(home))],
                   env={**os.environ, "PIONEER_HOME": str(home)}, check=True, timeout=600)  # fmt: skip
    return home


@pytest.fixture(scope="module")
def server_home(template_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The home of the test file's server (:func:`base_url`): a fresh copy of the template."""
    home = tmp_path_factory.mktemp("browser-home")
    shutil.copytree(template_home, home, dirs_exist_ok=True)
    return home


@pytest.fixture(scope="module")
def base_url(server_home: Path):
    """A server of the test file's own: its home is a fresh copy of the template, so what one file writes
    (an approved application, a changed password) is never seen by another, whatever the order the files run
    in. (The home's SQLite database: a ``PIONEER_DATABASE_URL`` in the environment would be shared.)"""
    home = server_home
    port = free_port()
    env = {**os.environ, "PIONEER_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-c", SERVER.format(port=port)], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("server exited") from None
            time.sleep(0.3)
    else:
        proc.terminate()
        raise RuntimeError("server did not start")
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, base_url):
    """A fresh context; any request to a host other than 127.0.0.1 is aborted and recorded as a failure."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def guard(route):
        host = route.request.url.split("/")[2].split(":")[0] if "://" in route.request.url else ""
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    yield pg
    context.close()
    assert not outside, f"requests left 127.0.0.1: {outside}"


@pytest.fixture
def shot(request):
    folder = Path(os.environ.get("PIONEER_ARTIFACTS", "test-artifacts/browser"))
    folder.mkdir(parents=True, exist_ok=True)

    def take(pg, name: str) -> None:
        pg.screenshot(path=str(folder / f"{request.node.name}-{name}.png"), full_page=True)

    return take
