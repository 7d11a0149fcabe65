"""Form helpers of the work pages (plans, projects, attachments, review, jobs): located errors next to their
field in the reader's language, and the refusal that returns to the page the user was on (still signed in)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

import pydantic
from fastapi import Request
from fastapi.responses import RedirectResponse

from pioneer.errors import InputError, PioneerError
from pioneer.web.deps import lang_of
from pioneer.web.i18n import pick


def field_errors(
    request: Request, errors: Iterable[InputError], fields: dict[str, str] | None = None
) -> dict[str, str]:
    """``{field: message}`` for located errors; ``fields`` maps a column label (e.g. a Chinese Excel header) to
    the form field. Errors of no known field go under ``""`` (shown above the form)."""
    lang, out = lang_of(request), {}
    for e in errors:
        column = (fields or {}).get(str(e.column), str(e.column or ""))
        text = reason(e, lang)
        if e.row is not None and column in ("goals", "tasks"):  # a row of a table in the plan form
            text = f"第 {e.row} 行：{text}" if lang != "en" else f"row {e.row}: {text}"
        out[column] = f"{out[column]}；{text}" if column in out else text
    return out


_WHERE_ZH = re.compile(r"^(文件 \S+ )?(第 \d+ 行 )?(列 “[^”]*” )?")
_WHERE_EN = re.compile(r"^((file [^,:]+|row \d+|column '[^']*')(, )?)+: ")


def reason(e: InputError, lang: str) -> str:
    """The reason of a located error without its location (the field it stands next to is the location) and
    without the echoed value (the field shows it)."""
    if lang == "en":
        return re.sub(r" \(value '.*'\)$", "", _WHERE_EN.sub("", e.message_en, count=1), flags=re.S)
    return re.sub(r"（值 “.*”）$", "", _WHERE_ZH.sub("", e.message_zh, count=1), flags=re.S)


def schema_errors(exc: pydantic.ValidationError) -> list[InputError]:
    """A form's shape errors (pydantic) as located errors at their field (the first part of the location)."""
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        field = "_".join(loc[:2]) if loc and loc[0] in ("funding",) else (loc[0] if loc else "")
        zh = {"missing": "必填", "string_too_short": "必填", "date_from_datetime_parsing": "日期应为 YYYY-MM-DD",
              "date_parsing": "日期应为 YYYY-MM-DD", "float_parsing": "应为数字", "int_parsing": "应为整数",
              "enum": "不在可选范围内", "string_pattern_mismatch": "格式不符"}.get(err["type"], "填写有误")  # fmt: skip
        row = next((int(x) + 1 for x in loc[1:] if x.isdigit()), None)  # a list's row (goals, tasks …)
        if row is not None and loc[0] in ("goals", "tasks", "milestones", "indicators"):
            zh, msg = f"第 {row} 行 {loc[-1]}：{zh}", f"row {row} {loc[-1]}: {err['msg']}"
        else:
            msg = err["msg"]
        out.append(InputError(zh, msg, column=field, value=err.get("input")))
    return out


def refused(request: Request, back: str, exc: PioneerError, *, form: str = "") -> RedirectResponse:
    """A refused action: back to the page the user was on (a path of this site) with the message in the
    reader's language (``?refused=``), the session untouched. An error located at a field (``column``) also
    names it (``&field=``) and the form it came from (``&form=``, e.g. ``zone:step``), so the page shows the
    message next to that field (:func:`refusal_at`)."""
    target = back if back.startswith("/") and not back.startswith("//") else "/"
    sep = "&" if "?" in target else "?"
    lang = lang_of(request)
    msg = reason(exc, lang) if isinstance(exc, InputError) else pick(lang, exc.message_zh, exc.message_en)
    url = f"{target}{sep}refused={quote(msg[:300])}"
    column = getattr(exc, "column", None)
    if column and form:
        url += f"&field={quote(str(column))}&form={quote(form)}"
    return RedirectResponse(url, status_code=303)


def refusal_at(request: Request) -> tuple[str, str, str]:
    """``(message, form, field)`` of a refusal that came back (:func:`refused`); empty strings when none, and
    field and form empty when the error names no field (the page shows it above its forms)."""
    q = request.query_params
    msg = q.get("refused", "")
    if not msg or not q.get("field") or not q.get("form"):
        return msg, "", ""
    return msg, q.get("form", ""), q.get("field", "")
