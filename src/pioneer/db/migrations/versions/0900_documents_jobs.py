"""Attachments with document numbers (``plans_document``), the review steps of implementation plans
(``plans_plan_review``) — ``pioneer.plans.documents`` — and the web app's background jobs (``web_job``,
``pioneer.web.jobs``).

Revision ID: 0900_documents_jobs
Revises: 0700_security
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0900_documents_jobs"
down_revision = "0700_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plans_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_kind", sa.String(length=16), nullable=False),
        sa.Column("owner_key", sa.String(length=64), nullable=False),
        sa.Column("zone_code", sa.String(length=64), nullable=False),
        sa.Column("document_number", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=256), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=128), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_document")),
    )
    for col in ("owner_kind", "owner_key", "zone_code"):
        op.create_index(op.f(f"ix_plans_document_{col}"), "plans_document", [col], unique=False)
    op.create_table(
        "plans_plan_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=24), nullable=False),
        sa.Column("to_state", sa.String(length=24), nullable=False),
        sa.Column("actor_username", sa.String(length=128), nullable=False),
        sa.Column("actor_role", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("document_number", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans_plan.id"],
            name=op.f("fk_plans_plan_review_plan_id_plans_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_plan_review")),
    )
    op.create_index(op.f("ix_plans_plan_review_plan_id"), "plans_plan_review", ["plan_id"], unique=False)
    op.create_table(
        "web_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("zone_code", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("message_zh", sa.Text(), nullable=False),
        sa.Column("message_en", sa.Text(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_job")),
    )
    op.create_index(op.f("ix_web_job_zone_code"), "web_job", ["zone_code"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_web_job_zone_code"), table_name="web_job")
    op.drop_table("web_job")
    op.drop_index(op.f("ix_plans_plan_review_plan_id"), table_name="plans_plan_review")
    op.drop_table("plans_plan_review")
    for col in ("owner_kind", "owner_key", "zone_code"):
        op.drop_index(op.f(f"ix_plans_document_{col}"), table_name="plans_document")
    op.drop_table("plans_document")
