"""Document info, XMP metadata and the PDF/A-2b output intent.

Everything here is derived from the caller's data (the volume's metadata and a digest of
its pages), never from the clock or a random source, so the same volume gives the same
bytes. The sRGB profile for the output intent is the one pikepdf ships; failing that, a
system one (Debian's icc-profiles-free / colord, ghostscript). Without any profile the PDF
is still written, but does not claim PDF/A (``find_srgb_profile`` returns None and the
builder logs it).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
import zlib
from functools import lru_cache
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from scanning.pdf.model import VolumeMeta

log = logging.getLogger(__name__)

BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")
_UUID_NAMESPACE = uuid.UUID("5d1f6b1e-4c2a-4f59-9a57-ecac50000000")  # fixed: IDs derive from content

_ICC_CANDIDATES = (
    Path(pikepdf.__file__).parent / "pdfa" / "data" / "sRGB.icc",
    Path("/usr/share/color/icc/sRGB.icc"),
    Path("/usr/share/color/icc/colord/sRGB.icc"),
    Path("/usr/share/color/icc/ghostscript/srgb.icc"),
    Path("/usr/share/ghostscript/iccprofiles/srgb.icc"),
)


@lru_cache(maxsize=1)
def find_srgb_profile() -> bytes | None:
    """The bytes of an sRGB ICC profile found on this machine, or None."""
    for path in _ICC_CANDIDATES:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if len(data) > 128 and data[36:40] == b"acsp" and data[16:20] == b"RGB ":
            return data
    return None


def creation_time(meta: VolumeMeta) -> dt.datetime:
    created = meta.created
    if not isinstance(created, dt.datetime):
        created = dt.datetime(created.year, created.month, created.day)
    if created.tzinfo is None:
        created = created.replace(tzinfo=BEIJING)
    return created.replace(microsecond=0)


def add_output_intent(pdf: pikepdf.Pdf) -> bool:
    """Attach the sRGB output intent PDF/A needs; False when no profile is available."""
    profile = find_srgb_profile()
    if profile is None:
        log.warning("no sRGB ICC profile found: volume PDFs will not claim PDF/A-2b")
        return False
    icc = pikepdf.Stream(pdf, zlib.compress(profile, 9))
    icc.Filter = Name.FlateDecode
    icc.N = 3
    intent = Dictionary(
        Type=Name.OutputIntent,
        S=Name.GTS_PDFA1,
        OutputConditionIdentifier=String("sRGB"),
        RegistryName=String("http://www.color.org"),
        Info=String("sRGB IEC61966-2.1"),
        DestOutputProfile=pdf.make_indirect(icc),
    )
    pdf.Root.OutputIntents = Array([pdf.make_indirect(intent)])
    return True


def write_metadata(pdf: pikepdf.Pdf, meta: VolumeMeta, digest: bytes, *, pdfa: bool) -> None:
    """Set the document info and XMP (kept in step, as PDF/A requires)."""
    created = creation_time(meta).isoformat()
    document_id = uuid.uuid5(_UUID_NAMESPACE, digest.hex())
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=True) as xmp:
        xmp["dc:title"] = meta.title
        xmp["dc:creator"] = [meta.author]
        xmp["dc:description"] = meta.subject
        xmp["dc:language"] = [meta.language]
        if meta.keywords:
            xmp["pdf:Keywords"] = "; ".join(meta.keywords)
        xmp["pdf:Producer"] = meta.creator
        xmp["xmp:CreatorTool"] = meta.creator
        xmp["xmp:CreateDate"] = created
        xmp["xmp:ModifyDate"] = created
        xmp["xmp:MetadataDate"] = created
        xmp["xmpMM:DocumentID"] = f"uuid:{document_id}"
        xmp["xmpMM:InstanceID"] = f"uuid:{document_id}"
        if pdfa:
            xmp["pdfaid:part"] = "2"
            xmp["pdfaid:conformance"] = "B"
    # The subject lives in docinfo /Subject; pikepdf maps dc:description to it.
    pdf.docinfo[Name.Subject] = String(meta.subject)
    pdf.Root.Lang = String(meta.language)
