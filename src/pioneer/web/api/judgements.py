"""Judgements (issue 16): 全国前列 / 改善幅度领先 verdicts of a tier and a city's air-quality attainment plan.
Public reads, like the rankings; errors answer in Chinese and English."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, Path, Query

from pioneer.assessment import service as assessment
from pioneer.assessment.attainment import division_plan
from pioneer.assessment.verdicts import VerdictRule, default_rule
from pioneer.errors import InputError
from pioneer.guard.codes import DIVISION_CODE_PATTERN
from pioneer.web.api.common import ErrorBody
from pioneer.web.deps import DB

router = APIRouter(tags=["assessment"])
ERRORS: dict[int | str, dict[str, Any]] = {422: {"model": ErrorBody}}
Level = Annotated[str, Query(pattern="^(province|city|county)$")]
Year = Annotated[int, Query(ge=1980, le=2100)]
Rule = Annotated[str | None, Query(description="top-share:SHARE or top-n:N (default: the deployment's rule)")]


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    f = frame.astype(object).where(frame.notna(), None)
    return [
        {k: (v.item() if isinstance(v, np.generic) else v) for k, v in r.items()}
        for r in f.to_dict("records")
    ]


@router.get("/verdicts", responses=ERRORS)
def read_verdicts(session: DB, level: Level, year: Year, baseline_year: Annotated[int | None, Query(ge=1980, le=2100)] = None,
                  rule: Rule = None) -> dict[str, Any]:  # fmt: skip
    """Every division of ``level``: 全国前列 (``leading``) and 改善幅度领先 (``leads_improvement``) per indicator,
    domain and overall, with the rule (``pioneer.assessment.verdicts``)."""
    if baseline_year is not None and baseline_year >= year:
        raise InputError("基准年应早于评估年", "the baseline year must come before the year", column="baseline_year",
                         value=baseline_year)  # fmt: skip
    r = VerdictRule.parse(rule) if rule else default_rule()
    v = assessment.verdicts(session, year, level=level, baseline_year=baseline_year, rule=r)
    return {"level": level, "year": year, "baseline_year": baseline_year, **r.describe(), "results": _rows(v)}


@router.get("/attainment/{division}", responses=ERRORS)
def read_attainment(session: DB, division: Annotated[str, Path(pattern=DIVISION_CODE_PATTERN)], year: Year,
                    target_year: Year) -> dict[str, Any]:  # fmt: skip
    """A city's attainment plan from its stored PM2.5, PM10 and O3 annual statistics: gaps to every GB 3095
    limit phase, required annual reduction to ``target_year``, year of attainment at the observed trend."""
    if target_year <= year:
        raise InputError("达标年份应晚于评价年份", "the target year must come after the assessed year",
                         column="target_year", value=target_year)  # fmt: skip
    return division_plan(session, division, year=year, target_year=target_year)
