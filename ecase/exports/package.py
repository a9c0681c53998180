"""Writing the export ZIP, reproducibly.

Every member is STORED (the PDFs are compressed already, and stored bytes do not depend on
the zlib version of the machine that exports), members are written in sorted name order,
and every ZipInfo has the same fixed date (from the data, or 1980-01-01), permissions and
"made by" system. The same inputs therefore give a byte-identical ZIP on any machine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pikepdf

from ecase.exports.manifest import build_manifest, document_entry, dumps, jsonable, pdf_pages
from ecase.exports.model import (
    CHECKSUM,
    MANIFEST,
    SECONDARY_KIND,
    VOLUME_KINDS,
    ExportError,
    PackageFormatError,
    VolumeExport,
)

log = logging.getLogger(__name__)

ZIP_EPOCH = dt.datetime(1980, 1, 1)
FILE_MODE = 0o100644  # a regular file, rw-r--r--
MADE_BY_UNIX = 3


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._") or "case"


def volume_file_name(case_no: str, volume: VolumeExport) -> str:
    return volume.file_name or f"{_safe(case_no)}-{volume.kind}-{volume.number:02d}.pdf"


def zip_info(name: str, when: dt.datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(when.year, when.month, when.day, when.hour, when.minute, when.second))
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = MADE_BY_UNIX
    info.external_attr = FILE_MODE << 16
    return info


def _zip_time(created: dt.datetime | dt.date | None) -> dt.datetime:
    if created is None:
        return ZIP_EPOCH
    if not isinstance(created, dt.datetime):
        created = dt.datetime(created.year, created.month, created.day)
    created = created.replace(tzinfo=None)
    return max(created, ZIP_EPOCH).replace(second=created.second - created.second % 2)


def describe_volume(file_name: str, volume: VolumeExport, data: bytes) -> dict[str, Any]:
    """The manifest entry for one volume, reading page labels and digests from its PDF."""
    try:
        pages = pdf_pages(data)
    except pikepdf.PdfError as e:
        raise ExportError(f"{file_name}: not a readable PDF: {e}") from e
    return {
        "file": file_name,
        "kind": volume.kind,
        "number": volume.number,
        "volume_count": volume.volume_count,
        "title": volume.title,
        "page_count": len(pages),
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "pages": pages,
        "documents": [document_entry(doc) for doc in volume.documents],
        "scans": [{str(k): jsonable(v) for k, v in scan.items()} for scan in volume.scans],
    }


def selected_volumes(volumes: Sequence[VolumeExport], include_secondary: bool) -> list[VolumeExport]:
    """The volumes that go out: the secondary volume (副卷) only when asked for by name."""
    for volume in volumes:
        if volume.kind not in VOLUME_KINDS:
            raise PackageFormatError(f"unknown volume kind {volume.kind!r}")
    return [v for v in volumes if include_secondary or v.kind != SECONDARY_KIND]


def write_package(
    case: Mapping[str, Any],
    volumes: Sequence[VolumeExport],
    out_path: Path | str,
    *,
    include_secondary: bool = False,
    created: dt.datetime | dt.date | None = None,
) -> dict[str, Any]:
    """Write the ZIP for the procuratorate to ``out_path`` (atomically) and return its manifest.

    ``case`` has ``case_no, case_name, authority, unit, officers``. ``created`` (e.g. the
    transfer date) dates the members and the manifest; it comes from the data, never the
    clock, so exporting twice gives the same bytes.
    """
    case_no = str(case.get("case_no") or "")
    if not case_no:
        raise PackageFormatError("the case has no case_no")
    chosen = selected_volumes(volumes, include_secondary)
    if not chosen:
        raise ExportError("no volume to export")
    entries: dict[str, bytes] = {}
    described = []
    for volume in sorted(chosen, key=lambda v: (VOLUME_KINDS.index(v.kind), v.number)):
        name = volume_file_name(case_no, volume)
        if name in entries or name in (MANIFEST, CHECKSUM):
            raise PackageFormatError(f"two files would be named {name!r}")
        data = volume.pdf_bytes()
        entries[name] = data
        described.append(describe_volume(name, volume, data))
    when = _zip_time(created)
    manifest = build_manifest(case, described, None if created is None else created.isoformat())
    manifest_bytes = dumps(manifest)
    entries[MANIFEST] = manifest_bytes
    entries[CHECKSUM] = f"{hashlib.sha256(manifest_bytes).hexdigest()}  {MANIFEST}\n".encode("ascii")

    out_path = Path(out_path)
    tmp = out_path.with_name(out_path.name + ".part")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for name in sorted(entries):
                zf.writestr(zip_info(name, when), entries[name])
        os.replace(tmp, out_path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {out_path}: {e}") from e
    log.info("export package written: %d volumes, %d bytes", len(described), out_path.stat().st_size)
    return manifest
