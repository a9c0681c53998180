"""Export packages for the procuratorate, and their verification (DOSSIERS.md).

Pure: built PDFs and metadata in, a ZIP out; no database, no Flask (the CLI commands
``ecase export`` and ``ecase verify`` wire these functions to the database). The parts:

- ``model``: ``VolumeExport`` (one built volume PDF and its documents), ``Problem`` (one way
  a package is not whole), the errors.
- ``manifest``: the manifest's content, canonical JSON, per-page SHA-256 of each PDF.
- ``package``: ``write_package`` writes a reproducible ZIP (stored members, sorted, fixed
  dates): one PDF per volume, ``manifest.json`` and ``manifest.json.sha256``. The secondary
  volume (副卷, ``criminal_secondary``) goes out only with ``include_secondary=True``.
- ``verify``: ``verify_package`` names every file and page that differs; ``verify_main``
  prints it for the command line and returns the exit status.
"""

from __future__ import annotations

from ecase.exports.model import CHECKSUM, MANIFEST, ExportError, PackageFormatError, Problem, VolumeExport
from ecase.exports.package import write_package
from ecase.exports.verify import verify_main, verify_package

__all__ = [
    "CHECKSUM",
    "MANIFEST",
    "ExportError",
    "PackageFormatError",
    "Problem",
    "VolumeExport",
    "verify_main",
    "verify_package",
    "write_package",
]
