"""The search package's exceptions: each class says what went wrong for the user."""

from __future__ import annotations


class SearchError(Exception):
    """Base class of everything ``search`` raises on purpose."""


class QuerySyntaxError(SearchError):
    """The query string cannot be parsed (an unclosed quote or bracket, a bad date range)."""


class IndexLockedError(SearchError):
    """Another writer (or a reindex) holds the index's write lock; retry later."""


class RebuildNeededError(SearchError):
    """The index on disk was built with another schema version: run ``Index.reindex``."""


class IndexCorruptError(SearchError):
    """The index directory exists but cannot be read (missing or unreadable files)."""
