"""The PostgreSQL backend's tables, and a page record as a row of them.

``search_pages``, one row per page (``key`` unique):

``seq``            order of writing (``search_pages_seq``; a replaced page takes a new
                   one), the tie-break of the ranking like Whoosh's document numbers
``gen``            the rebuild generation that wrote it (see :mod:`search.pg.index`)
``body``           the page text as given, for snippets and highlights
``norm``           its normalised stream (:func:`search.analysis.normalise`): what
                   literals are checked against (``strpos``, and a regular expression
                   for near matches)
``grams``          the distinct bigrams of ``norm`` (``text[]``, GIN): a literal's page
                   has all of its bigrams, and a two-character literal is exactly one;
                   and the distinct pairs of characters one apart, as ``~`` and the pair
                   (three characters, so never a bigram): a near match with ``s[j]``
                   misread still has ``~ s[j-1] s[j+1]``, which keeps near matching
                   inside the index (:mod:`search.pg.compile`). One array, so that each
                   alternative of a condition is one index scan, which PostgreSQL then
                   need not check again on every row
``persons``        normalised names (``text[]``, GIN), for ``person:``
``case_name_norm``, ``fields_norm``: the normalised case name and extracted fields
the rest:          the record's case, volume, page and document, normalised like the
                   Whoosh fields (:func:`search.schema.to_document`)

``search_state``, one row (``id = 1``): the schema tag of the stored rows
(``schema``: :data:`SCHEMA_TAG`), the live generation, and a rebuild in progress
(``build_gen``, ``build_token``: the resume token of its last committed batch).

The same definition serves the service's models (``ecase.models.search``, created by
its Alembic migration; on SQLite the tables exist but stay empty) and
:func:`create_schema` (tests and ``bench/search.py``, in a schema of their own).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from ..analysis import normalise
from ..schema import SCHEMA_VERSION, PageRecord, to_document

#: bump when the rows' layout or what a column holds changes (with SCHEMA_VERSION, which
#: follows the analysis): stored rows with another tag need a rebuild
#: (2: the one-apart pairs moved from their own column into ``grams``)
PG_LAYOUT = 2
SCHEMA_TAG = f"{SCHEMA_VERSION}.{PG_LAYOUT}"

PAGES = "search_pages"
STATE = "search_state"
SEQUENCE = "search_pages_seq"

_TEXT_ARRAY = sa.JSON().with_variant(postgresql.ARRAY(sa.Text()), "postgresql")

_TEXT_COLUMNS = ("case_no", "case_name", "case_kind", "volume_kind", "label", "doc_key", "doc_type", "doc_no")


def define_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    """``search_pages`` and ``search_state`` on ``metadata`` (see the module docstring)."""
    pages = sa.Table(
        PAGES,
        metadata,
        sa.Column("key", sa.Text(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("gen", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("norm", sa.Text(), nullable=False),
        sa.Column("grams", _TEXT_ARRAY, nullable=False),
        sa.Column("persons", _TEXT_ARRAY, nullable=False),
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
    )
    # GIN on PostgreSQL; on SQLite (where the tables stay empty) plain indexes of the same name
    sa.Index(f"ix_{PAGES}_grams", pages.c.grams, postgresql_using="gin")
    sa.Index(f"ix_{PAGES}_persons", pages.c.persons, postgresql_using="gin")
    sa.Index(f"ix_{PAGES}_doc_no", pages.c.doc_no)
    sa.Index(f"ix_{PAGES}_case_no", pages.c.case_no)
    state = sa.Table(
        STATE,
        metadata,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("schema", sa.Text(), nullable=False),
        sa.Column("live_gen", sa.Integer(), nullable=False),
        sa.Column("build_gen", sa.Integer(), nullable=True),
        sa.Column("build_token", sa.Text(), nullable=True),
    )
    return pages, state


def create_schema(engine: sa.Engine, schema: str | None = None) -> None:
    """Create the tables, indexes and sequence (if missing), in ``schema`` when given:
    what the service's migration does, for tests and benchmarks without the service."""
    md = sa.MetaData(schema=schema)
    define_tables(md)
    with engine.begin() as conn:
        if schema:
            conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {quote(engine, schema)}"))
        conn.execute(sa.text(f"CREATE SEQUENCE IF NOT EXISTS {qualified(engine, SEQUENCE, schema)}"))
        md.create_all(conn)


def drop_schema(engine: sa.Engine, schema: str) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {quote(engine, schema)} CASCADE"))


def quote(engine: sa.Engine, name: str) -> str:
    return str(engine.dialect.identifier_preparer.quote(name))


def qualified(engine: sa.Engine, name: str, schema: str | None) -> str:
    return f"{quote(engine, schema)}.{quote(engine, name)}" if schema else quote(engine, name)


PAIR = "~"


def grams(stream: str) -> list[str]:
    """The distinct bigrams of a normalised stream."""
    return list({stream[i : i + 2] for i in range(len(stream) - 1)})


def pairs(stream: str) -> list[str]:
    """The distinct pairs of characters one apart, as ``~`` + ``stream[i] + stream[i + 2]``."""
    return list({PAIR + stream[i] + stream[i + 2] for i in range(len(stream) - 2)})


def to_row(record: PageRecord) -> dict[str, Any]:
    """The ``search_pages`` values of a record (without ``seq`` and ``gen``)."""
    doc = to_document(record)
    norm = normalise(record.text)
    row: dict[str, Any] = {k: str(doc.get(k, "")) for k in _TEXT_COLUMNS}
    row.update(
        key=record.key,
        body=record.text,
        norm=norm,
        grams=grams(norm) + pairs(norm),
        persons=[p for p in str(doc.get("persons", "")).split(",") if p],
        case_id=int(record.case_id),
        unit_id=int(record.unit_id),
        case_name_norm=normalise(record.case_name),
        volume_id=int(record.volume_id),
        volume_no=int(record.volume_no),
        page=int(record.page),
        doc_date=record.doc_date.date() if isinstance(record.doc_date, datetime) else record.doc_date,
        fields_norm=normalise(str(doc.get("fields", ""))),
    )
    return row
