"""Chinese text analysis for the index: overlapping character bigrams with positions.

Why bigrams and not jieba
-------------------------
Users search a dossier for what is printed on a page: a name (张建国), a place (天桥区北园
大街), a phrase of a form (决定对其取保候审), a number (2018) or a document number. The
answer they expect is "every page on which this string occurs", so the ground truth is
literal containment. Two analyzers were measured against it (``bench/search.py --compare-analyzers --pages
3000 --queries 600``: 3,000 synthetic pages written like FORMS.md with random names,
places, dates and numbers; 500 queries drawn from the pages, 100 each of person names,
one fragment of 2-4 characters, two fragments, three fragments (AND), and quoted
phrases of 5-10 characters; fragments are cut at random offsets, as a user copies a
piece of text)::

    analyzer                         recall  precision  recall on names  on phrases
    jieba ChineseAnalyzer (AND of     0.434      0.457            0.905       0.474
      the query's jieba tokens)
    character bigrams (Literal)       1.000      1.000            1.000       1.000

jieba segments a name or a fragment differently depending on its neighbours (in
"决定对罗凤娜涉嫌" it cuts 对罗凤娜, in "保证人高磊的监督" 人高磊, so 罗凤娜 and 高磊 are not
found), drops single non-Chinese characters and stems Latin words, so a string that is on the page is often not found. Bigrams are
context-free: every string of two or more characters that occurs on a page is the run of
its bigrams at consecutive positions, so a phrase query over them finds exactly the pages
that contain it (recall and precision 1.0, up to the normalisation below). A single
character is found as the prefix of a bigram, or as the final one-character token that
closes every stream (see :class:`BigramTokenizer`).

Normalisation (the same for pages and queries, one character at a time)
-----------------------------------------------------------------------
* NFKC (full-width digits and Latin become ASCII, ``（`` becomes ``(``), then lower case;
* every bracket variant folds to one: ``（ (`` -> ``(``, ``） )`` -> ``)``, ``〔 [ 【 ［`` ->
  ``[``, ``〕 ] 】 ］`` -> ``]``, so 济天公(刑)立字[2018]123号 finds 济天公（刑）立字〔2018〕123号;
* white space is removed: OCR of letter-spaced titles reads 立 案 决 定 书, and a phrase
  broken over two lines must still be found.
Nothing else is dropped: no stop words, no stemming, punctuation, digits and Latin stay.

Offsets: :func:`normalise_with_offsets` returns, for every character of the normalised
stream, the offset in the original text it came from, which :func:`find_literal` uses to
report matches as ``(start, end)`` offsets into the page text (for OCR word boxes).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from itertools import compress

from array import array

from whoosh.analysis import Token, Tokenizer
from whoosh.formats import Positions

_BRACKETS = {
    "(": "(",
    ")": ")",
    "[": "[",
    "]": "]",
    "〔": "[",
    "〕": "]",
    "【": "[",
    "】": "]",
    "〖": "[",
    "〗": "]",
    "［": "[",
    "］": "]",
}


class _CharTable(dict[int, "str | None"]):
    """``str.translate`` table that fills itself: each code point maps to its normal form.

    ``translate`` calls ``__missing__`` once per distinct character; later lookups are
    plain dict hits in C, which keeps indexing fast.
    """

    def __missing__(self, cp: int) -> str | None:
        out = _normal_char(chr(cp))
        self[cp] = out
        return out


def _normal_char(ch: str) -> str | None:
    if ch.isspace() or ch in "\u200b\u200c\u200d\ufeff":
        return None
    norm = unicodedata.normalize("NFKC", ch).lower()
    norm = "".join(_BRACKETS.get(c, c) for c in norm if not c.isspace())
    return norm or None


_TABLE = _CharTable()


def normalise(text: str) -> str:
    """The normalised character stream of ``text`` (see the module docstring)."""
    return text.translate(_TABLE)


def normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalised stream and, for each of its characters, the offset of its source character."""
    norms = list(map(_TABLE.__getitem__, map(ord, text)))
    stream = "".join(filter(None, norms))
    offsets = list(compress(range(len(norms)), norms))
    if len(offsets) == len(stream):  # every kept character normalised to one character
        return stream, offsets
    offsets = []
    for i, norm in enumerate(norms):
        if norm:
            offsets.extend([i] * len(norm))
    return stream, offsets


def bigrams(stream: str) -> list[str]:
    """Index terms of a normalised stream: its bigrams, then its last character alone.

    Term ``i`` sits at position ``i``; the closing single character at position
    ``len(stream) - 1`` makes a one-character query (a prefix query) find a character
    that only occurs at the end of the stream.
    """
    if not stream:
        return []
    terms = [stream[i : i + 2] for i in range(len(stream) - 1)]
    terms.append(stream[-1])
    return terms


def query_terms(literal: str) -> list[str]:
    """Terms of a query literal that must sit at consecutive positions (a phrase).

    One character gives ``[c]`` (to be used as a prefix); two or more give the bigrams.
    """
    stream = normalise(literal)
    if len(stream) <= 1:
        return [stream] if stream else []
    return [stream[i : i + 2] for i in range(len(stream) - 1)]


def find_literal(
    text: str, literal: str, normalised: tuple[str, list[int]] | None = None
) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` in ``text`` where ``literal`` occurs after normalisation.

    ``normalised`` is ``normalise_with_offsets(text)`` when the caller already has it
    (several literals looked up in one page).
    """
    needle = normalise(literal)
    if not needle:
        return []
    stream, offsets = normalised if normalised is not None else normalise_with_offsets(text)
    spans: list[tuple[int, int]] = []
    at = stream.find(needle)
    while at >= 0:
        spans.append((offsets[at], offsets[at + len(needle) - 1] + 1))
        at = stream.find(needle, at + 1)
    return spans


class BigramTokenizer(Tokenizer):
    """Whoosh tokenizer emitting :func:`bigrams` of the normalised text with positions.

    Start/end characters are not recorded (the index does not need them: snippets and
    spans are computed from the stored page text by :func:`find_literal`).
    """

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            yield token
            return
        for pos, term in enumerate(bigrams(normalise(value))):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = term
            if positions:
                token.pos = start_pos + pos
            yield token


def BigramAnalyzer() -> BigramTokenizer:
    """The analyzer used by the index's text fields (a tokenizer alone: nothing to filter)."""
    return BigramTokenizer()


class ArrayPositions(Positions):
    """Whoosh's ``Positions`` format with positions stored as a plain int32 array.

    Whoosh encodes each posting's positions as a pickle of deltas; decoding that costs
    a ``pickle.loads`` and a Python loop per page per term, which dominated exact phrase
    checks on common phrases. An ``array`` decodes in C (``frombytes``) and encodes
    faster too. Positions are absolute and ascending; the frequency is the length.
    """

    def encode(self, poslist: list[int]) -> bytes:  # type: ignore[override]
        return array("i", poslist).tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:  # type: ignore[override]
        a = array("i")
        a.frombytes(valuestring)
        return a.tolist()

    def decode_frequency(self, valuestring: bytes) -> int:  # type: ignore[override]
        return len(valuestring) // 4

    def decode_position_boosts(self, valuestring: bytes) -> list[tuple[int, float]]:  # type: ignore[override]
        return [(p, 1.0) for p in self.decode_positions(valuestring)]
