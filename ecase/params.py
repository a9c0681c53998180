"""Numbers in URLs and request parameters, parsed in one place.

Ids live in 64-bit signed columns. A number no column can hold (2^63 and beyond, in a
path like ``/cases/9223372036854775808`` or a parameter like ``?unit_id=…``) names
nothing, so it answers 404 like any other id that names nothing, instead of reaching
the database, which refuses it (SQLite with ``OverflowError``, PostgreSQL with
``DataError``).

- :class:`IdConverter` replaces Werkzeug's ``int`` converter on the app (``<int:case_id>``
  in every route): a path number above :data:`MAX_ID` matches no route.
- :func:`int_arg`, :func:`page_arg` and :func:`int_list` read query-string and form
  numbers (:func:`parse_int` any other text); :func:`near_arg` the near-match switch.
"""

from __future__ import annotations

import builtins
from typing import Any

import werkzeug.exceptions
from flask import Flask, request
from werkzeug.datastructures import MultiDict
from werkzeug.routing import Map
from werkzeug.routing.converters import IntegerConverter, ValidationError

from ecase.errors import InvalidInput, NotFound

MAX_ID = 2**63 - 1
MIN_ID = -(2**63)
#: the last page number a list may be asked for (its offset still fits a column)
MAX_PAGE = 2**31


class IdConverter(IntegerConverter):
    """``<int:…>`` bounded by the database's integers (an explicit ``max`` may be lower): a
    number past them is a 404, whatever the method (a rule refusing it would let another
    rule of the same path answer 405)."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = None, signed: bool = False) -> None:  # noqa: A002
        low = MIN_ID if min is None else builtins.max(min, MIN_ID)
        high = MAX_ID if max is None else builtins.min(max, MAX_ID)
        super().__init__(map, fixed_digits, low, high, signed)

    def to_python(self, value: str) -> Any:
        if self.fixed_digits and len(value) != self.fixed_digits:
            raise ValidationError()
        # the regex let only digits (and a sign) through; past 20 of them no id is meant
        number = int(value) if len(value.lstrip("-0")) <= 20 else None
        if number is None or not self.min <= number <= self.max:  # type: ignore[operator]
            raise werkzeug.exceptions.NotFound()  # routing knows HTTP errors only
        return number


def parse_int(raw: str | None, name: str, default: int | None = None, *, strict: bool = True,
              low: int = MIN_ID, high: int = MAX_ID) -> int | None:
    """``raw`` as an integer; ``default`` when it is absent or blank.

    Not an integer: :class:`InvalidInput` when ``strict``, else ``default`` (what
    ``request.args.get(name, type=int)`` does). Outside ``low``..``high`` (by default
    what a database column holds): :class:`NotFound`.
    """
    text = (raw or "").strip()
    if not text:
        return default
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) > 20 and digits.isdigit():  # no id; and int() refuses 4300 digits
        raise NotFound()
    try:
        value = int(text)
    except ValueError as e:
        if not strict:
            return default
        raise InvalidInput(f"{name} 应为整数：{text[:20]}") from e
    if not low <= value <= high:
        raise NotFound()
    return value


def int_arg(name: str, default: int | None = None, *, source: MultiDict[str, str] | None = None,
            strict: bool = False, low: int = MIN_ID, high: int = MAX_ID) -> int | None:
    """The request's integer parameter ``name`` (query string, then form; or ``source``
    such as ``request.form``), as :func:`parse_int` reads it. Lenient by default, like
    ``type=int``: a parameter that is no number counts as absent."""
    values: Any = request.values if source is None else source
    return parse_int(values.get(name), name, default, strict=strict, low=low, high=high)


def page_arg(name: str = "page") -> int:
    """A list's page number (1 when absent, below 1 or no number; 404 past :data:`MAX_PAGE`)."""
    return builtins.max(1, int_arg(name, 1, source=request.args, high=MAX_PAGE) or 1)


def int_list(raw: str | list[str] | None, name: str, *, low: int = MIN_ID,
             high: int = MAX_ID) -> list[int]:
    """Integers separated by commas (also the full-width ，), or a list of them (a
    repeated form field); anything that is no integer is :class:`InvalidInput`."""
    parts = raw if isinstance(raw, list) else (raw or "").replace("，", ",").split(",")
    return [v for v in (parse_int(p, name, low=low, high=high) for p in parts) if v is not None]


def near_arg() -> bool:
    """Whether to find near matches (the search page's and the viewer's ``near``): yes
    unless the first ``near`` argument is 0/off/false/no."""
    return request.args.get("near", "1").strip().lower() not in ("0", "off", "false", "no")


def init_app(app: Flask) -> None:
    """Make ``<int:…>`` the bounded converter; call before any route is added."""
    app.url_map.converters["int"] = IdConverter
