"""Leases: the database is the truth of background work, the queue only a doorbell.

Jobs and pages get the worker holding them (``lease_owner``) and until when
(``lease_expires_at``, renewed while the worker works), when a message was last sent for
them (``rung_at``) and how often (``rings``), so the sweeper can send another for
whatever no live worker holds. Jobs keep their task's arguments (``params``) and count
their attempts. Volumes get ``version_lock`` (bumped before a new version is made, which
serialises version numbers per volume) and ``indexed_version`` (the version the
full-text index holds), so a lost index message is sent again as well.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 07:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _lease_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("lease_owner", sa.String(length=100), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(), nullable=True),
        sa.Column("rung_at", sa.DateTime(), nullable=True),
        sa.Column("rings", sa.Integer(), nullable=False, server_default="0"),
    ]


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        for col in _lease_columns():
            batch_op.add_column(col)
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("pages", schema=None) as batch_op:
        for col in _lease_columns():
            batch_op.add_column(col)
    with op.batch_alter_table("volumes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version_lock", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("indexed_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("volumes", schema=None) as batch_op:
        batch_op.drop_column("indexed_version")
        batch_op.drop_column("version_lock")
    with op.batch_alter_table("pages", schema=None) as batch_op:
        for name in ("rings", "rung_at", "lease_expires_at", "lease_owner"):
            batch_op.drop_column(name)
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        for name in ("attempts", "params", "rings", "rung_at", "lease_expires_at", "lease_owner"):
            batch_op.drop_column(name)
