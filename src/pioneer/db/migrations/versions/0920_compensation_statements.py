"""Compensation statements as stored, versioned records and stored GEP account runs
(``pioneer.compensation.models.Statement``, ``GepAccount``).

Revision ID: 0920_compensation_statements
Revises: 0900_documents_jobs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0920_compensation_statements"
down_revision = "0900_documents_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "compensation_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("agreement_code", sa.String(length=64), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("agreement_version", sa.Integer(), nullable=False),
        sa.Column("net_transfer", sa.Float(), nullable=False),
        sa.Column("payer", sa.String(length=6), nullable=True),
        sa.Column("payee", sa.String(length=6), nullable=True),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("lake_imports", sa.JSON(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("computed_by", sa.String(length=128), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["compensation_agreement.id"],
            name=op.f("fk_compensation_statement_agreement_id_compensation_agreement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compensation_statement")),
        sa.UniqueConstraint("agreement_code", "year", "number", name="uq_compensation_statement"),
    )
    op.create_index(
        op.f("ix_compensation_statement_agreement_id"),
        "compensation_statement",
        ["agreement_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_compensation_statement_agreement_code"),
        "compensation_statement",
        ["agreement_code"],
        unique=False,
    )
    op.create_table(
        "gep_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition", sa.String(length=32), nullable=False),
        sa.Column("divisions", sa.JSON(), nullable=False),
        sa.Column("years", sa.JSON(), nullable=False),
        sa.Column("prices", sa.String(length=64), nullable=False),
        sa.Column("overrides", sa.String(length=256), nullable=False),
        sa.Column("source_file", sa.String(length=256), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("accounts", sa.JSON(), nullable=False),
        sa.Column("computed_by", sa.String(length=128), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gep_account")),
    )


def downgrade() -> None:
    op.drop_table("gep_account")
    op.drop_index(op.f("ix_compensation_statement_agreement_code"), table_name="compensation_statement")
    op.drop_index(op.f("ix_compensation_statement_agreement_id"), table_name="compensation_statement")
    op.drop_table("compensation_statement")
