"""The agreement as entered (YAML template, API body) and as returned.

A term's parameters depend on its ``kind`` (:data:`TERM_PARAMETERS`); they are all optional here and checked by
:func:`pioneer.compensation.service.agreement_problems`, which locates each problem (``terms[2].k0``) instead of
failing on the first. Amounts are in the agreement's ``unit`` (万元 in the shipped examples).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from pioneer.guard.codes import DIVISION_CODE_PATTERN


class TermKind(StrEnum):
    P_INDEX = "p_index"  # 新安江: P = k0 · Σ kᵢ · Cᵢ/Cᵢ₀, fixed amount either way
    CLASS_STEPS = "class_steps"  # 豫鲁 水质基本补偿: amount per class step from the target, two-way
    INDEX_CHANGE = "index_change"  # 豫鲁 水质变化补偿: amount per point of year-on-year index change, capped
    MONTHLY_COMPLIANCE = "monthly_compliance"  # 渌水: amount per month meeting / missing the target, two-way
    COMPLIANT_SHARE = "compliant_share"  # a pool paid in proportion to the compliant months


#: Required (and optional) parameters of each term kind.
TERM_PARAMETERS: dict[TermKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    TermKind.P_INDEX: (("k0", "weights", "amount"), ("threshold",)),
    TermKind.CLASS_STEPS: (("amount_per_class",), ("cap", "class_items")),
    TermKind.INDEX_CHANGE: (("items", "reference", "amount_per_point"), ("weights", "cap", "whole_points")),
    TermKind.MONTHLY_COMPLIANCE: (("amount_per_month",), ("class_items",)),
    TermKind.COMPLIANT_SHARE: (("pool",), ("class_items",)),
}


class Document(BaseModel):
    """The signed document (or, for a published example, where its terms were read)."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=256)
    signed: str = Field("", max_length=32)  # date or month as written (2021-04)
    number: str = Field("", max_length=128)  # 文号
    source: str = Field("", max_length=512)  # where the terms were read (URL, file)
    confidence: str = Field("as entered", max_length=32)  # official | faithful | secondary | as entered


class Section(BaseModel):
    """An assessed section: a registered water station with upstream/downstream divisions."""

    model_config = ConfigDict(extra="forbid")
    station: str = Field(min_length=1, max_length=32)
    target_class: str = Field("III", max_length=3)  # I..V, 劣V (or 1..6)
    baselines: dict[str, float] = Field(default_factory=dict)  # item → Cᵢ₀ [mg/L] (P-index)


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: TermKind
    label: str = Field("", max_length=128)
    k0: float | None = None
    weights: dict[str, float] | None = None
    amount: float | None = None
    threshold: float | None = None
    amount_per_class: float | None = None
    cap: float | None = None
    class_items: list[str] | None = None
    items: list[str] | None = None
    reference: dict[str, float] | None = None
    amount_per_point: float | None = None
    whole_points: bool | None = None
    amount_per_month: float | None = None
    pool: float | None = None


class AgreementCreate(BaseModel):
    """An agreement's full terms (one version)."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    name: str = Field(min_length=1, max_length=256)
    basin: str = Field("", max_length=64)
    upstream: str = Field(pattern=DIVISION_CODE_PATTERN)
    downstream: str = Field(pattern=DIVISION_CODE_PATTERN)
    start_year: int = Field(ge=2000, le=2100)
    end_year: int = Field(ge=2000, le=2100)
    unit: str = Field("万元", max_length=16)
    min_months: int = Field(ge=1, le=12)  # months with data an item needs for a valid year
    document: Document
    sections: list[Section] = Field(min_length=1)
    terms: list[Term] = Field(min_length=1)
    note: str = Field("", max_length=4000)


class AgreementPublic(BaseModel):
    code: str
    name: str
    basin: str
    upstream_division_code: str
    downstream_division_code: str
    start_year: int
    end_year: int
    version: int
    data: dict


class VersionPublic(BaseModel):
    version: int
    created_by: str
    note: str
    created_at: dt.datetime
    data: dict
