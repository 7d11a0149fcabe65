"""The indicator catalogue: declarative YAML (``data/catalogue.yaml``) validated on load with pydantic.

Every indicator has a code, names zh/en, a domain (:class:`~pioneer.indicators.choices.Domain`), a canonical
unit and accepted spellings, a direction (higher/lower is better), a value range, its source (computed from the
lake by a named binding, or a reported statistic and the department that reports it), the tiers it applies to,
the standard it depends on (``air``/``water``/``noise``, whose edition is recorded with each value), national
targets by year with their source and confidence, and optionally the floor/target used for 0–100 scores.

A malformed catalogue raises :class:`~pioneer.errors.InputError` naming the file, the line of the indicator,
the field and the reason — nothing is half-loaded.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pioneer.errors import InputError
from pioneer.indicators.choices import Comparator, Confidence, Direction, Domain, SourceKind, Tier

CATALOGUE_FILE = "catalogue.yaml"
BINDINGS = {
    "air.pm2_5_annual_mean", "air.pm10_annual_mean", "air.good_day_ratio", "air.composite_index",
    "air.o3_8h_p90", "water.good_share", "water.worse_v_share", "noise.night_rate", "noise.day_rate",
    # computed from the ecology registers (pioneer.ecology.indicators)
    "water.drinking_source_compliance", "ecology.hazardous_waste_coverage", "ecology.ei",
    "ecology.tailings_rectification", "ecology.heavy_metal_change",
    # computed from a dual-control series and an energy-balance account (pioneer.carbon.indicators.BINDINGS)
    "carbon.co2_intensity_reduction", "carbon.co2_t", "carbon.co2_intensity", "carbon.co2_intensity_reduction_vs_base",
    "carbon.energy_tce", "carbon.energy_intensity", "carbon.energy_intensity_reduction_vs_base", "carbon.water_1e4m3",
    "carbon.water_intensity",
}  # fmt: skip
"""Bindings implemented in :mod:`pioneer.indicators.bindings`, :mod:`pioneer.ecology.indicators` or
:mod:`pioneer.carbon.indicators` (a computed indicator must name one)."""
STANDARDS = ("air", "water", "noise", "ecology", "carbon")
"""The ``source.standard`` of a computed indicator (the engine whose edition is recorded with each value)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceDocument(_Strict):
    title_zh: str
    title_en: str
    issuer: str | None = None
    date: str | None = None
    url: str | None = None
    note: str | None = None


class Target(_Strict):
    """A target value for a year: ``value`` compared by ``comparator`` (``≈`` = "左右")."""

    year: int = Field(ge=2020, le=2050)
    comparator: Comparator
    value: float
    scope: str = "national"
    source: str
    confidence: Confidence
    note: str | None = None


class Source(_Strict):
    kind: SourceKind
    binding: str | None = None
    standard: str | None = None
    department: str | None = None

    @model_validator(mode="after")
    def _binding_for_computed(self) -> Source:
        if self.kind == SourceKind.COMPUTED:
            if self.binding not in BINDINGS:
                raise ValueError(
                    f"computed indicator needs a known binding ({sorted(BINDINGS)}), got {self.binding!r}"
                )
            if self.standard not in STANDARDS:
                raise ValueError(f"computed indicator needs standard: {' | '.join(STANDARDS)}")
        elif self.binding is not None:
            raise ValueError("a reported indicator has no binding")
        return self


class Range(_Strict):
    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min >= self.max:
            raise ValueError("range.min must be below range.max")
        return self


class Scoring(_Strict):
    """Fixed bounds of the 0–100 score: ``floor`` scores 0, ``target`` scores 100 (see docs/indicators.md)."""

    floor: float
    target: float
    basis: str


class FrameworkRef(_Strict):
    framework: str
    number: int | None = None


class Indicator(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    domain: Domain
    theme_zh: str | None = None
    unit: str = Field(min_length=1)
    unit_aliases: tuple[str, ...] = ()
    direction: Direction
    range: Range
    decimals: int = Field(ge=0, le=6)
    tiers: tuple[Tier, ...] = Field(min_length=1)
    frameworks: tuple[FrameworkRef, ...] = ()
    source: Source
    confidence: Confidence
    note: str | None = None
    targets: tuple[Target, ...] = ()
    scoring: Scoring | None = None

    @field_validator("unit")
    @classmethod
    def _unit_percent_range(cls, v: str) -> str:
        return v.strip()

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if self.unit == "%" and (self.range.min < -100 or self.range.max > 100):
            raise ValueError("a percentage indicator's range must lie within −100 … 100")
        years = [t.year for t in self.targets if t.scope == "national"]
        if len(years) != len(set(years)):
            raise ValueError("two national targets for the same year")
        for t in self.targets:
            if not self.range.min <= t.value <= self.range.max:
                raise ValueError(f"target {t.year} value {t.value} is outside the indicator's range")
        if self.scoring is not None:
            f, g = self.scoring.floor, self.scoring.target
            if f == g or (self.direction == Direction.HIGHER) != (g > f):
                raise ValueError(
                    "scoring.target must be better than scoring.floor in the indicator's direction"
                )
        return self

    @property
    def needs_source(self) -> bool:
        """True when the definition or any target is not confirmed by a source."""
        return self.confidence != Confidence.CONFIRMED or any(
            t.confidence != Confidence.CONFIRMED for t in self.targets
        )

    def accepts_unit(self, unit: str) -> bool:
        u = str(unit).strip()
        return u == self.unit or u in self.unit_aliases

    def national_target(self, year: int) -> Target | None:
        """The national target for ``year`` exactly, if any."""
        for t in self.targets:
            if t.scope == "national" and t.year == year:
                return t
        return None

    def next_target(self, after_year: int) -> Target | None:
        """The earliest national target whose year is ≥ ``after_year``."""
        cands = sorted((t for t in self.targets if t.scope == "national" and t.year >= after_year),
                       key=lambda t: t.year)  # fmt: skip
        return cands[0] if cands else None


class Catalogue(_Strict):
    version: str
    sources: dict[str, SourceDocument]
    indicators: tuple[Indicator, ...]

    @model_validator(mode="after")
    def _references(self) -> Catalogue:
        seen: set[str] = set()
        for ind in self.indicators:
            if ind.code in seen:
                raise ValueError(f"duplicate indicator code {ind.code!r}")
            seen.add(ind.code)
            for t in ind.targets:
                if t.source not in self.sources:
                    raise ValueError(
                        f"indicator {ind.code!r}: target source {t.source!r} is not under sources:"
                    )
            for f in ind.frameworks:
                if f.framework not in self.sources:
                    raise ValueError(
                        f"indicator {ind.code!r}: framework {f.framework!r} is not under sources:"
                    )
        return self

    def indicator(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)

    def get(self, code: str) -> Indicator | None:
        try:
            return self.indicator(code)
        except KeyError:
            return None

    @property
    def codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    def by_domain(self, domain: str) -> list[Indicator]:
        return [i for i in self.indicators if i.domain == domain]


def _indicator_lines(text: str) -> list[int]:
    """1-based line of each item of ``indicators:`` (for located errors)."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "indicators" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def read_catalogue(text: str, *, file: str = CATALOGUE_FILE) -> Catalogue:
    """Parse and validate catalogue YAML text.

    Raises
    ------
    InputError
        with ``file``, ``row`` (the line where the offending indicator starts), ``column`` (the field path, e.g.
        ``indicators[3].direction``) and the reason, for YAML syntax errors, unknown or missing fields, bad
        enumerations, ranges, targets or references.
    """
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError("YAML 语法错误", f"YAML syntax error: {exc}", file=file,
                         row=mark.line + 1 if mark else None) from None  # fmt: skip
    if not isinstance(data, dict):
        raise InputError("目录文件应为映射（version/sources/indicators）",
                         "the catalogue must be a mapping (version/sources/indicators)", file=file)  # fmt: skip
    try:
        return Catalogue.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        lines = _indicator_lines(text)
        row = None
        where = ".".join(str(p) for p in loc)
        code = None
        if len(loc) >= 2 and loc[0] == "indicators" and isinstance(loc[1], int):
            idx = loc[1]
            row = lines[idx] if idx < len(lines) else None
            item = data.get("indicators", [])[idx] if isinstance(data.get("indicators"), list) else None
            code = item.get("code") if isinstance(item, dict) else None
            where = f"indicators[{idx}]" + "".join(f".{p}" for p in loc[2:])
        elif loc == [] or loc[0] == "indicators":
            # model-level errors: find an indicator code in the message to locate it
            msg = str(err["msg"])
            for i, item in enumerate(data.get("indicators") or []):
                if isinstance(item, dict) and f"'{item.get('code')}'" in msg and i < len(lines):
                    row, code = lines[i], item.get("code")
                    break
        reason = str(err["msg"])
        value = err.get("input") if not isinstance(err.get("input"), dict | list) else None
        who = f"指标 {code}：" if code else ""
        who_en = f"indicator {code}: " if code else ""
        raise InputError(f"{who}指标目录无效：{reason}", f"{who_en}invalid catalogue: {reason}",
                         file=file, row=row, column=where, value=value) from None  # fmt: skip


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load a catalogue file (default: the packaged ``data/catalogue.yaml``); see :func:`read_catalogue`."""
    if path is None:
        return default_catalogue()
    p = Path(path)
    return read_catalogue(p.read_text(encoding="utf-8"), file=str(p))


@cache
def default_catalogue() -> Catalogue:
    """The packaged catalogue (validated once per process)."""
    text = resources.files("pioneer.indicators").joinpath("data", CATALOGUE_FILE).read_text(encoding="utf-8")
    return read_catalogue(text, file=f"pioneer/indicators/data/{CATALOGUE_FILE}")
