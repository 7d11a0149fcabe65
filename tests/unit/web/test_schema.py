"""Property tests of the REST API against its own OpenAPI schema (schemathesis 4, in-process ASGI): for every
operation of the schema — registry, indicators, lake, imports, accounts, plans, reports — generated requests
(anonymous; as a read-only viewer for the GET operations; as the programme-office admin for every writing
operation, on a copy of the test home so that the writes stay there) never cause a 5xx, and every response
conforms to the schema (body schema of the documented status, content type).

The loop over operations is explicit (``schema.get_all_operations()`` → ``as_strategy()``) rather than
``schemathesis.pytest.from_fixture``, whose pytest plugin does not run under the installed pytest."""

from __future__ import annotations

import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks

CHECKS = [checks.not_a_server_error, checks.response_schema_conformance, checks.content_type_conformance]
MAX_EXAMPLES = 5
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def operations(app, methods: tuple[str, ...] | None = None):
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    ops = [r.ok() for r in schema.get_all_operations()]
    return [op for op in ops if methods is None or op.method.upper() in methods]


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


def exercise_all(ops, headers: dict[str, str] | None) -> list[str]:
    failures = []
    for op in ops:
        try:
            exercise(op, headers)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures.append(f"{op.method.upper()} {op.path}: {exc}")
    return failures


def test_schema_covers_the_api(app):
    paths = {op.path for op in operations(app)}
    for p in ("/api/v1/divisions", "/api/v1/zones/{code}/transitions", "/api/v1/stations", "/api/v1/indicators",
              "/api/v1/values/{value_id}", "/api/v1/assessments", "/api/v1/rankings", "/api/v1/lake/{medium}",
              "/api/v1/lake/{medium}/export", "/api/v1/imports", "/api/v1/users", "/api/v1/plans",
              "/api/v1/projects", "/api/v1/cases", "/api/v1/reports/national",
              "/api/v1/zones/{code}/reports/self-assessment"):  # fmt: skip
        assert p in paths


@pytest.mark.parametrize("methods", [("GET",), WRITES])
def test_anonymous(app, methods):
    failures = exercise_all(operations(app, methods), None)
    assert not failures, "\n".join(failures)


def test_viewer_reads(app, tokens):
    failures = exercise_all(operations(app, ("GET",)), tokens("viewer"))
    assert not failures, "\n".join(failures)


@pytest.fixture
def scratch_app(home, tmp_path, monkeypatch):
    """An app on a copy of the test home: the admin's generated writes must not reach the shared one."""
    from pioneer.web import assess
    from pioneer.web.app import create_app

    copy = tmp_path / "home"
    shutil.copytree(home, copy)
    monkeypatch.setenv("PIONEER_HOME", str(copy))
    yield create_app(migrate=False)
    assess.forget()


def test_admin_writes(scratch_app):
    from webhome import token_for

    ops = operations(scratch_app, WRITES)
    assert len(ops) >= 19
    failures = exercise_all(ops, token_for(scratch_app, "admin"))
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
    ("GET", "/api/v1/zones/{code}/plans", {"code": "BJ-110000"}, {}),
    ("GET", "/api/v1/projects/template.xlsx", {}, {}),
    ("GET", "/api/v1/cases", {}, {}),
    ("GET", "/api/v1/reports/national", {}, {"year": 2015, "format": "docx"}),
    (
        "GET",
        "/api/v1/zones/{code}/reports/self-assessment",
        {"code": "BJ-110000"},
        {"year": 2015, "format": "pdf"},
    ),
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
