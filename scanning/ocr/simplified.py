"""Traditional characters read as their Simplified forms, one character for one.

The forms are printed in Simplified Chinese, but a recogniser trained on both scripts
sometimes answers a character's Traditional form (盜 for 盗, 強 for 强, 傑 for 杰): the
field then differs from the ledger and a search in Simplified misses the page. Every
character is mapped alone by OpenCC's Traditional-to-Simplified dictionary (``t2s``), and
only when the answer is one character, so offsets into a line stay where they were.
Characters that are the same in both scripts are left alone.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any


@cache
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def simplified_char(ch: str) -> str:
    """``ch`` in its Simplified form, or ``ch`` itself (not a Han character, or no single-character form)."""
    if len(ch) != 1 or ord(ch) < 0x3400:
        return ch
    out = _converter().convert(ch)
    return out if len(out) == 1 else ch


def simplified(text: str) -> str:
    """``text`` with every Traditional character in its Simplified form; same length."""
    if text.isascii():
        return text
    return "".join(simplified_char(c) for c in text)
