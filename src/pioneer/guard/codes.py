"""The shapes of codes, one home for every layer: the registry checks them on its ORM models and API schemas
(so that every route — API, pages, CLI, imports — is held to them), and the lake's checker holds the station,
section and point codes of every input file to the same pattern (:mod:`pioneer.lake.validate`, rule
``key_code``), so a code the registry could never hold is never stored beside the data.

* a **division code** is six digits (GB/T 2260-2007, code structure; the containment rules on that structure
  live in :mod:`pioneer.standards.divisions`);
* a **zone code** is 1–32 letters, digits, ``-`` or ``_``, starting with a letter or a digit (Pioneer's own
  choice: codes appear in URLs, file names and spreadsheets, so no ``/``, ``.``, blanks, quotes or control
  characters — ``..``, ``a/b`` and CR/LF were accepted before and broke pages and downloads);
* a **station code** — of a monitoring station, a water section or a noise point — has the same shape, with
  the CJK unified ideographs (U+4E00–U+9FFF) counted as letters: water sections are registered and named by
  their Chinese names in the compensation agreements (刘庄, 金鱼石, 街口) and in bureaus' files (甲河入境), while
  CNEMC station codes (``1001A``) and point codes (``N01``) are ASCII. Still no ``/``, ``.``, blanks, quotes or
  control characters: a quoted CSV cell ``"1001A\n"`` is no code.

The patterns are written so that Python's ``re`` and DuckDB's RE2 (``regexp_full_match``, UTF-8) read them
alike (explicit ranges only: ``\\d`` is any Unicode digit in ``re`` and in pydantic's regex engine, so
``１１００００`` or ``١١٠٠٠٠`` would pass it; ``[0-9]`` is ASCII in all three), so the
lake's SQL and the registry's Python hold a code to the same rule (tested in tests/unit/security/test_inputs.py).
"""

from __future__ import annotations

import re

from pioneer.errors import InputError

_FIRST, _CJK = "A-Za-z0-9", "\u4e00-\u9fff"  # character classes of the code shapes ('-' last in a class)

DIVISION_CODE_PATTERN = r"^[0-9]{6}$"
DIVISION_CODE_OR_EMPTY_PATTERN = r"^([0-9]{6})?$"
"""A division code or nothing (an optional filter of a page's form)."""
ZONE_CODE_PATTERN = f"^[{_FIRST}][{_FIRST}_-]{{0,31}}$"
STATION_CODE_PATTERN = f"^[{_FIRST}{_CJK}][{_FIRST}{_CJK}_-]{{0,31}}$"
"""A station, section or point code (module doc): the zone code's shape with CJK ideographs as letters; checked
by the lake on every input file's key column (rule ``key_code``) and by the station register."""
STATION_CODE_REASON = (
    "站点/断面/点位编码只能包含字母、数字、汉字、- 和 _（1–32 个字符，以字母、数字或汉字开头）",
    "a station/section/point code is 1–32 letters, digits, Chinese characters, '-' or '_', starting with a "
    "letter, digit or Chinese character",
)
"""The reason given for a station code outside :data:`STATION_CODE_PATTERN` (zh, en)."""
_DIVISION = re.compile(DIVISION_CODE_PATTERN)
_ZONE = re.compile(ZONE_CODE_PATTERN)
_STATION = re.compile(STATION_CODE_PATTERN)


def division_code(value: str, *, column: str = "division_code") -> str:
    """``value`` if it is a GB/T 2260 code (six digits, ASCII), else a located bilingual :class:`InputError`."""
    if not isinstance(value, str) or not _DIVISION.fullmatch(value):
        raise InputError("行政区划代码须为 6 位数字（GB/T 2260）", "a division code is 6 digits (GB/T 2260)",
                         column=column, value=_shown(value))  # fmt: skip
    return value


def zone_code(value: str, *, column: str = "code") -> str:
    """``value`` if it is a valid zone code (:data:`ZONE_CODE_PATTERN`), else a located bilingual
    :class:`InputError`."""
    if not isinstance(value, str) or not _ZONE.fullmatch(value):
        raise InputError("先行区代码只能包含字母、数字、- 和 _（1–32 个字符，以字母或数字开头）",
                         "a zone code is 1–32 letters, digits, '-' or '_', starting with a letter or digit",
                         column=column, value=_shown(value))  # fmt: skip
    return value


def station_code(value: str, *, column: str = "code") -> str:
    """``value`` if it is a valid station code (:data:`STATION_CODE_PATTERN`), else a located bilingual
    :class:`InputError`."""
    if not isinstance(value, str) or not _STATION.fullmatch(value):
        raise InputError(*STATION_CODE_REASON, column=column, value=_shown(value))
    return value


def _shown(value: object) -> str:
    """The value as an error message may show it: control characters escaped, at most 40 characters."""
    text = (
        repr(value)
        if not isinstance(value, str)
        else "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in value)
    )
    return text[:40] + ("…" if len(text) > 40 else "")
