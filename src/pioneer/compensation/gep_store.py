"""Stored GEP accounts (``gep_account``) and what a division's GEP page shows.

A run — the item values of :func:`pioneer.standards.gep.item_values` and the accounts of
:func:`~pioneer.standards.gep.accounts_by_level` — is stored whole, with the edition, the price basis, the input
file, when and by whom; a later run never overwrites an earlier one. A division's view takes, for each year, the
latest run that has an account for it: the three categories, GEP, GEP/GDP and the "两山" indicators, the
composition by item of its latest year (a city's items are its counties' summed), and the trend over years.

Storing is a write over every input division (:func:`pioneer.registry.permissions.require`; the programme office,
a province or the zone's own administration) and is reported to ``record`` (the caller's audit writer).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from pioneer.compensation.models import GepAccount
from pioneer.registry.permissions import Actor, Role, recorder, require
from pioneer.standards import divisions
from pioneer.standards.gep import CATEGORIES

Record = Callable[[str, str, str, str | None, dict | None, dict | None], None]
WRITERS = frozenset({Role.PROGRAMME_OFFICE, Role.PROVINCE, Role.ZONE})
OBJECT = "gep_account"


def _no_record(*_args: Any) -> None:
    """The default ``record``: none given, so the service writes the audit log itself
    (:func:`pioneer.registry.permissions.recorder`)."""
    return None


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return json.loads(frame.to_json(orient="records", force_ascii=False))


def store_account(session: Session, values: pd.DataFrame, accounts: pd.DataFrame, /, *, edition: str,
                  actor: Actor, prices: str | None = None, overrides: str | None = None, source_file: str = "",
                  record: Record = _no_record, note: str = "") -> GepAccount:  # fmt: skip
    """Store one run (checked first: the actor must cover every input division; nothing written otherwise)."""
    inputs = sorted(set(values["division_code"].astype(str)))
    require(actor, WRITERS, inputs, "保存 GEP 核算 / store GEP account")
    row = GepAccount(edition=edition, divisions=sorted(set(accounts["division_code"].astype(str))),
                     years=sorted({int(y) for y in accounts["year"]}), prices=prices or "",
                     overrides=overrides or "", source_file=source_file, items=_records(values),
                     accounts=_records(accounts), computed_by=actor.username, note=note,
                     computed_at=dt.datetime.now(dt.UTC))  # fmt: skip
    session.add(row)
    session.flush()
    recorder(session, actor, record, unset=_no_record)("create", OBJECT, str(row.id), inputs[0] if len(inputs) == 1 else None, None,
           {"edition": edition, "divisions": row.divisions, "years": row.years, "prices": row.prices,
            "overrides": row.overrides, "source_file": source_file,
            "gep": {f"{a['division_code']}/{a['year']}": a["gep"] for a in row.accounts}})  # fmt: skip
    return row


def runs(session: Session, division_code: str | None = None) -> list[GepAccount]:
    """Stored runs, newest first; with ``division_code`` those holding an account of it or within it."""
    found = list(session.scalars(select(GepAccount).order_by(GepAccount.id.desc())))
    if division_code is None:
        return found
    return [r for r in found if any(divisions.covers(division_code, d) for d in r.divisions)]


def divisions_stored(session: Session) -> list[str]:
    """Every division code with a stored account (inputs and cities)."""
    return sorted({d for r in runs(session) for d in r.divisions})


def view(session: Session, code: str) -> dict[str, Any] | None:
    """What ``code``'s GEP page shows (None when no run has an account for it)."""
    latest: dict[int, tuple[GepAccount, dict[str, Any]]] = {}
    for r in runs(session, code):  # newest first: keep the first account found per year
        for a in r.accounts:
            if a["division_code"] == code and int(a["year"]) not in latest:
                latest[int(a["year"])] = (r, a)
    if not latest:
        return None
    years = sorted(latest)
    accounts = [{**latest[y][1], "run_id": latest[y][0].id, "edition": latest[y][0].edition} for y in years]
    run, last = latest[years[-1]]
    items = pd.DataFrame(run.items)
    items = items[
        (items["year"] == years[-1]) & divisions.within(items["division_code"].astype(str), [code]).to_numpy()
    ]
    by_item = (items.groupby(["category", "item_cn"], sort=False)["value"].sum().reset_index()
               .sort_values("value", ascending=False))  # fmt: skip
    comp = (items.groupby(["category", "item_cn", "component", "component_cn", "quantity_unit", "price",
                           "price_source", "price_confidence"], sort=False, dropna=False)
            .agg(quantity=("quantity", "sum"), value=("value", "sum")).reset_index())  # fmt: skip
    return {"code": code, "years": years, "accounts": accounts, "latest": last, "latest_run": run,
            "by_category": [(c, float(last[c])) for c in CATEGORIES], "by_item": _records(by_item),
            "components": _records(comp), "n_inputs": int(items["division_code"].nunique()),
            "runs": runs(session, code)}  # fmt: skip


# ---- input templates (CLI ``pioneer gep template`` and the page's downloads) ---------------------------------
TEMPLATES = ("quantities", "overrides", "gdp")


def template_frame(edition: str, kind: str = "quantities") -> pd.DataFrame:
    """An empty input table: ``quantities`` (one row per component of ``edition``, with its unit and method),
    ``overrides`` (provincial prices: scope, component, price, document, confidence) or ``gdp``."""
    from pioneer.standards import gep

    c = gep.components(edition)
    if kind == "overrides":
        return pd.DataFrame({"scope_code": "", "component": c["component"], "price": "", "document": "",
                             "confidence": "", "component_cn": c["component_cn"],
                             "quantity_unit": c["quantity_unit"], "method_cn": c["method_cn"]})  # fmt: skip
    if kind == "gdp":
        return pd.DataFrame({"division_code": [""], "year": [""], "gdp": [""]})
    return pd.DataFrame({"division_code": "", "year": "", "component": c["component"], "quantity": "",
                         "unit": c["quantity_unit"], "price": "", "price_source": "", "category": c["category"],
                         "item_cn": c["item_cn"], "component_cn": c["component_cn"],
                         "method_cn": c["method_cn"]})  # fmt: skip


__all__ = ["TEMPLATES", "WRITERS", "divisions_stored", "runs", "store_account", "template_frame", "view"]
