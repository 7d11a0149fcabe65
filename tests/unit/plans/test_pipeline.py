"""The national pipeline: every total equals the sum of its projects (property test over random portfolios)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plans_actors import BEIJING, HUZHOU, OFFICE
from sqlalchemy.orm import Session
from test_plans_service import project_body

from pioneer.plans import service
from pioneer.plans.choices import Category, FundingSource

ZONES = [("BJ-110000", "110105", BEIJING), ("BJ-110105", "110105", BEIJING), ("ZJ-330500", "330502", HUZHOU),
         ("ZJ-330523", "330523", OFFICE)]  # fmt: skip

portfolio = st.lists(
    st.tuples(
        st.sampled_from(range(len(ZONES))),
        st.sampled_from(list(Category)),
        st.dictionaries(
            st.sampled_from(list(FundingSource)),
            st.integers(1, 10**6).map(lambda c: c / 100),
            min_size=1,
            max_size=4,
        ),  # fmt: skip
    ),
    min_size=0,
    max_size=8,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(portfolio)
def test_totals_equal_sum_of_projects(engine, items):
    with engine.connect() as connection:
        outer = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            expected = []
            for n, (z, cat, funding) in enumerate(items):
                zone, div, actor = ZONES[z]
                total = round(sum(funding.values()), 2)
                service.create_project(session, project_body(code=f"P{n}", zone_code=zone, division_code=div,
                                                             category=cat, funding=funding, total_investment=total,
                                                             longitude=None, latitude=None), actor=actor)  # fmt: skip
                expected += [{"zone": zone, "category": cat.value, "source": s.value, "amount": a, "total": total,
                              "code": f"P{n}"} for s, a in funding.items()]  # fmt: skip
            pipe = service.pipeline(session, as_of=dt.date(2026, 1, 1))
        outer.rollback()
    e = pd.DataFrame(expected, columns=["zone", "category", "source", "amount", "total", "code"])
    per_project = e.drop_duplicates("code")
    assert pipe["total"]["projects"] == len(items)
    assert abs(pipe["total"]["total_investment"] - round(per_project["total"].sum(), 2)) < 0.006
    assert abs(pipe["total"]["funding"] - pipe["total"]["total_investment"]) < 0.006 * max(1, len(items))
    for key in ("by_tier", "by_region", "by_category", "by_status"):
        assert sum(r["projects"] for r in pipe[key]) == len(items)
        assert abs(sum(r["total_investment"] for r in pipe[key]) - pipe["total"]["total_investment"]) < 0.01
    by_cat = {r["category"]: r["total_investment"] for r in pipe["by_category"]}
    assert by_cat == {k: round(v, 2) for k, v in per_project.groupby("category")["total"].sum().items()}
    by_src = {r["source"]: r["amount"] for r in pipe["by_funding_source"]}
    assert by_src == {k: round(v, 2) for k, v in e.groupby("source")["amount"].sum().items()}
    tiers = {r["tier"]: r["projects"] for r in pipe["by_tier"]}
    want = per_project["zone"].map({"BJ-110000": "city", "BJ-110105": "county", "ZJ-330500": "city",
                                    "ZJ-330523": "county"}).value_counts().to_dict()  # fmt: skip
    assert tiers == want
    regions = {r["region"]: r["projects"] for r in pipe["by_region"]}
    assert (
        regions == per_project["zone"].str[:2].map({"BJ": "110000", "ZJ": "330000"}).value_counts().to_dict()
    )
