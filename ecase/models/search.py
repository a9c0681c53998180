"""The tables of the ``postgresql`` search backend (``search_pages``, ``search_state``).

They are defined by the search package (:func:`search.pg.define_tables`, where their
columns are explained) and registered here so that Alembic sees one metadata. Migration
0008 creates them on every database; on SQLite, or with ``SEARCH_BACKEND=whoosh``, they
stay empty.
"""

from __future__ import annotations

from ecase.db import Base
from search.pg.tables import define_tables

search_pages, search_state = define_tables(Base.metadata)
