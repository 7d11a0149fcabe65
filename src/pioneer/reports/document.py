"""A small document model shared by the DOCX and the PDF renderer, so that both formats carry exactly the same
headings, numbers and figures (a report is built once from data, then rendered).

Numbers are formatted by :func:`number` only: rounded to ``digits`` decimals (2 by default), trailing zeros
dropped, ``—`` for a missing value — the tests parse the cells back with ``float``.
"""

from __future__ import annotations

import datetime as dt
import math
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


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    caption: str = ""
    key: str = ""  # stable identifier (tests, the web page)


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
