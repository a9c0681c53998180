"""The export package's inputs (``VolumeExport``), its verification results (``Problem``)
and its errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SECONDARY_KIND = "criminal_secondary"
VOLUME_KINDS = ("criminal_main", "criminal_secondary", "administrative", "reconsideration", "litigation")
MANIFEST = "manifest.json"
CHECKSUM = "manifest.json.sha256"


class ExportError(Exception):
    """A package cannot be written from these inputs."""


class PackageFormatError(ExportError):
    """Inputs that would make a package the receiver cannot check (bad kind, clashing names)."""


@dataclass(frozen=True, slots=True)
class VolumeExport:
    """One built volume PDF and what the manifest says about it.

    ``documents`` are dicts with ``seq, type, title, doc_no, date, first_page, last_page,
    fields`` (paper page numbers as the catalog gives them). ``file_name`` defaults to
    ``{case_no}-{kind}-{number:02d}.pdf``. ``scans`` lists the uploads the pages came from,
    so a receiver can check that the PDF holds every page of every scan.
    """

    kind: str
    number: int
    pdf: bytes | Path
    documents: Sequence[Mapping[str, Any]] = ()
    volume_count: int | None = None
    title: str | None = None
    file_name: str | None = None
    #: every scan accepted into the volume: ``{file, sha256, pages}`` (pages in this PDF)
    scans: Sequence[Mapping[str, Any]] = ()

    def pdf_bytes(self) -> bytes:
        return self.pdf if isinstance(self.pdf, bytes) else Path(self.pdf).read_bytes()


@dataclass(frozen=True, slots=True)
class Problem:
    """One way a package is not whole. ``page`` is 1-based; ``label`` the paper page label."""

    code: str
    message: str
    file: str | None = None
    page: int | None = None
    label: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        where = self.file or "package"
        if self.page is not None:
            where += f" page {self.page}" + (f" (label {self.label})" if self.label else "")
        return f"{self.code}: {where}: {self.message}"
