"""One code table (pioneer.web.i18n.code) and one time zone (pioneer.clock): every code the engine emits has a
zh and an en name, missing values and booleans are never shown as ``nan``/``False``, times are 北京时间 with
their label, and no template formats a time or prints a status code by itself."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pytest

from pioneer.clock import beijing, beijing_text
from pioneer.lake.storage import COMMITTED
from pioneer.registry.zones.choices import State, Tier
from pioneer.standards.divisions import LEVELS
from pioneer.web import i18n
from pioneer.web.i18n import TRAJECTORY_NAMES

TEMPLATES = Path(i18n.__file__).parent / "pages" / "templates"
# the statuses assessment.scores / assessment.progress write (np.select / np.where literals there)
STATUSES = (
    "ok",
    "partial",
    "insufficient-data",
    "no-bounds",
    "missing-value",
    "missing-baseline",
    "edition-mismatch",
)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_emitted_code_has_a_name(lang):
    vocab = {"status": STATUSES, "tier": [t.value for t in Tier], "state": [s.value for s in State],
             "level": LEVELS, "source_kind": ("computed", "reported"), "scope": ("national", "division"),
             "trajectory": tuple(TRAJECTORY_NAMES), "import_status": COMMITTED}  # fmt: skip
    for kind, values in vocab.items():
        for v in values:
            name = i18n.code(lang, kind, v)
            assert (name and name != v) or (lang == "en" and v == "ok"), (kind, v)
            assert kind in i18n.DELEGATED or i18n.CODE_KINDS[kind] + v in i18n.catalogue(lang)
    assert i18n.code("zh-CN", "status", "insufficient-data") == "数据不足"
    assert i18n.codes(lang, "status").keys() >= set(STATUSES)


def test_missing_values_and_booleans():
    for missing in (None, float("nan"), np.nan, "nan", "<NA>"):
        assert i18n.code("zh-CN", "status", missing) == "—"
    assert i18n.code("zh-CN", "bool", False) == "否" and i18n.code("en", "bool", np.bool_(True)) == "yes"
    assert i18n.code("zh-CN", "tier", "city") == "市" and i18n.code("en", "level", "city") != "city"


def test_beijing_time():
    utc = dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC)
    assert beijing_text(utc) == "2026-12-02 07:30 北京时间"
    assert beijing_text(utc, "en", seconds=True) == "2026-12-02 07:30:00 Beijing time"
    assert (
        beijing_text("2026-12-01T23:30:00") == "2026-12-02 07:30 北京时间"
    )  # naive: UTC, the writers' default
    cst = dt.datetime(2026, 12, 2, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert beijing(cst) == utc and beijing_text(cst) == "2026-12-02 07:30 北京时间"
    assert beijing_text(None) == "—" and beijing_text("") == "—"


def test_templates_format_no_time_and_print_no_status_code():
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert ".strftime(" not in text, path.name  # times go through when()
        # a data-* attribute is a hook for scripts and tests, never shown to the reader
        shown = re.sub(r'data-[\w-]+="\{\{[^}]*\}\}"', "", text)
        assert not re.search(r"\{\{\s*[\w.]*(_status|source_kind|attained|\.status)\s*\}\}", shown), path.name
