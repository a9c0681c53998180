"""search_pages: the one-apart pairs of characters go into ``grams``; ``skips`` goes.

Near matches look for candidate pages with a bigram set and a pair of characters one
apart. Kept in two arrays under two GIN indexes, each alternative of that condition
was two index scans, and PostgreSQL, unable to prove the bitmap exact, read both arrays
of every candidate row again: 0.3 s for 8,000 candidates. Kept in ``grams`` (as ``~``
and the pair, three characters, never a bigram), each alternative is one scan and no
row is read twice. Rows written before are marked by their schema tag as needing a
rebuild (``search.pg``'s layout 2), which the service runs when it opens the index.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 09:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TEXT_ARRAY = sa.JSON().with_variant(postgresql.ARRAY(sa.Text()), "postgresql")


def upgrade() -> None:
    op.drop_index("ix_search_pages_skips", table_name="search_pages")
    with op.batch_alter_table("search_pages", schema=None) as batch_op:
        batch_op.drop_column("skips")


def downgrade() -> None:
    empty = "'{}'" if op.get_bind().dialect.name == "postgresql" else "'[]'"
    with op.batch_alter_table("search_pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("skips", TEXT_ARRAY, nullable=False, server_default=sa.text(empty)))
    op.create_index("ix_search_pages_skips", "search_pages", ["skips"], postgresql_using="gin")
