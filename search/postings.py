"""Posting lists as numpy arrays, and a bounded cache of them shared by the searches of an index.

Whoosh keeps a term's postings in blocks of 128 (a zlib-compressed pickle of delta-coded
ids, weights and encoded values per block) and hands them out one Python object per
posting. :func:`load` reads a term's blocks once and turns them into arrays:

``docs``    the segment docnums that have the term, ascending (int64);
``counts``  occurrences of the term in each of them (int64; the length of the
            :class:`search.analysis.ArrayPositions` value);
``keys``    every occurrence as ``docnum << 32 | position``, ascending (int64), for
            the position checks of :mod:`search.literal`; ``None`` for fields without
            positions (the keyword fields read by :func:`search.literal.docnums`).

The ids are decoded with one ``cumsum`` over all blocks (each block restarts its deltas),
the positions with one ``frombuffer`` over the concatenated int32 values; only the
per-block ``zlib.decompress`` and ``pickle.loads`` stay in Python.

Postings are read as stored, deleted documents included: a segment file never changes
after it is written, only its set of deleted docnums grows with later commits, so an
entry stays valid for as long as the segment exists. Callers drop deleted documents from
their per-segment results (:func:`live`). That is what lets :class:`PostingsCache`, owned
by :class:`search.index.Index`, keep entries across commits: it is keyed by
``(segment id, field, term)``, an LRU bounded by the bytes of its arrays
(``Index(postings_cache_mb=...)``), and emptied when a reindex swaps in a new generation.

The block reading uses attributes of Whoosh's ``W3LeafMatcher`` (``_read_data``,
``_data``, ``_read_values``, ``_next_block``, ``_byteids``, ``block_max_id``); when a
matcher lacks them (inlined postings, another codec) the public ``all_items()`` is used.
``tests/search`` compares the results with brute force, so a Whoosh change that broke this
would fail there.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
from whoosh.matching.wrappers import FilterMatcher

from .analysis import ArrayPositions

EMPTY = np.zeros(0, dtype=np.int64)
EMPTY.flags.writeable = False
_POS_MASK = np.int64(0xFFFFFFFF)


@dataclass(frozen=True, slots=True)
class TermPostings:
    """A term's postings in one segment (deleted documents included), read-only arrays."""

    docs: np.ndarray
    counts: np.ndarray
    keys: np.ndarray | None

    @property
    def nbytes(self) -> int:
        return int(self.docs.nbytes + self.counts.nbytes + (self.keys.nbytes if self.keys is not None else 0)) + 200

    def restrict(self, only: np.ndarray) -> TermPostings:
        """The postings of the documents in ``only`` (sorted segment docnums)."""
        keep = member(self.docs, only)
        keys = self.keys
        if keys is not None:
            keys = keys[member(keys >> 32, only)]
        return TermPostings(self.docs[keep], self.counts[keep], keys)


EMPTY_POSTINGS = TermPostings(EMPTY, EMPTY, EMPTY)


def member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Boolean mask: which of ``values`` are in ``sorted_set`` (ascending, unique)."""
    if not len(sorted_set) or not len(values):
        return np.zeros(len(values), dtype=bool)
    idx = np.searchsorted(sorted_set, values)
    idx[idx == len(sorted_set)] = 0
    return sorted_set[idx] == values  # type: ignore[no-any-return]


def intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sorted unique ``a`` ∩ ``b`` (probing the larger with the smaller)."""
    if len(a) > len(b):
        a, b = b, a
    return a[member(a, b)]


def live(docs: np.ndarray, deleted: np.ndarray) -> np.ndarray:
    """Mask of ``docs`` that are not in ``deleted`` (sorted docnums of a segment)."""
    if not len(deleted):
        return np.ones(len(docs), dtype=bool)
    return ~member(docs, deleted)


def runs(sorted_docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of an ascending array and how often each occurs."""
    if not len(sorted_docs):
        return EMPTY, EMPTY
    starts = np.flatnonzero(np.concatenate(([True], sorted_docs[1:] != sorted_docs[:-1])))
    counts = np.diff(np.append(starts, len(sorted_docs)))
    return sorted_docs[starts], counts


def _leaf(matcher: Any) -> Any:
    """The on-disk matcher under the deletion filter (deletions are applied by the caller)."""
    if isinstance(matcher, FilterMatcher) and getattr(matcher, "_exclude", False):
        return matcher.child
    return matcher


def _readable(leaf: Any) -> bool:
    return all(
        hasattr(leaf, a) for a in ("_read_data", "_read_values", "_next_block", "is_active", "block_max_id")
    ) and not getattr(leaf, "_byteids", True)


def load(reader: Any, field: str, term: str, only: np.ndarray | None = None) -> TermPostings:
    """The postings of ``term`` in one segment's ``reader``, deleted documents included.

    With ``only`` (sorted segment docnums), blocks whose id range holds none of them are
    skipped unread (the block header gives the last id, the previous header the first)
    and the result holds only those documents.
    """
    if (field, term) not in reader:
        return EMPTY_POSTINGS
    fmt = reader.schema[field].format
    positions = fmt.supports("positions")
    leaf = _leaf(reader.postings(field, term))
    deltas: list[tuple[int, ...]] = []
    values: list[Any] = []
    if _readable(leaf):
        wanted = None if only is None else only.tolist()
        prev_max = -1
        while leaf.is_active():
            if wanted is not None:
                block_max = leaf.block_max_id()
                i = bisect_right(wanted, prev_max)
                if i >= len(wanted):
                    break
                prev_max = block_max
                if wanted[i] > block_max:
                    leaf._next_block()
                    continue
            leaf._read_data()
            deltas.append(leaf._data[0])
            if positions:
                leaf._read_values()
                values.append(leaf._values)
            leaf._next_block()
        lengths = np.fromiter(map(len, deltas), dtype=np.int64, count=len(deltas))
        flat = np.fromiter(chain.from_iterable(deltas), dtype=np.int64, count=int(lengths.sum()))
        total = np.cumsum(flat)
        ends = np.cumsum(lengths)
        base = np.concatenate(([0], total[ends[:-1] - 1])) if len(ends) else EMPTY
        docs = total - np.repeat(base, lengths)
        flat_values = list(chain.from_iterable(values))
    else:
        items = list(leaf.all_items())
        docs = np.fromiter((i for i, _ in items), dtype=np.int64, count=len(items))
        flat_values = [v for _, v in items] if positions else []
    if not positions:
        counts = np.ones(len(docs), dtype=np.int64)
        keys = None
    elif isinstance(fmt, ArrayPositions):
        counts = np.fromiter(map(len, flat_values), dtype=np.int64, count=len(flat_values)) >> 2
        pos = np.frombuffer(b"".join(flat_values), dtype=np.int32).astype(np.int64)
        keys = (np.repeat(docs, counts) << 32) | pos
    else:
        decoded = [fmt.decode_positions(v) for v in flat_values]
        counts = np.fromiter(map(len, decoded), dtype=np.int64, count=len(decoded))
        pos = np.array(array("q", chain.from_iterable(decoded)), dtype=np.int64)
        keys = (np.repeat(docs, counts) << 32) | pos
    out = TermPostings(docs, counts, keys)
    if only is not None:
        out = out.restrict(only)
    for a in (out.docs, out.counts, out.keys):
        if a is not None:
            a.flags.writeable = False
    return out


def position_of(keys: np.ndarray) -> np.ndarray:
    """The position part of ``docnum << 32 | position`` keys."""
    return keys & _POS_MASK  # type: ignore[no-any-return]


def segment_id(reader: Any) -> str | None:
    """A segment reader's id (unique per segment file set), or None for other readers."""
    seg = getattr(reader, "segment", None)
    if seg is None:
        return None
    try:
        s = seg()
        return None if s is None else str(s.segment_id())
    except (AttributeError, TypeError):
        return None


def deleted_docs(reader: Any) -> np.ndarray:
    """Sorted deleted docnums of one segment reader."""
    if not reader.has_deletions():
        return EMPTY
    found = getattr(reader, "deleted_docs_set", None)
    if found is None:
        found = [d for d in range(reader.doc_count_all()) if reader.is_deleted(d)]
    return np.array(sorted(found), dtype=np.int64)


class PostingsCache:
    """Decoded postings per ``(segment id, field, term)``, least recently used out first.

    ``max_bytes`` bounds the arrays kept (0 keeps nothing). Thread-safe; the arrays are
    read-only, so an entry can be used while another thread evicts it.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max(0, int(max_bytes))
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, str, str], TermPostings] = OrderedDict()
        self.nbytes = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.nbytes = 0

    def peek(self, reader: Any, field: str, term: str) -> TermPostings | None:
        """The cached postings, or None (counts as a hit when found)."""
        seg = segment_id(reader)
        if seg is None:
            return None
        key = (seg, field, term)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
            return found

    def get(self, reader: Any, field: str, term: str) -> TermPostings:
        """The postings of ``term`` in ``reader``'s segment, from the cache or read and kept."""
        found = self.peek(reader, field, term)
        if found is not None:
            return found
        postings = load(reader, field, term)
        seg = segment_id(reader)
        size = postings.nbytes
        with self._lock:
            self.misses += 1
            if seg is None or size > self.max_bytes:
                return postings
            key = (seg, field, term)
            old = self._entries.pop(key, None)
            if old is not None:
                self.nbytes -= old.nbytes
            self._entries[key] = postings
            self.nbytes += size
            while self.nbytes > self.max_bytes and self._entries:
                _, evicted = self._entries.popitem(last=False)
                self.nbytes -= evicted.nbytes
        return postings
