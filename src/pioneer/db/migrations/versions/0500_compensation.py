"""Compensation: horizontal eco-compensation agreements and their immutable versions
(``pioneer.compensation.models``).

Revision ID: 0500_compensation
Revises: 0400_ecology
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0500_compensation"
down_revision = "0400_ecology"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "compensation_agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("basin", sa.String(length=64), nullable=False),
        sa.Column("upstream_division_code", sa.String(length=6), nullable=False),
        sa.Column("downstream_division_code", sa.String(length=6), nullable=False),
        sa.Column("start_year", sa.SmallInteger(), nullable=False),
        sa.Column("end_year", sa.SmallInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compensation_agreement")),
        sa.UniqueConstraint("code", name=op.f("uq_compensation_agreement_code")),
    )
    op.create_index(
        op.f("ix_compensation_agreement_upstream_division_code"),
        "compensation_agreement",
        ["upstream_division_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_compensation_agreement_downstream_division_code"),
        "compensation_agreement",
        ["downstream_division_code"],
        unique=False,
    )
    op.create_table(
        "compensation_agreement_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["compensation_agreement.id"],
            name=op.f("fk_compensation_agreement_version_agreement_id_compensation_agreement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compensation_agreement_version")),
        sa.UniqueConstraint("agreement_id", "version", name="uq_compensation_agreement_version"),
    )
    op.create_index(
        op.f("ix_compensation_agreement_version_agreement_id"),
        "compensation_agreement_version",
        ["agreement_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_compensation_agreement_version_agreement_id"), table_name="compensation_agreement_version"
    )
    op.drop_table("compensation_agreement_version")
    op.drop_index(
        op.f("ix_compensation_agreement_downstream_division_code"), table_name="compensation_agreement"
    )
    op.drop_index(
        op.f("ix_compensation_agreement_upstream_division_code"), table_name="compensation_agreement"
    )
    op.drop_table("compensation_agreement")
