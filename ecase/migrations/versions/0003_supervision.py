"""Supervision: findings and their state history, written recommendations, bulletins.

Findings are never deleted (state changes are rows of finding_events); recommendations
(执法建议书) list findings and keep the unit's reply; bulletins keep their number and the
blobs of the PDF and workbook issued; rate snapshots keep the last computed rates of a
period for the dashboard.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 04:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("grade", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("state_reason", sa.String(length=300), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("case_no", sa.String(length=40), nullable=True),
        sa.Column("incident_no", sa.String(length=40), nullable=True),
        sa.Column("lead_officer", sa.String(length=50), nullable=True),
        sa.Column("officers", sa.JSON(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("days_over", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("first_found_on", sa.Date(), nullable=False),
        sa.Column("last_seen_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_findings_case_id_cases")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_findings_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
        sa.UniqueConstraint("key", name=op.f("uq_findings_key")),
    )
    op.create_index("ix_findings_state_unit", "findings", ["state", "unit_id", "grade"])
    op.create_index("ix_findings_unit_grade", "findings", ["unit_id", "grade"])
    op.create_index(op.f("ix_findings_rule"), "findings", ["rule"])
    op.create_index(op.f("ix_findings_case_id"), "findings", ["case_id"])
    op.create_table(
        "finding_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=50), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["finding_id"], ["findings.id"],
                                name=op.f("fk_finding_events_finding_id_findings")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_finding_events_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_events")),
    )
    op.create_index(op.f("ix_finding_events_finding_id"), "finding_events", ["finding_id"])
    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("addressee", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reply_due_on", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_at", sa.DateTime(), nullable=True),
        sa.Column("replied_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"],
                                name=op.f("fk_recommendations_issued_by_id_users")),
        sa.ForeignKeyConstraint(["replied_by_id"], ["users.id"],
                                name=op.f("fk_recommendations_replied_by_id_users")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_recommendations_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendations")),
        sa.UniqueConstraint("number", name=op.f("uq_recommendations_number")),
        sa.UniqueConstraint("year", "serial", name=op.f("uq_recommendations_year")),
    )
    op.create_index(op.f("ix_recommendations_unit_id"), "recommendations", ["unit_id"])
    op.create_table(
        "recommendation_findings",
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["finding_id"], ["findings.id"],
                                name=op.f("fk_recommendation_findings_finding_id_findings")),
        sa.ForeignKeyConstraint(["recommendation_id"], ["recommendations.id"],
                                name=op.f("fk_recommendation_findings_recommendation_id_recommendations")),
        sa.PrimaryKeyConstraint("recommendation_id", "finding_id", name=op.f("pk_recommendation_findings")),
    )
    op.create_table(
        "bulletins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("pdf_key", sa.String(length=64), nullable=True),
        sa.Column("xlsx_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_bulletins_created_by_id_users")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_bulletins_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletins")),
        sa.UniqueConstraint("number", name=op.f("uq_bulletins_number")),
        sa.UniqueConstraint("year", "serial", name=op.f("uq_bulletins_year")),
    )


    op.create_table(
        "rate_snapshots",
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("fingerprint", sa.String(length=300), nullable=False),
        sa.Column("tallies", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_rate_snapshots")),
    )


def downgrade() -> None:
    op.drop_table("rate_snapshots")
    op.drop_table("bulletins")
    op.drop_table("recommendation_findings")
    op.drop_index(op.f("ix_recommendations_unit_id"), table_name="recommendations")
    op.drop_table("recommendations")
    op.drop_index(op.f("ix_finding_events_finding_id"), table_name="finding_events")
    op.drop_table("finding_events")
    op.drop_index(op.f("ix_findings_case_id"), table_name="findings")
    op.drop_index(op.f("ix_findings_rule"), table_name="findings")
    op.drop_index("ix_findings_unit_grade", table_name="findings")
    op.drop_index("ix_findings_state_unit", table_name="findings")
    op.drop_table("findings")
