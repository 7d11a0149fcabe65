"""Regional strategies: read the packaged data, list strategies, their members and tasks."""

from __future__ import annotations

from importlib import resources

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from pioneer.errors import PioneerError
from pioneer.registry.strategies.models import Strategy, StrategyMember, StrategyTask


def read_strategies() -> list[dict]:
    """The packaged strategies (``registry/data/strategies.yaml``), as plain dicts."""
    text = resources.files("pioneer.registry").joinpath("data/strategies.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def strategy_rows(data: list[dict] | None = None) -> tuple[list[dict], list[dict], list[dict]]:
    """Rows for the three strategy tables (used by the seed migration)."""
    data = read_strategies() if data is None else data
    strategies, members, tasks = [], [], []
    for s in data:
        strategies.append(
            {
                "code": s["code"],
                "name_zh": s["name_zh"],
                "name_en": s["name_en"],
                "seed_section": s["seed_section"],
                "member_level": s["member_level"],
                "source_title": s["source"]["title"],
                "source_issuer": s["source"]["issuer"],
                "source_date": s["source"]["date"],
                "scope_note": s["scope_note"],
                "confidence": s["confidence"],
            }
        )
        members += [{"strategy_code": s["code"], "division_code": c} for c in s["members"]]
        tasks += [
            {
                "strategy_code": s["code"],
                "ordinal": i,
                "section": s["seed_section"],
                "domain": t["domain"],
                "text_zh": t["text_zh"],
                "text_en": t["text_en"],
                "confidence": "from-memory-only",
            }
            for i, t in enumerate(s["tasks"], start=1)
        ]
    return strategies, members, tasks


NUMERALS = "一二三四五六七八九十"


def list_strategies(session: Session) -> list[Strategy]:
    """All strategies in the order of the seed's sections (二(一) … 二(五))."""
    found = session.scalars(select(Strategy)).all()
    return sorted(found, key=lambda s: [NUMERALS.find(ch) for ch in s.seed_section])


def strategy(session: Session, code: str) -> Strategy:
    found = session.get(Strategy, code)
    if found is None:
        raise PioneerError(f"未知的区域战略 “{code}”", f"unknown regional strategy '{code}'")
    return found


def members(session: Session, code: str) -> list[str]:
    """Division codes of the strategy's members."""
    strategy(session, code)
    return list(
        session.scalars(
            select(StrategyMember.division_code)
            .where(StrategyMember.strategy_code == code)
            .order_by(StrategyMember.division_code)
        ).all()
    )


def tasks(session: Session, code: str) -> list[StrategyTask]:
    strategy(session, code)
    return list(
        session.scalars(
            select(StrategyTask).where(StrategyTask.strategy_code == code).order_by(StrategyTask.ordinal)
        ).all()
    )
