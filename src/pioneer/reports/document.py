"""A small document model shared by the DOCX and the PDF renderer, so that both formats carry exactly the same
headings, numbers and figures (a report is built once from data, then rendered).

Numbers are formatted by :func:`number` only: rounded to ``digits`` decimals (2 by default), trailing zeros
dropped, ``—`` for a missing value — the tests parse the cells back with ``float``.

Page and table geometry are decided here once, for both formats: A4 with the type area of GB/T 9704-2012
(156 mm × 225 mm; top 37 mm, inner 28 mm — see docs/plans-reports.md for the confidence of these numbers), tables
across the type area with column widths from their content (:func:`column_widths`), so that no renderer (Word,
LibreOffice, WeasyPrint) has to guess and none squeezes a column to one character.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Paragraph:
    text: str
    style: str = ""  # "" | "note" | "lead"


@dataclass(frozen=True)
class Page:
    """Page geometry [cm] shared by the DOCX and the PDF renderer."""

    width: float = 21.0
    height: float = 29.7
    top: float = 3.7
    bottom: float = 3.5
    left: float = 2.8
    right: float = 2.6
    table_font_pt: float = 9.0

    @property
    def text_width(self) -> float:
        return round(self.width - self.left - self.right, 2)


A4 = Page()


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    caption: str = ""
    key: str = ""  # stable identifier (tests, the web page)

    def widths(self, page: Page = A4) -> list[float]:
        """Column widths [cm] across the page's type area (:func:`column_widths`)."""
        return column_widths([self.columns, *self.rows], page.text_width, font_pt=page.table_font_pt)

    def numeric(self) -> list[bool]:
        """Columns whose every cell is a number or ``—`` (right-aligned by the renderers)."""
        return [all(_NUMBER.fullmatch(r[j]) or r[j] == MISSING for r in self.rows) and any(
            _NUMBER.fullmatch(r[j]) for r in self.rows) for j in range(len(self.columns))]  # fmt: skip


@dataclass
class Figure:
    png: bytes
    caption: str
    width_cm: float = 15.0


@dataclass
class Report:
    title: str
    subtitle: str
    lang: str
    blocks: list[Any] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def add(self, *blocks: Any) -> Report:
        self.blocks.extend(blocks)
        return self

    def table(self, key: str) -> Table:
        return next(b for b in self.blocks if isinstance(b, Table) and b.key == key)


MISSING = "—"


def number(x: Any, digits: int = 2) -> str:
    """``x`` rounded to ``digits`` decimals with trailing zeros dropped (``72.0`` → ``72``, ``54.40`` → ``54.4``);
    ``—`` for ``None``/NaN."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return MISSING
    try:
        v = round(float(x), digits)
    except (TypeError, ValueError):
        return str(x)
    text = f"{v:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{v:.0f}"
    return "0" if text in ("-0", "") else text


_NUMBER = re.compile(r"[<>≤≥=]*-?\d+(\.\d+)?%?")
# cell padding (both sides) [cm] and the widest a column asks for [half-em units] before its text wraps
CELL_PADDING_CM = 0.4
NATURAL_CAP = 44
MIN_CJK = 6  # a body cell holding Chinese text keeps six characters a line; a header, two
MIN_CJK_HEADER = 2
UNBREAKABLE_CAP = 20  # a longer code or file name is broken by the renderer rather than starve its neighbours


def text_units(text: str) -> int:
    """Width of ``text`` in half-em units: 2 for a wide (CJK) character, 1 for any other."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _unbreakable(text: str, cjk_chars: int) -> int:
    """The least width ``text`` needs [half-em units]: its widest run of non-space, non-CJK characters (a code, a
    number; at most :data:`UNBREAKABLE_CAP`), and ``cjk_chars`` characters if it holds Chinese text (which breaks
    between any two characters)."""
    runs = re.findall(r"[^\s\u2e80-\u9fff\uff00-\uffef（），、：；。]+", text)
    widest = min(max((text_units(r) for r in runs), default=0), UNBREAKABLE_CAP)
    cjk = 2 * cjk_chars if re.search(r"[\u2e80-\u9fff]", text) else 0
    return max(widest, min(cjk, text_units(text)))


def column_widths(rows: list[list[str]], total_cm: float, *, font_pt: float = 9.0) -> list[float]:
    """Column widths [cm] summing to ``total_cm`` for a table whose first row is the header.

    Each column asks for its natural width (its longest cell, capped at :data:`NATURAL_CAP` half-ems) and may
    not go below its minimum (its widest unbreakable piece; :data:`MIN_CJK` characters of Chinese text in the
    body, :data:`MIN_CJK_HEADER` in the header). If the natural
    widths fit they are stretched in proportion to fill the width; otherwise every column gets its minimum and
    the rest is shared in proportion to what each still lacks; if even the minimums do not fit they are scaled
    down (a code may then wrap). Half-em width at ``font_pt``: ``font_pt / 2`` points.
    """
    n = len(rows[0])
    unit_cm = font_pt / 2 / 72 * 2.54
    natural = [min(max(text_units(r[j]) for r in rows), NATURAL_CAP) for j in range(n)]
    minimum = [min(max([_unbreakable(rows[0][j], MIN_CJK_HEADER)] + [_unbreakable(r[j], MIN_CJK) for r in rows[1:]]),
                   max(natural[j], 1)) for j in range(n)]  # fmt: skip
    natural = [max(a, b, 1) for a, b in zip(natural, minimum, strict=True)]
    avail = total_cm / unit_cm - n * CELL_PADDING_CM / unit_cm
    if sum(natural) <= avail:
        units = [w * avail / sum(natural) for w in natural]
    elif sum(minimum) <= avail:
        lack = [a - b for a, b in zip(natural, minimum, strict=True)]
        units = [m + (avail - sum(minimum)) * x / sum(lack) for m, x in zip(minimum, lack, strict=True)]
    else:
        units = [m * avail / sum(minimum) for m in minimum]
    widths = [u * unit_cm + CELL_PADDING_CM for u in units]
    return [round(w, 3) for w in widths]
