"""The manifest: what the package holds, with a SHA-256 for every file and every page.

The per-page digest covers what makes a page look the way it does: its content streams and
the image XObjects it draws, as stored (raw, still compressed), plus its box and rotation.
It lets ``verify`` name the page that changed inside a PDF whose file hash differs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pikepdf

MANIFEST_FORMAT = "ecase-export"
MANIFEST_VERSION = 1
CASE_KEYS = ("case_no", "case_name", "authority", "unit", "officers")
DOCUMENT_KEYS = ("seq", "type", "title", "doc_no", "date", "first_page", "last_page", "fields")


def jsonable(value: Any) -> Any:
    """Plain JSON values for dates, decimals, sets, dataclasses (and FieldValue-like objects)."""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if hasattr(value, "value") and hasattr(value, "raw"):
            return jsonable(value.value)  # a FieldValue: the value is what the receiver needs
        return jsonable(dataclasses.asdict(value))
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def dumps(manifest: Mapping[str, Any]) -> bytes:
    """Canonical bytes: sorted keys, UTF-8, two-space indent, final newline."""
    return (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def _page_digest(page: pikepdf.Page) -> str:
    h = hashlib.sha256()
    obj = page.obj
    h.update(repr([float(v) for v in page.mediabox]).encode())
    h.update(repr(int(obj.get("/Rotate", 0))).encode())
    contents = obj.get("/Contents")
    streams = [] if contents is None else list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    for stream in streams:
        data = stream.read_raw_bytes()
        h.update(len(data).to_bytes(8, "big") + data)
    xobjects = obj.get("/Resources", pikepdf.Dictionary()).get("/XObject", pikepdf.Dictionary())
    for name in sorted(xobjects.keys()):
        data = xobjects[name].read_raw_bytes()
        h.update(name.encode() + len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def pdf_pages(data: bytes) -> list[dict[str, Any]]:
    """``[{index, label, sha256}]`` for every page of a PDF (raises pikepdf.PdfError)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [{"index": i + 1, "label": page.label, "sha256": _page_digest(page)} for i, page in enumerate(pdf.pages)]


def document_entry(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The listed keys always (None when unknown), and any others the caller adds, as given."""
    entry = {key: jsonable(doc.get(key)) for key in DOCUMENT_KEYS}
    entry["fields"] = entry["fields"] or {}
    entry.update({str(k): jsonable(v) for k, v in doc.items() if k not in DOCUMENT_KEYS})
    return entry


def build_manifest(case: Mapping[str, Any], volumes: Sequence[dict[str, Any]], created: str | None) -> dict[str, Any]:
    """The manifest dict; ``volumes`` are already described (see ``package.describe_volume``)."""
    return {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "created": created,
        "case": {key: jsonable(case.get(key)) for key in CASE_KEYS},
        "volumes": list(volumes),
    }
