"""Sessions that end and login throttling.

``users.session_version`` is carried in every session cookie; logging out, a password
change or reset and disabling an account bump it, so every cookie made before (a copy
kept after logging out included) stops opening pages. Existing accounts start at 0.

The account-wide lock-out (``users.failed_logins``, ``users.locked_until``), which
anyone could trigger for any account, gives way to ``login_throttles``: failures
counted per user name and client address, with a growing wait once there are too many.
Locks in force when upgrading are dropped; downgrading leaves every account unlocked.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 07:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until")

    op.create_table(
        "login_throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=50), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttles")),
        sa.UniqueConstraint("username", "address", name=op.f("uq_login_throttles_username")),
    )
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_throttles_last_failure_at"), ["last_failure_at"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttles_last_failure_at"))
    op.drop_table("login_throttles")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.drop_column("session_version")
