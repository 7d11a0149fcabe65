"""Plans: implementation plans (goals, tasks), major projects (funding, milestones, indicators, progress) and
typical cases (``pioneer.plans.models``).

Revision ID: 0300_plans
Revises: 0200_indicator_values
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0300_plans"
down_revision = "0200_indicator_values"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plans_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=256), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.String(length=128), nullable=False),
        sa.Column("reviewed_by", sa.String(length=128), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_code"], ["registry_zone.code"], name=op.f("fk_plans_case_zone_code_registry_zone")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_case")),
    )
    op.create_index(op.f("ix_plans_case_status"), "plans_case", ["status"], unique=False)
    op.create_index(op.f("ix_plans_case_zone_code"), "plans_case", ["zone_code"], unique=False)
    op.create_table(
        "plans_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=256), nullable=False),
        sa.Column("start_year", sa.SmallInteger(), nullable=False),
        sa.Column("end_year", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_code"], ["registry_zone.code"], name=op.f("fk_plans_plan_zone_code_registry_zone")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_plan")),
    )
    op.create_index(op.f("ix_plans_plan_zone_code"), "plans_plan", ["zone_code"], unique=False)
    op.create_table(
        "plans_project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("zone_code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("total_investment", sa.Float(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_code"], ["registry_zone.code"], name=op.f("fk_plans_project_zone_code_registry_zone")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_project")),
        sa.UniqueConstraint("code", name=op.f("uq_plans_project_code")),
    )
    op.create_index(op.f("ix_plans_project_category"), "plans_project", ["category"], unique=False)
    op.create_index(op.f("ix_plans_project_division_code"), "plans_project", ["division_code"], unique=False)
    op.create_index(op.f("ix_plans_project_zone_code"), "plans_project", ["zone_code"], unique=False)
    op.create_table(
        "plans_goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("target_year", sa.SmallInteger(), nullable=False),
        sa.Column("comparator", sa.String(length=4), nullable=False),
        sa.Column("target_value", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans_plan.id"], name=op.f("fk_plans_goal_plan_id_plans_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_goal")),
    )
    op.create_index(op.f("ix_plans_goal_plan_id"), "plans_goal", ["plan_id"], unique=False)
    op.create_table(
        "plans_project_funding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["plans_project.id"],
            name=op.f("fk_plans_project_funding_project_id_plans_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_project_funding")),
        sa.UniqueConstraint("project_id", "source", name="uq_plans_project_funding_source"),
    )
    op.create_index(
        op.f("ix_plans_project_funding_project_id"), "plans_project_funding", ["project_id"], unique=False
    )
    op.create_table(
        "plans_project_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("expected_change", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["plans_project.id"],
            name=op.f("fk_plans_project_indicator_project_id_plans_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_project_indicator")),
        sa.UniqueConstraint("project_id", "indicator", name="uq_plans_project_indicator_ind"),
    )
    op.create_index(
        op.f("ix_plans_project_indicator_project_id"), "plans_project_indicator", ["project_id"], unique=False
    )
    op.create_table(
        "plans_project_milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("done_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["plans_project.id"],
            name=op.f("fk_plans_project_milestone_project_id_plans_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_project_milestone")),
    )
    op.create_index(
        op.f("ix_plans_project_milestone_project_id"), "plans_project_milestone", ["project_id"], unique=False
    )
    op.create_table(
        "plans_project_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("percent_complete", sa.Float(), nullable=False),
        sa.Column("invested_to_date", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("reported_by", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["plans_project.id"],
            name=op.f("fk_plans_project_progress_project_id_plans_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_project_progress")),
    )
    op.create_index(
        op.f("ix_plans_project_progress_project_id"), "plans_project_progress", ["project_id"], unique=False
    )
    op.create_table(
        "plans_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("seed_section", sa.String(length=16), nullable=False),
        sa.Column("responsible_unit", sa.String(length=256), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans_plan.id"], name=op.f("fk_plans_task_plan_id_plans_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_task")),
    )
    op.create_index(op.f("ix_plans_task_plan_id"), "plans_task", ["plan_id"], unique=False)


def downgrade() -> None:
    for table in ("plans_task", "plans_project_progress", "plans_project_milestone", "plans_project_indicator",
                  "plans_project_funding", "plans_goal", "plans_project", "plans_plan", "plans_case"):  # fmt: skip
        op.drop_table(table)
