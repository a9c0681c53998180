"""field_corrections: a state (proposed, accepted, rejected) and who reviewed it, when, why.

A bureau may have its clerks' corrections reviewed (``CORRECTIONS_NEED_REVIEW``): such a
correction is ``proposed`` until a reviewer accepts or rejects it with a reason. Every
correction written before was shown at once, so existing rows become ``accepted``.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 11:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("field_corrections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(length=20), nullable=False,
                                      server_default="accepted"))
        batch_op.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("review_note", sa.String(length=200), nullable=False,
                                      server_default=""))
        batch_op.create_foreign_key(batch_op.f("fk_field_corrections_reviewed_by_id_users"), "users",
                                    ["reviewed_by_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_field_corrections_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("field_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_field_corrections_state"))
        batch_op.drop_constraint(batch_op.f("fk_field_corrections_reviewed_by_id_users"), type_="foreignkey")
        batch_op.drop_column("review_note")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("reviewed_by_id")
        batch_op.drop_column("state")
