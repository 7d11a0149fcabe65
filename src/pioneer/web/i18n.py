"""Translations of the web pages: zh-CN by default, English on request (``?lang=en`` sets a cookie).

Message catalogues are package data (``locale/<lang>.json``, key → text); templates call ``t("key")``. A key
missing from a catalogue falls back to zh-CN, then to the key itself (and ``tests/unit/web`` checks that both
catalogues have the same keys).

Codes the engine emits (statuses, tiers, states, levels, source kinds, target scopes, trajectory classes,
booleans) are shown through :func:`code` only — the one translation table for codes, used by every template
(``code(kind, value)``), the charts (``data-codes``) and the reports, so that no reader sees ``insufficient-data``,
``False``, ``nan`` or ``city``. Times are shown through :func:`pioneer.clock.beijing_text` (``when`` in templates)."""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("zh-CN", "en")
DEFAULT = "zh-CN"
LOCALE = Path(__file__).parent / "locale"
MISSING = "—"
# kind → key prefix in the catalogues; the vocabulary of each kind is listed where the engine emits it
CODE_KINDS = {
    "tier": "tier.",  # registry.zones.choices.Tier
    "state": "state.",  # registry.zones.choices.State
    "level": "level.",  # standards.divisions.LEVELS
    "domain": "domain.",  # indicators catalogue domains
    "status": "status.",  # assessment: score/domain/overall/improvement status
    "source_kind": "source.",  # indicator values: computed | reported
    "scope": "scope.",  # target scope: national | division
    "bool": "bool.",  # true | false
    "import_status": "import.",  # lake.storage.COMMITTED: committed | partial
}
# kinds whose names already live, bilingual, next to the code that emits them
DELEGATED = {"trajectory"}  # names in TRAJECTORY_NAMES below
TRAJECTORY_NAMES = {  # the classes of pioneer.assessment.progress.trajectory
    "on_track": ("按期达标", "On track"),
    "moderately_improving": ("稳步改善", "Moderately improving"),
    "stagnating": ("停滞", "Stagnating"),
    "deteriorating": ("恶化", "Deteriorating"),
    "insufficient_data": ("数据不足", "Insufficient data"),
    "no_target": ("无目标值", "No target"),
}


@cache
def catalogue(lang: str) -> dict[str, str]:
    return json.loads((LOCALE / f"{lang}.json").read_text(encoding="utf-8"))


def language(value: str | None) -> str:
    """A supported language from a query/cookie value (default zh-CN)."""
    if value and value.lower().startswith("en"):
        return "en"
    return DEFAULT


def translate(lang: str, key: str, **params: object) -> str:
    text = catalogue(lang).get(key) or catalogue(DEFAULT).get(key) or key
    return text.format(**params) if params else text


def code(lang: str, kind: str, value: Any) -> str:
    """Display name of ``value``, a code of ``kind`` (:data:`CODE_KINDS`), in ``lang``: ``—`` for None/NaN/NA,
    是/否 (yes/no) for booleans, the catalogue's ``<prefix><value>`` otherwise. A code without an entry is shown
    as given (the unit tests list every code the engine emits and check that each has one)."""
    if (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or str(value) in ("<NA>", "nan", "NaT")
    ):
        return MISSING
    if type(value).__name__ in ("bool", "bool_"):  # Python and numpy booleans (pandas rows)
        return translate(lang, "bool.true" if bool(value) else "bool.false")
    if kind in DELEGATED:
        zh, en = TRAJECTORY_NAMES.get(str(value), (str(value), str(value)))
        return en if lang == "en" else zh
    key = CODE_KINDS[kind] + str(value)
    return catalogue(lang).get(key) or catalogue(DEFAULT).get(key) or str(value)


def codes(lang: str, kind: str) -> dict[str, str]:
    """Every code of ``kind`` with its display name in ``lang`` (for the charts' tooltips)."""
    if kind in DELEGATED:
        return {k: code(lang, kind, k) for k in TRAJECTORY_NAMES}
    prefix = CODE_KINDS[kind]
    keys = [k for k in catalogue(DEFAULT) if k.startswith(prefix)]
    return {k.removeprefix(prefix): code(lang, kind, k.removeprefix(prefix)) for k in keys}


def pick(lang: str, zh: str, en: str) -> str:
    """Choose between the Chinese and English form of a domain message (``PioneerError`` carries both)."""
    return en if lang == "en" and en else zh
