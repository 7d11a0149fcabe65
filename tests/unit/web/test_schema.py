"""Property tests of the REST API against its own OpenAPI schema (schemathesis 4, in-process ASGI): for every
operation, generated requests — anonymous, and as a read-only viewer for the GET operations — never cause a
5xx, and every response conforms to the schema (body schema of the documented status, content type).

The loop over operations is explicit (``schema.get_all_operations()`` → ``as_strategy()``) rather than
``schemathesis.pytest.from_fixture``, whose pytest plugin does not run under the installed pytest."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks

CHECKS = [checks.not_a_server_error, checks.response_schema_conformance, checks.content_type_conformance]
MAX_EXAMPLES = 5


def own_paths() -> set[str]:
    """Paths of the routers of this area (registry, indicators, lake, imports, accounts). Other areas' routers
    (plans, reports) are registered in the same app and can reuse :func:`exercise` for their own operations."""
    from pioneer.web.api import accounts, imports, indicators, lake, registry

    return {
        "/api/v1" + r.path for m in (accounts, imports, indicators, lake, registry) for r in m.router.routes
    }


def operations(app, method: str | None = None):
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    ops = [r.ok() for r in schema.get_all_operations()]
    mine = own_paths()
    return [op for op in ops if op.path in mine and (method is None or op.method.upper() == method)]


def exercise(op, headers: dict[str, str] | None) -> None:
    strategy = st.one_of(op.as_strategy(generation_mode=GenerationMode.POSITIVE),
                         op.as_strategy(generation_mode=GenerationMode.NEGATIVE))  # fmt: skip

    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(data=st.data())
    def run(data):
        case = data.draw(strategy)
        case.call_and_validate(checks=CHECKS, headers=headers)

    run()


def test_schema_covers_the_api(app):
    paths = {op.path for op in operations(app)}
    for p in ("/api/v1/divisions", "/api/v1/zones/{code}/transitions", "/api/v1/stations", "/api/v1/indicators",
              "/api/v1/values/{value_id}", "/api/v1/assessments", "/api/v1/rankings", "/api/v1/lake/{medium}",
              "/api/v1/lake/{medium}/export", "/api/v1/imports", "/api/v1/users"):  # fmt: skip
        assert p in paths


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH"])
def test_anonymous(app, method):
    failures = []
    for op in operations(app, method):
        try:
            exercise(op, None)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures.append(f"{op.method.upper()} {op.path}: {exc}")
    assert not failures, "\n".join(failures)


def test_viewer_reads(app, tokens):
    failures = []
    for op in operations(app, "GET"):
        try:
            exercise(op, tokens("viewer"))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures.append(f"{op.method.upper()} {op.path}: {exc}")
    assert not failures, "\n".join(failures)


#: Requests that reach existing records (random path parameters rarely do): (method, path, path params, query).
KNOWN = [
    ("GET", "/api/v1/zones/{code}", {"code": "BJ-110000"}, {}),
    ("GET", "/api/v1/zones/{code}/transitions", {"code": "BJ-110000"}, {}),
    ("GET", "/api/v1/zones/{code}/indicators", {"code": "BJ-110000"}, {}),
    ("GET", "/api/v1/zones/{code}/trends", {"code": "BJ-110000"}, {}),
    ("GET", "/api/v1/zones", {}, {"within": "330000"}),
    ("GET", "/api/v1/divisions/{code}", {"code": "330500"}, {}),
    ("GET", "/api/v1/divisions/{code}/children", {"code": "330500"}, {}),
    ("GET", "/api/v1/divisions", {}, {"q": "湖州"}),
    ("GET", "/api/v1/stations/{code}", {"code": "1001A"}, {}),
    ("GET", "/api/v1/stations", {}, {"within": "110000"}),
    ("GET", "/api/v1/indicators/{code}", {"code": "air_pm2_5"}, {}),
    ("GET", "/api/v1/values", {}, {"division": "110000", "lineage": "true"}),
    ("GET", "/api/v1/values/{value_id}", {"value_id": 1}, {}),
    ("GET", "/api/v1/assessments", {}, {"division": "110000"}),
    (
        "GET",
        "/api/v1/assessments/explain",
        {},
        {"division": "110000", "indicator": "air_pm2_5", "year": 2015},
    ),
    ("GET", "/api/v1/rankings", {}, {"indicator": "air_good_day_ratio", "level": "province"}),
    ("GET", "/api/v1/rankings", {}, {"format": "xlsx"}),
    ("GET", "/api/v1/overview", {}, {"indicator": "air_pm2_5"}),
    ("GET", "/api/v1/indicators/template", {}, {"division": "330500", "year": 2024}),
    ("GET", "/api/v1/users/me", {}, {}),
    ("GET", "/api/v1/lake/{medium}", {"medium": "air"}, {"division": "110000"}),
    ("GET", "/api/v1/lake/{medium}/export", {"medium": "air"}, {"division": "110000"}),
    ("GET", "/api/v1/imports", {}, {}),
]


def test_known_records_conform(app, tokens):
    by_key = {(op.method.upper(), op.path): op for op in operations(app)}
    failures = []
    for method, path, params, query in KNOWN:
        case = by_key[(method, path)].Case(path_parameters=params, query=query)
        try:
            r = case.call_and_validate(checks=CHECKS, headers=tokens("viewer"))
            assert r.status_code == 200, (path, r.status_code, r.text[:200])
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures.append(f"{method} {path} {params} {query}: {exc}")
    assert not failures, "\n".join(failures)
