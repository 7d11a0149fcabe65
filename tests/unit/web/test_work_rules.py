"""The rules behind the work pages: the one document-number rule (GB/T 9704-2012 §7.2.4), attachment file types,
the plan review steps by office (region-tier zones: the province's step falls to the programme office), and the
compute job's what-changed list — hand-made inputs, no browser."""

from __future__ import annotations

import time

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from webhome import home_in_env, token_cache

from pioneer.errors import InputError, PermissionDeniedError
from pioneer.plans import documents as docs
from pioneer.plans import service as plans
from pioneer.plans.errors import PlanError
from pioneer.plans.schemas import PlanCreate, PlanUpdate
from pioneer.registry.permissions import Actor, Role
from pioneer.web import jobs


# This module writes into its home (a job stores 2017 values, zones are created and approved): it builds a home of
# its own so that the package's shared home, whose values other modules count, stays as built.
@pytest.fixture(scope="module")
def home(tmp_path_factory):
    yield from home_in_env(tmp_path_factory.mktemp("work-rules-home"))


@pytest.fixture(scope="module")
def app(home):
    from pioneer.web.app import create_app

    return create_app(migrate=False)


@pytest.fixture(scope="module")
def tokens(app):
    return token_cache(app)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("京环发〔2025〕12号", "京环发〔2025〕12号"),
        ("京环发[2025]12号", "京环发〔2025〕12号"),  # brackets as typed
        ("环综合函【2024】3号", "环综合函〔2024〕3号"),
        (" 浙政办发〔2023〕100号 ", "浙政办发〔2023〕100号"),
    ],
)
def test_document_number_standard_form(text, expected):
    assert docs.document_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "12号",
        "京环发〔25〕12号",
        "京环发〔2025〕012号",
        "京环发〔2025〕第12号",
        "京环发（2025）12号",
        "京环发〔2025〕12",
    ],
)
def test_document_number_refused_located(text):
    with pytest.raises(InputError) as exc:
        docs.document_number(text)
    assert exc.value.column == "document_number" and "〔" in exc.value.message_zh and exc.value.message_en


def test_attachment_kinds_by_leading_bytes():
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    assert docs.file_kind(b"%PDF-1.7 ...", "a.txt") == "pdf"  # the bytes decide, not the name
    assert docs.file_kind(b"\x89PNG\r\n\x1a\nxx", "x") == "png"
    assert docs.file_kind(b"\xff\xd8\xff\xe0", "x") == "jpg"
    assert docs.file_kind(buf.getvalue(), "x") == "docx"
    for bad in (b"hello", b"PK\x03\x04broken", b"MZ\x90\x00"):
        with pytest.raises(InputError):
            docs.file_kind(bad, "evil.pdf")


def test_plan_review_steps_by_office(app):
    city = Actor("t-hz", Role.CITY_EDITOR, ("330500",))
    province = Actor("t-zj", Role.PROVINCE_EDITOR, ("330000",))
    other = Actor("t-js", Role.PROVINCE_EDITOR, ("320000",))
    office = Actor("t-po", Role.REVIEWER)
    with app.state.session_factory() as s:
        p = plans.create_plan(s, PlanCreate(zone_code="ZJ-330500", title="规则测试", start_year=2025, end_year=2027),
                              actor=city)  # fmt: skip
        assert docs.review_state(s, p.id) == docs.DRAFT
        with pytest.raises(PermissionDeniedError):
            docs.step_plan(s, p.id, docs.SUBMITTED, actor=Actor("t-v", Role.VIEWER))
        docs.step_plan(s, p.id, docs.SUBMITTED, actor=city)
        with pytest.raises(PlanError):  # submitted: not changed while under review (the API's path too)
            plans.update_plan(s, p.id, PlanUpdate(title="改"), actor=city)
        assert docs.permitted_steps(s, p.id, "city", city) == []
        assert docs.permitted_steps(s, p.id, "city", province) == [docs.FORWARDED, docs.RETURNED]
        with pytest.raises(PermissionDeniedError):  # another province: no scope over Huzhou
            docs.step_plan(s, p.id, docs.FORWARDED, actor=other)
        with pytest.raises(InputError):  # a return needs its reason
            docs.step_plan(s, p.id, docs.RETURNED, actor=province)
        docs.step_plan(s, p.id, docs.FORWARDED, actor=province)
        with pytest.raises(InputError):  # approval needs the reply's document number
            docs.step_plan(s, p.id, docs.APPROVED, actor=office, number="第3号")
        with pytest.raises(InputError):  # no such step from 'forwarded'
            docs.step_plan(s, p.id, docs.SUBMITTED, actor=city)
        step = docs.step_plan(s, p.id, docs.APPROVED, actor=office, number="环综合函[2025]3号")
        assert step.document_number == "环综合函〔2025〕3号" and docs.review_state(s, p.id) == docs.APPROVED
        assert [h.to_state for h in docs.review_history(s, p.id)] == ["submitted", "forwarded", "approved"]
        # a region-tier zone spans provinces: its forwarding falls to the programme office
        assert docs.plan_steps_roles("region", docs.SUBMITTED, docs.FORWARDED) == {Role.PROGRAMME_OFFICE}
        assert docs.plan_steps_roles("region", docs.DRAFT, docs.SUBMITTED) == {Role.ZONE, Role.PROVINCE}
        s.rollback()


def test_changes_old_to_new():
    key = ["division_code", "indicator", "year", "edition"]
    before = pd.DataFrame([["110000", "a", 2014, "2012", 1, 10.0], ["110000", "b", 2014, "2012", 2, 5.0]],
                          columns=[*key, "id", "value"])  # fmt: skip
    after = pd.DataFrame([["110000", "a", 2014, "2012", 7, 12.5, "µg/m³"], ["110000", "b", 2014, "2012", 8, 5.0, "%"],
                          ["110000", "c", 2014, "2012", 9, float("nan"), "%"]], columns=[*key, "id", "value", "unit"])  # fmt: skip
    lineage = {"inputs": {"lake_imports": ["imp-1"]}, "counts": {"valid_days": 301}}
    computed = pd.DataFrame([["110000", i, 2014, "2012", lineage] for i in "abc"], columns=[*key, "lineage"])
    out = {r["indicator"]: r for r in jobs.changes(before, after, computed)}
    assert (out["a"]["old"], out["a"]["new"], out["a"]["change"]) == (10.0, 12.5, "changed")
    assert (out["a"]["old_id"], out["a"]["new_id"], out["a"]["imports"]) == (1, 7, ["imp-1"])
    assert out["b"]["change"] == "same" and out["c"]["change"] == "new" and out["c"]["new"] is None
    # a null new value says how many valid days the standard had to refuse (shown on the result page)
    assert (out["c"]["valid_days"], out["a"]["valid_days"]) == (301, None)


def test_years_of_form():
    assert jobs.years_of("2014", "2016") == [2014, 2015, 2016]
    for a, b in (("x", "2014"), ("2016", "2014"), ("1999", "2000"), ("2000", "2030")):
        with pytest.raises(InputError):
            jobs.years_of(a, b)


def test_compute_job_runs_and_lists_changes(app, tokens):
    """A job over the lake: one station's row imported, the job computes, stores and says what changed."""
    client = TestClient(app, base_url="http://127.0.0.1")
    rows = "".join(f"1001A,110000,2017-03-01T{h:02d}:00,5,20,0.5,30,50,40\n" for h in range(1, 24))
    csv = (
        "station,city,time,so2,no2,co,o3,pm10,pm2_5\n"
        + rows
        + "1001A,110000,2017-03-02T00:00,5,20,0.5,30,50,40\n"
    )
    r = client.post(
        "/api/v1/imports", files={"file": ("j.csv", csv.encode(), "text/csv")}, headers=tokens("beijing")
    )
    client.post(f"/api/v1/imports/{r.json()['upload_id']}/confirm", headers=tokens("beijing"))
    from sqlalchemy import select

    from pioneer.web.models import User

    with app.state.session_factory() as s:
        user = s.scalar(select(User).where(User.username == "beijing"))
        for _ in range(300):  # another test's job of this zone (the scope matrix starts one) ends first
            if not s.scalar(
                select(jobs.Job.id).where(
                    jobs.Job.zone_code == "BJ-110000", jobs.Job.state.in_((jobs.QUEUED, jobs.RUNNING))
                )
            ):
                break
            time.sleep(0.2)
        job = jobs.start_compute(s, app.state.session_factory, user, "BJ-110000", [2017], run=False)
        assert jobs.run_compute(app.state.session_factory, job.id)  # the thread's body, run here
        with pytest.raises(PermissionDeniedError):  # another city's editor may not start one
            other = s.scalar(select(User).where(User.username == "huzhou"))
            jobs.start_compute(s, app.state.session_factory, other, "BJ-110000", [2017], run=False)
    with app.state.session_factory() as s:
        done = s.get(jobs.Job, job.id)
        assert done.state == jobs.DONE and done.progress == 100, (done.message_zh, done.message_en)
        assert done.result["changes"], (
            done.result
        )  # one valid day: the year's rows exist (most values missing)
        for c in done.result["changes"]:
            assert c["division_code"].startswith("11") and c["year"] == 2017 and c["new_id"]
            assert c["change"] in ("new", "changed", "same") and c["imports"]


def test_zone_page_approval_needs_document_number(app):
    """The zone page's lifecycle form posts through the review route: an approval without a valid 文号 returns to
    the zone page with the reason (still signed in, nothing changed); with one, the number heads the history."""
    from pioneer.registry.zones import service as zones
    from pioneer.registry.zones.schemas import ZoneCreate

    office, province = Actor("t-po", Role.ADMIN), Actor("t-zj", Role.PROVINCE_EDITOR, ("330000",))
    with app.state.session_factory() as s, s.begin():
        zones.create_zone(s, ZoneCreate(code="ZJ-330522", name_zh="长兴县（测试）", tier="county",
                                        division_codes=["330522"]), actor=office)  # fmt: skip
        zones.transition(s, "ZJ-330522", "recommended", actor=province)
        zones.transition(s, "ZJ-330522", "under_review", actor=office)
    c = TestClient(app, base_url="http://127.0.0.1")
    token = c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    c.post("/login", data={"username": "reviewer", "password": "pioneer-demo", "csrf_token": token})
    page = c.get("/zones/ZJ-330522").text
    assert 'action="/review/zones/ZJ-330522"' in page and 'name="document_number"' in page
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    form = {"csrf_token": csrf, "to_state": "approved", "back": "zone"}
    r = c.post("/review/zones/ZJ-330522", data={**form, "document_number": "第1号"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/zones/ZJ-330522?refused=")
    assert "文号格式" in c.get(r.headers["location"]).text
    r = c.post(
        "/review/zones/ZJ-330522",
        data={**form, "document_number": "环综合函〔2025〕7号"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/zones/ZJ-330522"
    with app.state.session_factory() as s:
        z = zones.zone(s, "ZJ-330522")
        assert z.state == "approved" and z.history[-1].reason.startswith("批复文号：环综合函〔2025〕7号")


def under_review(app, code: str, division: str) -> None:
    """A county application walked to 审核中 through the registry (created by the office, recommended by 浙江)."""
    from pioneer.registry.zones import service as zones
    from pioneer.registry.zones.schemas import ZoneCreate

    office, province = Actor("t-po", Role.ADMIN), Actor("t-zj", Role.PROVINCE_EDITOR, ("330000",))
    with app.state.session_factory() as s, s.begin():
        zones.create_zone(s, ZoneCreate(code=code, name_zh=f"{code}（测试）", tier="county",
                                        division_codes=[division]), actor=office)  # fmt: skip
        zones.transition(s, code, "recommended", actor=province)
        zones.transition(s, code, "under_review", actor=office)


@pytest.mark.parametrize(
    ("number", "zh", "en"),
    [
        ("", "批复须填写批复文号", "needs the document number"),
        ("环综合函〔2025〕007号", "文号格式", "document number reads"),
    ],
)
def test_api_approval_needs_document_number(app, tokens, number, zh, en):
    """``POST /api/v1/zones/{code}/transitions`` to ``approved`` without a valid 文号: 422, located at
    ``document_number``, in Chinese and English, nothing changed; with one, approved and the number in the history."""
    from pioneer.registry.zones import service as zones

    code = f"API-{len(number)}"
    under_review(app, code, "330522")
    c = TestClient(app, base_url="http://127.0.0.1")
    body = {"to_state": "approved", "reason": "同意", "document_number": number}
    r = c.post(f"/api/v1/zones/{code}/transitions", json=body, headers=tokens("reviewer"))
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail["column"] == "document_number" and zh in detail["message_zh"] and en in detail["message_en"]
    with app.state.session_factory() as s:
        assert zones.zone(s, code).state == "under_review" and len(zones.history(s, code)) == 3
    body["document_number"] = "环综合函[2025]7号"  # brackets as typed, read as 〔〕
    r = c.post(f"/api/v1/zones/{code}/transitions", json=body, headers=tokens("reviewer"))
    assert r.status_code == 200 and r.json()["zone"]["state"] == "approved", r.text
    history = c.get(f"/api/v1/zones/{code}/transitions", headers=tokens("reviewer")).json()
    assert history[-1]["reason"] == "批复文号：环综合函〔2025〕7号；同意"


def test_step_that_does_not_exist_is_the_requests_error(app, tokens):
    """A lifecycle step the zone's state does not have (under review → self-assessed, → model) is refused as
    the request's error, 422 naming the steps there are, for the office that reviews as for the zone's
    editor — not 403, which would say "someone else may" — and nothing changes."""
    from pioneer.registry.zones import service as zones

    under_review(app, "API-NOSTEP", "330522")
    c = TestClient(app, base_url="http://127.0.0.1")
    for who in ("reviewer", "zhejiang"):
        for target in ("self_assessed", "model"):
            r = c.post("/api/v1/zones/API-NOSTEP/transitions", json={"to_state": target}, headers=tokens(who))
            assert r.status_code == 422, (who, target, r.text)
            assert (
                "cannot move to" in r.json()["detail"]["message_en"]
                and "approved" in r.json()["detail"]["message_en"]
            )
    with app.state.session_factory() as s:
        assert (
            zones.zone(s, "API-NOSTEP").state == "under_review" and len(zones.history(s, "API-NOSTEP")) == 3
        )


def test_review_queue_error_next_to_the_field(app):
    """The /review queue: an approval with a bad 文号 comes back to the queue, the message next to that zone's
    number field (aria-invalid, described by it) and not above the page; the zone is unchanged."""
    from pioneer.registry.zones import service as zones

    under_review(app, "Q-330521", "330521")
    c = TestClient(app, base_url="http://127.0.0.1")
    token = c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    c.post("/login", data={"username": "reviewer", "password": "pioneer-demo", "csrf_token": token})
    page = c.get("/review").text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    form = {"csrf_token": csrf, "to_state": "approved", "document_number": "第3号"}
    r = c.post("/review/zones/Q-330521", data=form, follow_redirects=False)
    assert r.status_code == 303 and "field=document_number" in r.headers["location"]
    page = c.get(r.headers["location"]).text
    row = page.split('data-zone="Q-330521"')[1].split("</tr>")[0]
    assert 'id="err-Q-330521-approved"' in row and "文号格式" in row and 'aria-invalid="true"' in row
    assert 'id="work-refused"' not in page
    with app.state.session_factory() as s:
        assert zones.zone(s, "Q-330521").state == "under_review"
    # a return without its reason: the message stands next to the reason field of the return form
    r = c.post(
        "/review/zones/Q-330521", data={"csrf_token": csrf, "to_state": "draft"}, follow_redirects=False
    )
    assert "field=reason" in r.headers["location"]
    row = c.get(r.headers["location"]).text.split('data-zone="Q-330521"')[1].split("</tr>")[0]
    assert 'id="err-Q-330521-draft"' in row and "理由" in row


def _signed_in(app, username: str) -> TestClient:
    c = TestClient(app, base_url="http://127.0.0.1")
    token = c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    c.post("/login", data={"username": username, "password": "pioneer-demo", "csrf_token": token})
    return c


def _case_row(page: str, case_id: int) -> str:
    return page.split(f'data-case="{case_id}"')[1].split("</tr>")[0]


def test_case_province_recommends_then_office_decides(app):
    """典型案例 through the province and the programme office: a submitted case waits in the province's 待办
    (/todo) and /review with recommend and return only; a return without its reason comes back next to that
    field (nothing changed); the province recommends from /todo (audited, back on /todo); then the office's
    queue offers approve and return, and approving is audited with the reviewer. The office has no step on a
    merely submitted case, the city editor none on either, and the cases page offers each user only their steps."""
    from sqlalchemy import select

    from pioneer.db.audit import AuditEntry
    from pioneer.plans.schemas import CaseCreate

    own = Actor("t-hz", Role.CITY_EDITOR, ("330500",))
    with app.state.session_factory() as s, s.begin():
        case = plans.create_case(s, CaseCreate(zone_code="ZJ-330500", title="湖州案例（测试）", summary="摘要"),
                                 actor=own)  # fmt: skip
        plans.step_case(s, case.id, "submitted", actor=own)
        case_id = case.id
    office, province, city = (
        _signed_in(app, "reviewer"),
        _signed_in(app, "zhejiang"),
        _signed_in(app, "huzhou"),
    )
    assert f'data-case="{case_id}"' not in office.get("/review").text  # not yet recommended
    assert f'data-case="{case_id}"' not in office.get("/todo").text
    assert f'data-case="{case_id}"' not in city.get("/todo").text
    page = province.get("/todo").text
    row = _case_row(page, case_id)
    assert "湖州案例（测试）" in row and 'data-step="recommended"' in row and 'data-step="returned"' in row
    assert 'data-step="approved"' not in row and 'data-step="submitted"' not in row
    assert 'data-step="recommended"' in _case_row(province.get("/review").text, case_id)
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    r = province.post(f"/review/cases/{case_id}", data={"csrf_token": csrf, "to_status": "returned", "back": "todo"},
                      follow_redirects=False)  # fmt: skip
    assert r.headers["location"].startswith("/todo?") and "field=note" in r.headers["location"]
    row = _case_row(province.get(r.headers["location"]).text, case_id)
    assert f'id="err-case-{case_id}-returned"' in row and "理由" in row
    office_csrf = office.get("/review").text.split('name="csrf_token" value="')[1].split('"')[0]
    r = office.post(f"/review/cases/{case_id}", data={"csrf_token": office_csrf, "to_status": "recommended"},
                    follow_redirects=False)  # fmt: skip
    assert "refused=" in r.headers["location"]  # the office does not take the province's step
    with app.state.session_factory() as s:
        assert plans.case(s, case_id).status == "submitted"
    r = province.post(f"/review/cases/{case_id}", data={"csrf_token": csrf, "to_status": "recommended",
                      "note": "推荐", "back": "todo"}, follow_redirects=False)  # fmt: skip
    assert r.headers["location"] == f"/todo?msg=case-{case_id}"
    assert 'id="todo-case-done"' in province.get(r.headers["location"]).text
    assert f'data-case="{case_id}"' not in province.get("/todo").text
    cases = city.get("/cases").text.split(f'data-case="{case_id}"')[1].split("</article>")[0]
    assert "zhejiang" in cases and "todo-step" not in cases  # who recommended; no step for the zone now
    row = _case_row(office.get("/review").text, case_id)
    assert (
        'data-step="approved"' in row
        and 'data-step="returned"' in row
        and 'data-step="recommended"' not in row
    )
    r = office.post(f"/review/cases/{case_id}", data={"csrf_token": office_csrf, "to_status": "approved", "note": "典型"},
                    follow_redirects=False)  # fmt: skip
    assert r.headers["location"] == f"/review?msg=case-{case_id}"
    with app.state.session_factory() as s:
        assert plans.case(s, case_id).status == "approved"
        entries = s.scalars(select(AuditEntry).where(AuditEntry.object_type == "case",
                                                     AuditEntry.object_key == str(case_id))
                            .order_by(AuditEntry.id)).all()  # fmt: skip
        assert [(e.action, e.username) for e in entries[-2:]] == [
            ("recommended", "zhejiang"),
            ("approved", "reviewer"),
        ]
    cases = office.get("/cases").text.split(f'data-case="{case_id}"')[1].split("</article>")[0]
    assert 'data-step="published"' in cases and 'data-step="approved"' not in cases


def test_project_expected_indicators_in_the_page(app):
    """A project's expected indicators edited in the page: an unknown code and a non-number are refused next to
    the indicators' table (nothing written); valid rows are stored, shown again, and replaced by an edit."""
    from pioneer.plans.models import Project

    c = TestClient(app, base_url="http://127.0.0.1")
    token = c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    c.post("/login", data={"username": "huzhou", "password": "pioneer-demo", "csrf_token": token})
    page = c.get("/zones/ZJ-330500/projects/new").text
    assert (
        'name="indicator_code"' in page and 'list="indicator-codes"' in page and 'value="air_pm2_5"' in page
    )
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    form = {"csrf_token": csrf, "code": "HZ-IND-1", "name": "指标测试项目", "category": "infrastructure",
            "division_code": "330502", "total_investment": "100", "funding_fiscal": "100", "start_date": "2025-01-01",
            "end_date": "2026-12-31", "status": "planned"}  # fmt: skip
    bad = c.post("/zones/ZJ-330500/projects/new", data={**form, "indicator_code": ["no_such", "air_pm2_5"],
                                                        "indicator_expected_change": ["1", "x"]})  # fmt: skip
    assert bad.status_code == 422 and 'id="prj-err-indicators"' in bad.text
    err = bad.text.split('id="prj-err-indicators">')[1].split("</span>")[0]
    assert "未知指标" in err or "数字" in err
    with app.state.session_factory() as s:
        assert s.query(Project).filter_by(code="HZ-IND-1").count() == 0
    ok = c.post("/zones/ZJ-330500/projects/new", data={**form, "indicator_code": ["air_pm2_5"],
                                                       "indicator_expected_change": ["-2.5"]}, follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303, ok.text[:500]
    edit = c.get("/projects/HZ-IND-1/edit").text
    assert 'value="air_pm2_5"' in edit.split('id="indicators"')[1] and 'value="-2.5"' in edit
    again = c.post("/projects/HZ-IND-1/edit", data={**form, "indicator_code": ["air_pm2_5", "air_pm10"],
                                                    "indicator_expected_change": ["-3", "-4"]}, follow_redirects=False)  # fmt: skip
    assert again.status_code == 303
    with app.state.session_factory() as s:
        p = s.query(Project).filter_by(code="HZ-IND-1").one()
        assert sorted((i.indicator, i.expected_change) for i in p.indicators) == [
            ("air_pm10", -4.0),
            ("air_pm2_5", -3.0),
        ]


def test_case_queue_reads_no_zone_per_case(app):
    """The province's queue of typical cases reads the zones once, however many cases wait (it read each case's
    zone two or three times before): the statements that select a zone do not grow from 1 to 6 cases."""
    from sqlalchemy import event

    from pioneer.plans.schemas import CaseCreate
    from pioneer.web import services
    from pioneer.web.models import User

    own = Actor("t-hz", Role.CITY_EDITOR, ("330500",))
    engine = app.state.session_factory.kw["bind"]

    def zone_reads() -> tuple[int, int]:
        seen: list[str] = []
        listener = lambda conn, cur, statement, *a: seen.append(statement)  # noqa: E731
        with app.state.session_factory() as s:
            user = s.query(User).filter_by(username="zhejiang").one()
            event.listen(engine, "before_cursor_execute", listener)
            try:
                queue = services.case_todo(s, user)
            finally:
                event.remove(engine, "before_cursor_execute", listener)
        return len(queue), sum("FROM registry_zone " in x or "FROM registry_zone\n" in x for x in seen)

    def add_cases(n: int) -> None:
        with app.state.session_factory() as s, s.begin():
            for i in range(n):
                c = plans.create_case(s, CaseCreate(zone_code="ZJ-330500", title=f"队列案例{i}"), actor=own)
                plans.step_case(s, c.id, "submitted", actor=own)

    add_cases(1)
    few, reads_few = zone_reads()
    add_cases(5)
    many, reads_many = zone_reads()
    assert many == few + 5 and reads_many == reads_few, (reads_few, reads_many)


def _job(app, state: str, *, beat_age: float | None = None, age: float = 0.0) -> int:
    """A compute job of 湖州's zone as another process would have left it (heartbeat ``beat_age`` s ago)."""
    import datetime as dt

    from pioneer.web.models import utcnow

    with app.state.session_factory() as s, s.begin():
        job = jobs.Job(kind=jobs.KIND_COMPUTE, zone_code="ZJ-330500", state=state, username="zhejiang",
                       params={"years": [2017], "divisions": ["330500"]},
                       created_at=utcnow() - dt.timedelta(seconds=age),
                       heartbeat_at=None if beat_age is None else utcnow() - dt.timedelta(seconds=beat_age))  # fmt: skip
        s.add(job)
        s.flush()
        return job.id


def _user(s, name: str):
    from sqlalchemy import select

    from pioneer.web.models import User

    return s.scalar(select(User).where(User.username == name))


def test_job_alive_in_another_process_is_not_failed(app):
    """A job that another server worker runs (fresh heartbeat) stays running when read here — before, every
    process but the one that started it reported it failed; without a heartbeat for STALE_AFTER it is failed,
    as is a job queued for a thread that never took it."""
    alive = _job(app, jobs.RUNNING, beat_age=5, age=600)
    lost = _job(app, jobs.RUNNING, beat_age=jobs.STALE_AFTER.total_seconds() + 5, age=600)
    never = _job(app, jobs.QUEUED, age=jobs.STALE_AFTER.total_seconds() + 5)
    with app.state.session_factory() as s:
        user = _user(s, "zhejiang")
        assert jobs.job_for(s, user, alive).state == jobs.RUNNING
        for job_id in (lost, never):
            job = jobs.job_for(s, user, job_id)
            assert job.state == jobs.FAILED and "interrupted" in job.message_en and job.finished_at
    with app.state.session_factory() as s, s.begin():  # leave no running job of the zone for other tests
        s.get(jobs.Job, alive).state = jobs.FAILED


def test_job_claimed_once_and_an_expired_job_stores_nothing(app):
    """Two runners, one job: the first claim wins, the second gets nothing. A job expired while it ran (its
    user was told it failed) does not store its late result."""
    job_id = _job(app, jobs.QUEUED)
    assert jobs.claim(app.state.session_factory, job_id, "worker")
    assert not jobs.claim(app.state.session_factory, job_id, "thread")
    assert not jobs.run_compute(app.state.session_factory, job_id)  # already taken: not run twice
    with app.state.session_factory() as s, s.begin():
        job = s.get(jobs.Job, job_id)
        assert job.state == jobs.RUNNING and job.runner.endswith(":worker") and job.heartbeat_at
        job.state, job.message_en = jobs.FAILED, "interrupted"
    jobs._compute(app.state.session_factory, job_id)
    with app.state.session_factory() as s:
        job = s.get(jobs.Job, job_id)
        assert (job.state, job.message_en, job.result) == (jobs.FAILED, "interrupted", {})


def test_worker_runs_what_the_server_queued(app, monkeypatch):
    """``PIONEER_JOB_RUNNER=worker``: the server only queues (no thread; a queued job waits, however long),
    and ``pioneer jobs work --once`` runs it to the end."""
    import datetime as dt

    from typer.testing import CliRunner

    from pioneer.cli import app as cli

    monkeypatch.setenv("PIONEER_JOB_RUNNER", "worker")
    with app.state.session_factory() as s:
        for _ in range(300):  # the zone's other jobs (previous tests) end first
            if not s.scalar(select(jobs.Job.id).where(jobs.Job.zone_code == "ZJ-330500",
                                                      jobs.Job.state.in_((jobs.QUEUED, jobs.RUNNING)))):  # fmt: skip
                break
            time.sleep(0.2)
        job = jobs.start_compute(s, app.state.session_factory, _user(s, "zhejiang"), "ZJ-330500", [2017])
        job.created_at = job.created_at - dt.timedelta(hours=1)
        s.commit()
        time.sleep(0.5)
        assert jobs.job_for(s, _user(s, "zhejiang"), job.id).state == jobs.QUEUED
    out = CliRunner().invoke(cli, ["jobs", "work", "--once", "--poll", "0.1"])
    assert out.exit_code == 0, out.output
    with app.state.session_factory() as s:
        done = s.get(jobs.Job, job.id)
        assert done.state == jobs.DONE and done.runner.endswith(":worker"), (done.state, done.message_en)
