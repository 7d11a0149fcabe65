"""Migration 0300_plans: one head, upgrade from the previous revision, downgrade removes exactly its tables."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from pioneer.db import make_engine, upgrade
from pioneer.db.migrate import alembic_config, downgrade

TABLES = {"plans_plan", "plans_goal", "plans_task", "plans_project", "plans_project_funding",
          "plans_project_milestone", "plans_project_indicator", "plans_project_progress", "plans_case"}  # fmt: skip


def test_single_head_and_round_trip(tmp_path):
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url, "0200_indicator_values")
    eng = make_engine(url)
    before = set(inspect(eng).get_table_names())
    assert not before & TABLES
    upgrade(url)
    assert set(inspect(eng).get_table_names()) >= TABLES
    downgrade(url, "0200_indicator_values")
    assert set(inspect(eng).get_table_names()) == before
    eng.dispose()
