"""File names given by uploaders, made safe to store and to show: the last path component only (``/`` and
``\\``), no control characters, not ``.``/``..`` or empty, at most :data:`MAX_NAME` characters with the
extension kept (an upload named ``..`` or with 300 characters used to end in a 500)."""

from __future__ import annotations

import re

MAX_NAME = 120
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def upload_name(name: str | None, default: str = "upload") -> str:
    """A name to store an uploaded file under (and to cite in messages): see the module doc.

    Examples
    --------
    >>> upload_name("../../etc/passwd"), upload_name(".."), upload_name("C:\\\\data\\\\a.csv")
    ('passwd', 'upload', 'a.csv')
    >>> len(upload_name("a" * 300 + ".csv")), upload_name("a" * 300 + ".csv")[-4:]
    (120, '.csv')
    """
    base = re.split(r"[/\\]", _CONTROL.sub("", name or ""))[-1].strip()
    base = base.lstrip(".").strip() or default
    if len(base) > MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        ext = dot + ext if dot and stem and len(ext) <= 16 else ""
        base = base[: MAX_NAME - len(ext)] + ext
    return base
