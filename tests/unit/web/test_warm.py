"""The memo warmer (``pioneer.web.warm``): after a pass every zone division's scorecard and trends are memo
hits; an unchanged data version costs nothing; new data part way stops the pass; a failure never escapes; the
app starts it with its lifespan unless ``PIONEER_WARM=0``."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from pioneer.registry.zones.models import Zone
from pioneer.web import assess, warm


def _divisions(app) -> set[str]:
    with app.state.session_factory() as s:
        return {d for z in s.scalars(select(Zone)) for d in z.division_codes}


def test_pass_leaves_every_division_a_memo_hit(app, monkeypatch):
    assess.forget()
    warmer = warm.MemoWarmer(app.state.session_factory)
    assert not warmer.ready()
    assert warmer.tick() and warmer.divisions == len(_divisions(app)) > 0
    assert warmer.ready() and not warmer.tick()  # same data version: nothing to do

    def cold(*a, **k):
        raise AssertionError("computed again: the warmer left no memo entry")

    monkeypatch.setattr(assess.assessment, "zone_scorecard", cold)
    monkeypatch.setattr(assess, "_trends", cold)
    with app.state.session_factory() as s:
        for z in s.scalars(select(Zone)):
            for d in z.division_codes:
                assert assess.scorecard(s, d, tier=z.tier)["division_code"] == d
                assess.trends(s, d)


def test_new_data_part_way_stops_the_pass(app, monkeypatch):
    versions = iter(range(1000))
    monkeypatch.setattr(assess, "data_version", lambda session: (next(versions),))
    warmer = warm.MemoWarmer(app.state.session_factory)
    assert not warmer.tick() and warmer.warmed is None  # every look sees another version


def test_failure_is_logged_not_raised(app, monkeypatch, caplog):
    def broken(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(assess, "scorecard", broken)
    monkeypatch.setattr(assess, "data_version", lambda session: ("failure-test",))
    warmer = warm.MemoWarmer(app.state.session_factory)
    assert not warmer.tick() and warmer.warmed is None
    assert "memo warming failed" in caplog.text


@pytest.mark.parametrize(("setting", "started"), [("0", False), ("1", True)])
def test_app_lifespan_starts_it_unless_turned_off(app, monkeypatch, setting, started):
    monkeypatch.setenv("PIONEER_WARM", setting)
    monkeypatch.setattr(warm.MemoWarmer, "tick", lambda self: True)  # the thread only: no pass in this test
    with TestClient(app, base_url="http://127.0.0.1") as client:
        warmer = app.state.memo_warmer
        assert (warmer is not None) is started
        ready = client.get("/readyz")
        if started:
            assert warmer._thread is not None and warmer._thread.is_alive()
            assert (ready.status_code, ready.text) == (503, "warming")  # no pass has completed
            warmer.warmed = warmer._version()
            assert client.get("/readyz").status_code == 200
        else:
            assert (ready.status_code, ready.text) == (200, "ready")
    assert warmer is None or warmer._thread is None  # stopped with the app
