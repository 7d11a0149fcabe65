"""The shapes of the registry's codes, checked on the ORM models (so that every route — API, pages, CLI,
imports — is held to them) and in the API schemas (so that a bad code is a 422 before any work).

* a **division code** is six digits (GB/T 2260-2007, code structure; the containment rules on that structure
  live in :mod:`pioneer.standards.divisions`);
* a **zone code** is 1–32 letters, digits, ``-`` or ``_``, starting with a letter or a digit (Pioneer's own
  choice: codes appear in URLs, file names and spreadsheets, so no ``/``, ``.``, blanks, quotes or control
  characters — ``..``, ``a/b`` and CR/LF were accepted before and broke pages and downloads).
"""

from __future__ import annotations

import re

from pioneer.errors import InputError

DIVISION_CODE_PATTERN = r"^\d{6}$"
ZONE_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"
_DIVISION = re.compile(DIVISION_CODE_PATTERN)
_ZONE = re.compile(ZONE_CODE_PATTERN)


def division_code(value: str, *, column: str = "division_code") -> str:
    """``value`` if it is a GB/T 2260 code (six digits, ASCII), else a located bilingual :class:`InputError`."""
    if not isinstance(value, str) or not _DIVISION.fullmatch(value) or not value.isascii():
        raise InputError("行政区划代码须为 6 位数字（GB/T 2260）", "a division code is 6 digits (GB/T 2260)",
                         column=column, value=_shown(value))  # fmt: skip
    return value


def zone_code(value: str, *, column: str = "code") -> str:
    """``value`` if it is a valid zone code (pattern above), else a located bilingual :class:`InputError`."""
    if not isinstance(value, str) or not _ZONE.fullmatch(value):
        raise InputError("先行区代码只能包含字母、数字、- 和 _（1–32 个字符，以字母或数字开头）",
                         "a zone code is 1–32 letters, digits, '-' or '_', starting with a letter or digit",
                         column=column, value=_shown(value))  # fmt: skip
    return value


def _shown(value: object) -> str:
    """The value as an error message may show it: control characters escaped, at most 40 characters."""
    text = repr(value) if not isinstance(value, str) else value.encode("unicode_escape").decode("ascii")
    return text[:40] + ("…" if len(text) > 40 else "")
