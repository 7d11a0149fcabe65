"""The one time zone readers see: 北京时间 (China Standard Time, UTC+8, ``Asia/Shanghai``).

Stored times carry their zone (``DateTime(timezone=True)``; SQLite values are re-attached by
:func:`pioneer.db.base.stored_time`). Every time shown to a reader — web pages, reports — goes through
:func:`beijing_text`, which converts to UTC+8 and says so (``2026-12-02 13:05 北京时间``). A naive value is taken
as UTC, the zone every Pioneer writer uses by default (``utcnow``); the registry stamps UTC+8 itself and hands back
aware values.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
LABELS = {"zh": "北京时间", "en": "Beijing time"}


def beijing(value: dt.datetime | str) -> dt.datetime:
    """``value`` (a datetime or an ISO 8601 text) as an aware datetime in UTC+8; naive values are UTC."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(BEIJING)


def beijing_text(value: dt.datetime | str | None, lang: str = "zh", *, seconds: bool = False) -> str:
    """``2026-12-02 13:05 北京时间`` (``… Beijing time`` in English); ``—`` for no value."""
    if value is None or value == "":
        return "—"
    fmt = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return f"{beijing(value).strftime(fmt)} {LABELS['en' if lang.startswith('en') else 'zh']}"
