"""Registry of the air-quality standard editions and the rule for choosing one by date.

An *edition* bundles the three standards that are used together (HJ 633-2026 §6.2: "评价环境空气质量达标状况时，
应依据 GB 3095 和 HJ 663 的规定进行"):

========  =================  ======================  ===============================================
key       AQI                assessment              limits (GB 3095)
========  =================  ======================  ===============================================
``2012``  HJ 633-2012        HJ 663-2013             GB 3095-2012 (+ 2018 amendment, reference state)
``2026``  HJ 633-2026        HJ 663-2026 (partial)   GB 3095-2026: transitional limits to 2030-12-31,
                                                     final limits from 2031-01-01 (clause 4.4)
========  =================  ======================  ===============================================

The 2026 standards were published in February 2026 and are in force from 2026-03-01; data dated before that day
are judged under the 2012 edition unless another edition is asked for (e.g. to recompute a baseline year under the
new limits so that an improvement compares like with like).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

EditionKey = Literal["2012", "2026"]
LimitsPhase = Literal["GB3095-2012", "GB3095-2026-transitional", "GB3095-2026-final"]

SWITCH_DATE = dt.date(2026, 3, 1)
"""HJ 633-2026, HJ 663-2026 and GB 3095-2026 are in force from this date."""
FINAL_LIMITS_DATE = dt.date(2031, 1, 1)
"""GB 3095-2026 clause 4.4: transitional limits apply until 2030-12-31, the final limits from 2031-01-01."""


@dataclass(frozen=True)
class Edition:
    """One edition of the air-quality standards, with the names used in lineage records."""

    key: EditionKey
    aqi_standard: str
    assessment_standard: str
    limits_standard: str
    in_force_from: dt.date | None
    in_force_to: dt.date | None

    def limits_phase(self, on: dt.date | None = None) -> LimitsPhase:
        """The GB 3095 limit set of this edition in force on ``on`` (GB 3095-2026 clause 4.4)."""
        if self.key == "2012":
            return "GB3095-2012"
        if on is not None and on >= FINAL_LIMITS_DATE:
            return "GB3095-2026-final"
        return "GB3095-2026-transitional"


EDITIONS: dict[str, Edition] = {
    "2012": Edition(
        key="2012",
        aqi_standard="HJ 633-2012",
        assessment_standard="HJ 663-2013",
        limits_standard="GB 3095-2012 (2018 amendment)",
        in_force_from=dt.date(2016, 1, 1),
        in_force_to=SWITCH_DATE - dt.timedelta(days=1),
    ),
    "2026": Edition(
        key="2026",
        aqi_standard="HJ 633-2026",
        assessment_standard="HJ 663-2026",
        limits_standard="GB 3095-2026",
        in_force_from=SWITCH_DATE,
        in_force_to=None,
    ),
}


def edition(key: str) -> Edition:
    """Look up an edition by key (``"2012"`` or ``"2026"``); the error names the registry."""
    try:
        return EDITIONS[str(key)]
    except KeyError:
        raise ValueError(f"unknown air-standard edition {key!r}; EDITIONS has {sorted(EDITIONS)}") from None


def edition_in_force(on: dt.date) -> Edition:
    """The edition in force on a date: 2026 from 2026-03-01, 2012 before (older dates also use 2012)."""
    return EDITIONS["2026"] if on >= SWITCH_DATE else EDITIONS["2012"]


def resolve(key: str, on: dt.date) -> Edition:
    """``"auto"`` → the edition in force on ``on``; otherwise the edition named by ``key`` — the one place where
    the edition of a date, or of a period (``on`` = its last day: a period is judged once it has closed), is
    decided."""
    return edition_in_force(on) if key == "auto" else edition(key)


def period_limits_phase(end: dt.date, edition_key: str) -> tuple[str, str]:
    """(edition, GB 3095 limit phase) for a period: ``"auto"`` takes the edition in force on the period's last
    day (a period is judged once it has closed; :func:`resolve`), the 2026 edition's phase per GB 3095-2026
    §4.4 on that day."""
    ed = resolve(edition_key, end)
    return ed.key, ed.limits_phase(end)


KEYS: tuple[str, ...] = ("auto", *EDITIONS)
"""Accepted ``edition_key`` values: ``auto`` (by date) and every key of ``EDITIONS``."""


def by_date(rows: Any, key: str, when: Any) -> list[tuple[str, Any]]:
    """``rows`` (an Ibis table) split by the edition that judges each row: ``"auto"`` → the edition in force on
    ``when`` (a date or timestamp column of ``rows``), as :func:`resolve` decides for one date; another key →
    every row under that edition. Returns ``[(edition key, rows), …]`` in the order of ``EDITIONS``."""
    if key != "auto":
        return [(edition(key).key, rows)]
    return [("2012", rows.filter(when < SWITCH_DATE)), ("2026", rows.filter(when >= SWITCH_DATE))]
