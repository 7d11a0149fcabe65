"""Every POST route that takes a file has its own body-limit rule (``web.security.rules``: refused before the body
is read) and runs off the event loop (a plain ``def``: FastAPI runs it in a worker thread) — issue 15 item 2.
The list is found by walking the app's routes, so a new upload route without a rule fails here."""

from __future__ import annotations

import inspect
import re

from pioneer.config import settings
from pioneer.web.security import MULTIPART_SLACK, rules


def walk(routes, prefix=""):
    """(path, route) of every route, through included routers (FastAPI keeps them unflattened)."""
    for r in routes:
        if hasattr(r, "original_router"):
            yield from walk(r.original_router.routes, prefix + (r.include_context.prefix or ""))
        elif getattr(r, "methods", None):
            yield prefix + r.path, r


def file_params(dependant) -> list[str]:
    found = [p.name for p in dependant.body_params if type(p.field_info).__name__ == "File"]
    for sub in dependant.dependencies:
        found += file_params(sub)
    return found


def file_routes(app) -> list[tuple[str, object]]:
    return [(path, r) for path, r in walk(app.routes)
            if "POST" in r.methods and hasattr(r, "dependant") and file_params(r.dependant)]  # fmt: skip


def test_every_file_route_has_a_limit_and_runs_in_a_thread(app):
    found = file_routes(app)
    paths = {p for p, _ in found}
    # the uploads named by issue 15: measurements, ecology, compensation, carbon, GEP, plans
    for expected in ("/upload", "/api/v1/imports", "/api/v1/ecology/import", "/ecology/import",
                     "/api/v1/compensation/agreements/import", "/api/v1/carbon/account", "/api/v1/gep/account",
                     "/gep/upload", "/api/v1/projects/import"):  # fmt: skip
        assert expected in paths, expected
    table = rules(settings())
    cap = 1024 * 1024 * 1024
    missing, on_loop = [], []
    for path, route in found:
        concrete = re.sub(r"\{[^}]+\}", "X1", path)
        rule = next((r for r in table if r.method == "POST" and r.path.match(concrete)), None)
        if rule is None or not rule.signed_in or not 0 < rule.limit <= cap + MULTIPART_SLACK:
            missing.append(path)
        if inspect.iscoroutinefunction(route.endpoint):
            on_loop.append(path)
    assert not missing, f"file routes without their own body limit: {missing}"
    assert not on_loop, f"file routes validating on the event loop (async def): {on_loop}"


def test_limit_refused_before_reading(client):
    """A declared body past the rule is refused with 413 (or 401 without credentials) before it is read."""
    big = str(11 * 1024 * 1024)
    for path in ("/api/v1/ecology/import", "/api/v1/gep/account", "/api/v1/compensation/agreements/import"):
        r = client.post(path, headers={"Content-Length": big, "Content-Type": "multipart/form-data; boundary=x",
                                       "Authorization": "Bearer nope"}, content=b"")  # fmt: skip
        assert r.status_code == 413, (path, r.status_code)
        r = client.post(path, headers={"Content-Length": "10", "Content-Type": "multipart/form-data; boundary=x"},
                        content=b"0123456789")  # fmt: skip
        assert r.status_code == 401, (path, r.status_code)
