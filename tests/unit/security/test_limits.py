"""Request body limits (ASVS V13.1.3 / V12.1.1): refused from Content-Length before the body is read, counted
while it streams (chunked, or a lying header), anonymous uploads refused before reading; the refusal in the
bilingual error shape (API) or the error page (forms). Nothing is kept."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pioneer.config import Settings


def _small_app(home: Path, max_upload_mb: int = 1, max_body_kb: int = 16):
    """The app on the package's test home with small limits. The home is set again here: under xdist another
    package's fixture may have restored PIONEER_HOME in between, and the tokens live in this home's database."""
    from pioneer.web.app import create_app

    os.environ["PIONEER_HOME"] = str(home)
    from pioneer.web.security import BodyLimit

    app = create_app(migrate=False)
    config = Settings(max_upload_mb=max_upload_mb, max_body_kb=max_body_kb)
    app.user_middleware = [m if m.cls is not BodyLimit else type(m)(BodyLimit, config=config)
                           for m in app.user_middleware]  # fmt: skip
    return app


async def _call(app, method: str, path: str, headers: dict[str, str], chunks: int, size: int = 64 * 1024):
    """Call the ASGI app directly with a body of ``chunks`` × ``size`` bytes sent as separate messages (the test
    client would read the whole body first); returns (status, body, bytes the app pulled)."""
    pulled = 0
    sent: list[dict] = []

    async def receive():
        nonlocal pulled
        if pulled >= chunks * size:
            return {"type": "http.disconnect"}
        pulled += size
        return {"type": "http.request", "body": b"x" * size, "more_body": pulled < chunks * size}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "path": path,
             "raw_path": path.encode(), "query_string": b"", "scheme": "http", "server": ("127.0.0.1", 80),
             "client": ("127.0.0.1", 5000), "root_path": "",
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}  # fmt: skip
    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body, pulled


def test_json_body_over_limit_refused_before_reading(home, tokens):
    client = TestClient(_small_app(home), base_url="http://127.0.0.1")
    body = json.dumps({"code": "X", "pad": "y" * 40_000})
    r = client.post(
        "/api/v1/zones", content=body, headers={**tokens("admin"), "content-type": "application/json"}
    )
    assert r.status_code == 413
    assert r.json()["detail"]["message_en"].startswith("request body too large (limit 16 KB")


def test_streamed_body_counted(home, tokens):
    import anyio

    app = _small_app(home)
    headers = {**tokens("admin"), "content-type": "application/json"}  # no Content-Length: chunked
    status, body, pulled = anyio.run(_call, app, "POST", "/api/v1/zones", headers, 200)  # 12.8 MB offered
    assert status == 413 and b"16 KB" in body
    assert pulled <= 64 * 1024  # stopped at the first chunk past 16 KB


def test_upload_over_cap(home, tokens):
    client = TestClient(_small_app(home, max_upload_mb=1), base_url="http://127.0.0.1")
    data = b"station,time,pm2_5\n" + b"1001A,2025-01-01 01:00,3\n" * 60_000  # 1.5 MB
    r = client.post("/api/v1/imports", files={"file": ("big.csv", data, "text/csv")}, headers=tokens("admin"))
    assert r.status_code == 413 and "1.0 MB" in r.json()["detail"]["message_en"]
    small = b"station,time,pm2_5\n1001A,2025-01-01 01:00,3\n"
    ok = client.post(
        "/api/v1/imports", files={"file": ("small.csv", small, "text/csv")}, headers=tokens("admin")
    )
    assert ok.status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/imports", "/upload", "/api/v1/projects/import",
                                  "/api/v1/projects/DEMO-BJ-001/evidence", "/zones/BJ-110000/plans/import"])  # fmt: skip
def test_anonymous_upload_refused_before_reading(app, path):
    import anyio

    headers = {"content-type": "multipart/form-data; boundary=x"}
    status, body, pulled = anyio.run(_call, app, "POST", path, headers, 50)
    assert status == 401 and pulled == 0
    text = body.decode()
    assert "please log in first" in text or "请先登录" in text


def test_form_over_limit_gets_error_page(home):
    client = TestClient(_small_app(home), base_url="http://127.0.0.1")
    r = client.post("/login", data={"username": "admin", "password": "p" * 20_000, "csrf_token": "x"})
    assert r.status_code == 413 and "text/html" in r.headers["content-type"]


def test_declared_length_refused_unread(app, tokens):
    import anyio

    headers = {**tokens("admin"), "content-length": str(10**10), "content-type": "application/json"}
    status, _, pulled = anyio.run(_call, app, "POST", "/api/v1/zones", headers, 1)
    assert status == 413 and pulled == 0


def test_validation_off_the_event_loop(app, tokens):
    """While a large upload is validated, other requests are answered at once (the handler is a plain ``def``,
    run in a worker thread; it used to be ``async`` and froze every other request)."""
    import time

    import anyio
    import httpx

    rows = b"".join(
        b"1001A,2025-01-%02d %02d:00,%d\n" % (1 + i // 24 % 28, i % 24, i % 300) for i in range(150_000)
    )
    data = b"station,time,pm2_5\n" + rows  # ≈ 4 MB

    async def scenario():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            waits: list[float] = []
            done = anyio.Event()
            took = {}

            async def upload():
                t0 = time.perf_counter()
                r = await client.post("/api/v1/imports", files={"file": ("big.csv", data, "text/csv")},
                                      headers=tokens("admin"))  # fmt: skip
                took["upload"] = time.perf_counter() - t0
                assert r.status_code == 200
                done.set()

            async def probe():
                await anyio.sleep(0.05)
                while not done.is_set():
                    t0 = time.perf_counter()
                    assert (await client.get("/healthz")).status_code == 200
                    waits.append(time.perf_counter() - t0)
                    await anyio.sleep(0.02)

            async with anyio.create_task_group() as tg:
                tg.start_soon(upload)
                tg.start_soon(probe)
            return took["upload"], waits

    upload_s, waits = anyio.run(scenario)
    assert upload_s > 0.5 and len(waits) >= 5, (upload_s, len(waits))
    # an async handler held every probe for the whole validation; the multipart parse itself (one 4 MB message
    # through the in-process transport) may still delay one probe a little
    waits.sort()
    assert waits[len(waits) // 2] < 0.1 and max(waits) < upload_s / 3, (waits[-3:], upload_s)
