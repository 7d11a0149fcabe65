"""Translations of the web pages: zh-CN by default, English on request (``?lang=en`` sets a cookie).

Message catalogues are package data (``locale/<lang>.json``, key → text); templates call ``t("key")``. A key
missing from a catalogue falls back to zh-CN, then to the key itself (and ``tests/unit/web`` checks that both
catalogues have the same keys)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("zh-CN", "en")
DEFAULT = "zh-CN"
LOCALE = Path(__file__).parent / "locale"


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


def pick(lang: str, zh: str, en: str) -> str:
    """Choose between the Chinese and English form of a domain message (``PioneerError`` carries both)."""
    return en if lang == "en" and en else zh
