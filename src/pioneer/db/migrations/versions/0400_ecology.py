"""Ecology registers: drinking-water sources and protection zones, hazardous-waste units, filings and transfer
manifests, tailings ponds with inspections and hidden hazards, heavy-metal enterprises and their emissions
(``pioneer.ecology.models``).

Revision ID: 0400_ecology
Revises: 0300_plans
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0400_ecology"
down_revision = "0300_plans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ecology_hm_enterprise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("industry", sa.String(length=128), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ecology_hm_enterprise")),
        sa.UniqueConstraint("code", name=op.f("uq_ecology_hm_enterprise_code")),
    )
    op.create_index(
        op.f("ix_ecology_hm_enterprise_division_code"),
        "ecology_hm_enterprise",
        ["division_code"],
        unique=False,
    )
    op.create_table(
        "ecology_hw_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("in_system", sa.Boolean(), nullable=False),
        sa.Column("permit_number", sa.String(length=64), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ecology_hw_unit")),
        sa.UniqueConstraint("code", name=op.f("uq_ecology_hw_unit_code")),
    )
    op.create_index(
        op.f("ix_ecology_hw_unit_division_code"), "ecology_hw_unit", ["division_code"], unique=False
    )
    op.create_table(
        "ecology_tailings_pond",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("enterprise", sa.String(length=256), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("supervision_class", sa.String(length=1), nullable=False),
        sa.Column("class_document", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("capacity_10k_m3", sa.Float(), nullable=True),
        sa.Column("dam_height_m", sa.Float(), nullable=True),
        sa.Column("pollutants", sa.Text(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ecology_tailings_pond")),
        sa.UniqueConstraint("code", name=op.f("uq_ecology_tailings_pond_code")),
    )
    op.create_index(
        op.f("ix_ecology_tailings_pond_division_code"),
        "ecology_tailings_pond",
        ["division_code"],
        unique=False,
    )
    op.create_table(
        "ecology_water_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("source_type", sa.String(length=16), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("served_divisions", sa.Text(), nullable=False),
        sa.Column("population_served", sa.Integer(), nullable=True),
        sa.Column("section_code", sa.String(length=64), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ecology_water_source")),
        sa.UniqueConstraint("code", name=op.f("uq_ecology_water_source_code")),
    )
    op.create_index(
        op.f("ix_ecology_water_source_division_code"), "ecology_water_source", ["division_code"], unique=False
    )
    op.create_table(
        "ecology_hm_emission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_code", sa.String(length=64), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("metal", sa.String(length=8), nullable=False),
        sa.Column("amount_kg", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_code"],
            ["ecology_hm_enterprise.code"],
            name=op.f("fk_ecology_hm_emission_enterprise_code_ecology_hm_enterprise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ecology_hm_emission")),
        sa.UniqueConstraint("enterprise_code", "year", "metal", name="uq_ecology_hm_emission"),
    )
    op.create_index(
        op.f("ix_ecology_hm_emission_enterprise_code"),
        "ecology_hm_emission",
        ["enterprise_code"],
        unique=False,
    )
    op.create_table(
        "ecology_hw_filing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("generated_prev_year_t", sa.Float(), nullable=True),
        sa.Column("plan_filed", sa.Boolean(), nullable=False),
        sa.Column("declared", sa.Boolean(), nullable=False),
        sa.Column("annual_report", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_code"],
            ["ecology_hw_unit.code"],
            name=op.f("fk_ecology_hw_filing_unit_code_ecology_hw_unit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ecology_hw_filing")),
        sa.UniqueConstraint("unit_code", "year", name="uq_ecology_hw_filing"),
    )
    op.create_index(op.f("ix_ecology_hw_filing_unit_code"), "ecology_hw_filing", ["unit_code"], unique=False)
    op.create_table(
        "ecology_hw_manifest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("producer_code", sa.String(length=64), nullable=False),
        sa.Column("receiver_code", sa.String(length=64), nullable=False),
        sa.Column("waste_code", sa.String(length=16), nullable=False),
        sa.Column("quantity_t", sa.Float(), nullable=False),
        sa.Column("transfer_date", sa.Date(), nullable=False),
        sa.Column("electronic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["producer_code"],
            ["ecology_hw_unit.code"],
            name=op.f("fk_ecology_hw_manifest_producer_code_ecology_hw_unit"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["receiver_code"],
            ["ecology_hw_unit.code"],
            name=op.f("fk_ecology_hw_manifest_receiver_code_ecology_hw_unit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ecology_hw_manifest")),
        sa.UniqueConstraint("code", name=op.f("uq_ecology_hw_manifest_code")),
    )
    op.create_index(
        op.f("ix_ecology_hw_manifest_producer_code"), "ecology_hw_manifest", ["producer_code"], unique=False
    )
    op.create_index(
        op.f("ix_ecology_hw_manifest_receiver_code"), "ecology_hw_manifest", ["receiver_code"], unique=False
    )
    op.create_table(
        "ecology_tailings_hazard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("pond_code", sa.String(length=64), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("rectified_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pond_code"],
            ["ecology_tailings_pond.code"],
            name=op.f("fk_ecology_tailings_hazard_pond_code_ecology_tailings_pond"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ecology_tailings_hazard")),
        sa.UniqueConstraint("code", name=op.f("uq_ecology_tailings_hazard_code")),
    )
    op.create_index(
        op.f("ix_ecology_tailings_hazard_pond_code"), "ecology_tailings_hazard", ["pond_code"], unique=False
    )
    op.create_table(
        "ecology_tailings_inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pond_code", sa.String(length=64), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("inspector", sa.String(length=256), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pond_code"],
            ["ecology_tailings_pond.code"],
            name=op.f("fk_ecology_tailings_inspection_pond_code_ecology_tailings_pond"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ecology_tailings_inspection")),
        sa.UniqueConstraint("pond_code", "inspected_on", name="uq_ecology_tailings_inspection"),
    )
    op.create_index(
        op.f("ix_ecology_tailings_inspection_pond_code"),
        "ecology_tailings_inspection",
        ["pond_code"],
        unique=False,
    )
    op.create_table(
        "ecology_water_source_zone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_code", sa.String(length=64), nullable=False),
        sa.Column("zone", sa.String(length=16), nullable=False),
        sa.Column("water_area_km2", sa.Float(), nullable=True),
        sa.Column("land_area_km2", sa.Float(), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_code"],
            ["ecology_water_source.code"],
            name=op.f("fk_ecology_water_source_zone_source_code_ecology_water_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ecology_water_source_zone")),
        sa.UniqueConstraint("source_code", "zone", name="uq_ecology_water_source_zone"),
    )
    op.create_index(
        op.f("ix_ecology_water_source_zone_source_code"),
        "ecology_water_source_zone",
        ["source_code"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_ecology_water_source_zone_source_code"), table_name="ecology_water_source_zone")
    op.drop_table("ecology_water_source_zone")
    op.drop_index(op.f("ix_ecology_tailings_inspection_pond_code"), table_name="ecology_tailings_inspection")
    op.drop_table("ecology_tailings_inspection")
    op.drop_index(op.f("ix_ecology_tailings_hazard_pond_code"), table_name="ecology_tailings_hazard")
    op.drop_table("ecology_tailings_hazard")
    op.drop_index(op.f("ix_ecology_hw_manifest_receiver_code"), table_name="ecology_hw_manifest")
    op.drop_index(op.f("ix_ecology_hw_manifest_producer_code"), table_name="ecology_hw_manifest")
    op.drop_table("ecology_hw_manifest")
    op.drop_index(op.f("ix_ecology_hw_filing_unit_code"), table_name="ecology_hw_filing")
    op.drop_table("ecology_hw_filing")
    op.drop_index(op.f("ix_ecology_hm_emission_enterprise_code"), table_name="ecology_hm_emission")
    op.drop_table("ecology_hm_emission")
    op.drop_index(op.f("ix_ecology_water_source_division_code"), table_name="ecology_water_source")
    op.drop_table("ecology_water_source")
    op.drop_index(op.f("ix_ecology_tailings_pond_division_code"), table_name="ecology_tailings_pond")
    op.drop_table("ecology_tailings_pond")
    op.drop_index(op.f("ix_ecology_hw_unit_division_code"), table_name="ecology_hw_unit")
    op.drop_table("ecology_hw_unit")
    op.drop_index(op.f("ix_ecology_hm_enterprise_division_code"), table_name="ecology_hm_enterprise")
    op.drop_table("ecology_hm_enterprise")
