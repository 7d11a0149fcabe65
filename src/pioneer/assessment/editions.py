"""The edition under which an indicator value of a year counts (one home for the assessment's edition choice)."""

from __future__ import annotations

import datetime as dt

from pioneer.standards.air import resolve


def current_edition(standard: str | None, year: int) -> str | None:
    """The edition under which a year's value counts: air → the edition in force at the end of the year
    (``"2026"`` from 2026 on); other standards have a single edition here (``None`` = any)."""
    if standard == "air":
        return resolve("auto", dt.date(year, 12, 31)).key  # a year is judged once it has closed
    return None
