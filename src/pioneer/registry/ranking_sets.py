"""The city sets of the national air-quality releases (339 cities, 168 key cities, 2+36, 长三角, 汾渭平原 …) as
registry data: ``registry/data/ranking_sets.yaml``, each set with the years it is used for, its source and its
confidence. Member names are resolved to GB/T 2260 codes with the same name rule as the CNEMC station cities
(``stations.cnemc.city_candidates``): a name that matches no code or several codes is an error, never guessed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from pioneer.errors import InputError
from pioneer.registry.divisions.choices import MUNICIPALITIES
from pioneer.registry.stations.cnemc import CODE_YEAR, city_candidates

FILE = "registry/data/ranking_sets.yaml"


@dataclass(frozen=True)
class CitySet:
    """One city set: ``key``, names, ``kind`` (sets of one kind replace each other over the years), the first
    and last year it is used for, member codes (sorted), source text and confidence label."""

    key: str
    name_zh: str
    name_en: str
    kind: str
    first_year: int
    last_year: int
    codes: tuple[str, ...]
    source: str
    confidence: str

    def used_in(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


def _resolve(key: str, names: list[str], by_name: dict[str, list[str]]) -> list[str]:
    codes = []
    for name in names:
        found = by_name.get(name, [])
        if len(found) != 1:
            why = "找不到对应的行政区划代码" if not found else f"对应多个代码（{'、'.join(found)}）"
            raise InputError(f"城市集合 {key} 的成员{why}", f"member of city set {key} matches "
                             f"{'no code' if not found else 'several codes'}", file=FILE, column=key, value=name)  # fmt: skip
        codes.append(found[0])
    return codes


@functools.cache
def city_sets() -> dict[str, CitySet]:
    """Every set of ``ranking_sets.yaml`` with its member codes; each set's size is checked against its
    ``count`` (a mismatch is an error naming the set)."""
    with resources.files("pioneer.registry").joinpath("data/ranking_sets.yaml").open(encoding="utf-8") as fh:
        doc: dict[str, Any] = yaml.safe_load(fh)["sets"]
    cand = city_candidates(CODE_YEAR)
    by_name = cand.groupby("name")["code"].agg(list).to_dict()
    resolved: dict[str, list[str]] = {}

    def codes_of(key: str) -> list[str]:
        if key in resolved:
            return resolved[key]
        spec = doc[key]
        rule = spec.get("rule")
        if rule == "prefecture_and_above":
            from pioneer.registry.divisions.loader import division_rows

            d = division_rows()
            live = (d["start_year"] <= CODE_YEAR) & (d["end_year"].isna() | (d["end_year"] > CODE_YEAR))
            extra = _county_level(key, spec.get("extra", []), d[live])
            codes = sorted(set(cand["code"]) | set(extra))
        elif rule == "provinces":
            provinces = [p for p in spec["provinces"]]
            prov_codes = {str(c)[:2] for c in _province_codes(key, provinces)}
            codes = sorted(c for c in cand["code"] if c[:2] in prov_codes)
        elif "union_of" in spec:
            codes = sorted({c for part in spec["union_of"] for c in codes_of(part)})
        else:
            codes = _resolve(key, list(spec["members"]), by_name)
        if len(set(codes)) != int(spec["count"]):
            raise InputError(f"城市集合 {key} 有 {len(set(codes))} 个城市，应为 {spec['count']}",
                             f"city set {key} has {len(set(codes))} cities, {spec['count']} expected", file=FILE,
                             column=key)  # fmt: skip
        resolved[key] = sorted(set(codes))
        return resolved[key]

    out = {}
    for key, spec in doc.items():
        first, last = spec["years"]
        out[key] = CitySet(key, spec["name_zh"], spec["name_en"], spec["kind"], int(first), int(last),
                           tuple(codes_of(key)), " ".join(str(spec["source"]).split()), spec["confidence"])  # fmt: skip
    return out


def _county_level(key: str, names: list[str], live: Any) -> list[str]:
    """Codes of county-level divisions named in a set's ``extra`` (each name must be unique among them)."""
    county = live[live["level"] == "county"].groupby("name")["code"].agg(list).to_dict()
    return _resolve(key, names, county)


def _province_codes(key: str, names: list[str]) -> list[str]:
    from pioneer.registry.divisions.loader import division_rows

    d = division_rows()
    live = (d["start_year"] <= CODE_YEAR) & (d["end_year"].isna() | (d["end_year"] > CODE_YEAR))
    prov = d[live & (d["level"] == "province")].groupby("name")["code"].agg(list).to_dict()
    return _resolve(key, names, prov)


def set_for(kind: str, year: int) -> CitySet | None:
    """The set of ``kind`` used in ``year`` (``None`` when no set of that kind covers the year)."""
    for s in city_sets().values():
        if s.kind == kind and s.used_in(year):
            return s
    return None


def sets_for(year: int) -> list[CitySet]:
    """Every set used in ``year``, in file order."""
    return [s for s in city_sets().values() if s.used_in(year)]


__all__ = ["MUNICIPALITIES", "CitySet", "city_sets", "set_for", "sets_for"]
