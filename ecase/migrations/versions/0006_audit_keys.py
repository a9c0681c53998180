"""Audit chain keyed with a secret outside the database: each entry names the key that
signed it (``audit_entries.key_id``, an HMAC-SHA256 key of the key file, see
``ecase.audit.keys``).

Entries already written keep ``key_id`` NULL and their plain SHA-256: they verify as
legacy entries. The key file, made by the first append after this migration, fixes
where they end (its first key's first entry), and that first signed entry covers the
last legacy hash, so they can no longer be rewritten without the key.

Downgrading drops the column: signed entries written meanwhile then no longer verify
with the old plain SHA-256 code (their hashes are HMACs).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 07:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_column("key_id")
