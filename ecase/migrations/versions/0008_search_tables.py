"""Full-text search in PostgreSQL: the tables of the ``postgresql`` search backend.

``search_pages`` holds one row per indexed page (its text, the normalised text, the
bigrams and one-apart pairs of characters the GIN indexes answer literals and near
matches from, and the page's case, volume and document), ``search_state`` the schema
tag of those rows and a rebuild in progress (see ``search/pg``).

On PostgreSQL the array columns are ``text[]`` under GIN indexes, and
``search_pages_seq`` numbers the rows in the order they are written. On SQLite, where
only the ``whoosh`` backend runs, the tables are made too (so the models are the same
on both) and stay empty: the array columns are JSON and the indexes plain ones.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 08:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TEXT_ARRAY = sa.JSON().with_variant(postgresql.ARRAY(sa.Text()), "postgresql")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE SEQUENCE search_pages_seq")
    op.create_table(
        "search_pages",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("gen", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("norm", sa.Text(), nullable=False),
        sa.Column("grams", TEXT_ARRAY, nullable=False),
        sa.Column("skips", TEXT_ARRAY, nullable=False),
        sa.Column("persons", TEXT_ARRAY, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("case_no", sa.Text(), nullable=False),
        sa.Column("case_name", sa.Text(), nullable=False),
        sa.Column("case_name_norm", sa.Text(), nullable=False),
        sa.Column("case_kind", sa.Text(), nullable=False),
        sa.Column("volume_id", sa.Integer(), nullable=False),
        sa.Column("volume_kind", sa.Text(), nullable=False),
        sa.Column("volume_no", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("doc_key", sa.Text(), nullable=False),
        sa.Column("doc_type", sa.Text(), nullable=False),
        sa.Column("doc_no", sa.Text(), nullable=False),
        sa.Column("doc_date", sa.Date(), nullable=True),
        sa.Column("fields_norm", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_search_pages")),
    )
    for column in ("grams", "skips", "persons"):  # GIN on PostgreSQL, plain on SQLite
        op.create_index(f"ix_search_pages_{column}", "search_pages", [column], postgresql_using="gin")
    op.create_index("ix_search_pages_doc_no", "search_pages", ["doc_no"])
    op.create_index("ix_search_pages_case_no", "search_pages", ["case_no"])
    op.create_table(
        "search_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("schema", sa.Text(), nullable=False),
        sa.Column("live_gen", sa.Integer(), nullable=False),
        sa.Column("build_gen", sa.Integer(), nullable=True),
        sa.Column("build_token", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_state")),
    )


def downgrade() -> None:
    op.drop_table("search_state")
    for name in ("case_no", "doc_no", "persons", "skips", "grams"):
        op.drop_index(f"ix_search_pages_{name}", table_name="search_pages")
    op.drop_table("search_pages")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE search_pages_seq")
