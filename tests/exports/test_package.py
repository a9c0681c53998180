"""Export packages: reproducible ZIPs, manifests, and verification that names what changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import random
import zipfile
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw

from ecase.exports import CHECKSUM, MANIFEST, Problem, VolumeExport, verify_main, verify_package, write_package
from ecase.exports.package import zip_info
from scanning.pdf import Bookmark, PdfPage, VolumeMeta, build_volume_pdf_bytes
from scanning.types import Word

CASE = {
    "case_no": "A1100000000002024030001",
    "case_name": "王某某盗窃案",
    "authority": "某市公安局某区分局",
    "unit": "某区分局刑警大队",
    "officers": ["李某", "周某"],
}
WHEN = dt.datetime(2024, 3, 20, 10, 15, 31)


def _scan(seed: int) -> tuple[bytes, list[Word]]:
    rng = random.Random(seed)
    image = Image.new("L", (300, 420), 250)
    draw = ImageDraw.Draw(image)
    words = []
    for line in range(4):
        y = 40 + line * 60
        x0 = 30 + rng.randrange(20)
        draw.rectangle((x0, y, x0 + 120, y + 20), fill=30)
        words.append(Word(f"词{seed}{line}", (x0, y, x0 + 120, y + 20), 90.0, line))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return buffer.getvalue(), words


def _volume(kind: str, number: int, labels: list[str | None], seed: int) -> tuple[VolumeExport, list[bytes]]:
    pages, images = [], []
    for i, label in enumerate(labels):
        data, words = _scan(seed * 100 + i)
        images.append(data)
        pages.append(PdfPage(data, "image/jpeg", 300, 420, 100, words=words, label=label))
    meta = VolumeMeta(CASE["case_name"], f"{kind} 第{number}卷", CASE["authority"], WHEN)
    pdf = build_volume_pdf_bytes(pages, meta, [Bookmark("1 立案决定书 某公（刑）立字〔2024〕1号", 1)])
    documents = [{
        "seq": 1, "type": "filing_decision", "title": "立案决定书", "doc_no": "某公（刑）立字〔2024〕1号",
        "date": dt.date(2024, 3, 1), "first_page": 1, "last_page": 1, "fields": {"case_name": CASE["case_name"]},
    }]
    return VolumeExport(kind, number, pdf, documents, volume_count=2), images


@pytest.fixture(scope="module")
def volumes() -> list[tuple[VolumeExport, list[bytes]]]:
    return [
        _volume("criminal_main", 1, ["封面", "目录", "1", "2", "备考表"], 1),
        _volume("criminal_main", 2, ["封面", "1", None, "2"], 2),
        _volume("criminal_secondary", 1, ["封面", "1"], 3),
    ]


@pytest.fixture
def package(tmp_path: Path, volumes: list[tuple[VolumeExport, list[bytes]]]) -> Path:
    out = tmp_path / "export.zip"
    write_package(CASE, [v for v, _ in volumes], out, created=WHEN)
    return out


def _flip(src: Path, dst: Path, position: int) -> None:
    data = bytearray(src.read_bytes())
    data[position] ^= 0x01
    dst.write_bytes(bytes(data))


def _member_offsets(path: Path) -> dict[str, int]:
    """Where each member's data starts in the ZIP."""
    with zipfile.ZipFile(path) as zf, path.open("rb") as fh:
        offsets = {}
        for info in zf.infolist():
            fh.seek(info.header_offset + 26)
            nlen, elen = int.from_bytes(fh.read(2), "little"), int.from_bytes(fh.read(2), "little")
            offsets[info.filename] = info.header_offset + 30 + nlen + elen
        return offsets


def test_package_is_reproducible_and_verifies(tmp_path: Path, package: Path, volumes: list) -> None:
    again = tmp_path / "again.zip"
    write_package(CASE, [v for v, _ in reversed(volumes)], again, created=WHEN)
    assert again.read_bytes() == package.read_bytes()
    assert verify_package(package) == []
    lines = io.StringIO()
    assert verify_main(package, lines) == 0
    assert lines.getvalue().startswith("OK")


def test_manifest_describes_case_volumes_and_pages(package: Path, volumes: list) -> None:
    with zipfile.ZipFile(package) as zf:
        names = zf.namelist()
        manifest_bytes = zf.read(MANIFEST)
        checksum = zf.read(CHECKSUM).decode()
        manifest = json.loads(manifest_bytes)
        assert names == sorted(names)
        assert all(info.date_time == (2024, 3, 20, 10, 15, 30) for info in zf.infolist())
        assert all(info.compress_type == zipfile.ZIP_STORED for info in zf.infolist())
        for volume in manifest["volumes"]:
            data = zf.read(volume["file"])
            assert hashlib.sha256(data).hexdigest() == volume["sha256"]
            with pikepdf.open(io.BytesIO(data)) as pdf:
                assert volume["page_count"] == len(pdf.pages)
                assert [p["label"] for p in volume["pages"]] == [p.label for p in pdf.pages]
    assert checksum == f"{hashlib.sha256(manifest_bytes).hexdigest()}  {MANIFEST}\n"
    assert manifest["case"] == CASE
    assert [(v["kind"], v["number"]) for v in manifest["volumes"]] == [("criminal_main", 1), ("criminal_main", 2)]
    assert manifest["volumes"][1]["pages"][2]["label"] == "1背"
    assert manifest["volumes"][0]["documents"][0] == {
        "seq": 1, "type": "filing_decision", "title": "立案决定书", "doc_no": "某公（刑）立字〔2024〕1号",
        "date": "2024-03-01", "first_page": 1, "last_page": 1, "fields": {"case_name": CASE["case_name"]},
    }


def test_secondary_volume_only_when_asked(tmp_path: Path, volumes: list) -> None:
    out = tmp_path / "with.zip"
    manifest = write_package(CASE, [v for v, _ in volumes], out, include_secondary=True, created=WHEN)
    assert [v["kind"] for v in manifest["volumes"]] == ["criminal_main", "criminal_main", "criminal_secondary"]
    assert verify_package(out) == []
    default = write_package(CASE, [v for v, _ in volumes], tmp_path / "without.zip", created=WHEN)
    assert "criminal_secondary" not in {v["kind"] for v in default["volumes"]}


def test_a_changed_page_image_is_named_by_file_and_page(tmp_path: Path, package: Path, volumes: list) -> None:
    offsets = _member_offsets(package)
    manifest = json.loads(zipfile.ZipFile(package).read(MANIFEST))
    for vol_entry, (volume, images) in zip(manifest["volumes"], volumes, strict=False):
        pdf = volume.pdf_bytes()
        for page_no, image in enumerate(images, start=1):
            position = offsets[vol_entry["file"]] + pdf.index(image) + len(image) // 2
            damaged = tmp_path / "damaged.zip"
            _flip(package, damaged, position)
            problems = verify_package(damaged)
            pages = [(p.file, p.page, p.label) for p in problems if p.code == "page_changed"]
            assert pages == [(vol_entry["file"], page_no, vol_entry["pages"][page_no - 1]["label"])], problems
            assert any(p.code == "file_changed" and p.file == vol_entry["file"] for p in problems)
            out = io.StringIO()
            assert verify_main(damaged, out) == 1
            assert f"{vol_entry['file']} page {page_no}" in out.getvalue()


@pytest.mark.parametrize("member", [MANIFEST, CHECKSUM, "pdf0", "pdf1"])
def test_flipping_any_byte_of_a_member_names_it(tmp_path: Path, package: Path, member: str) -> None:
    offsets = _member_offsets(package)
    with zipfile.ZipFile(package) as zf:
        names = [n for n in zf.namelist() if n.endswith(".pdf")]
        name = names[int(member[3:])] if member.startswith("pdf") else member
        size = zf.getinfo(name).file_size
    rng = random.Random(name)
    positions = sorted({0, size - 1, size // 2, *(rng.randrange(size) for _ in range(25))})
    for position in positions:
        damaged = tmp_path / "damaged.zip"
        _flip(package, damaged, offsets[name] + position)
        problems = verify_package(damaged)
        assert problems, f"flip at {position} of {name} went unnoticed"
        assert name in {p.file for p in problems}, (position, problems)


def test_flipping_any_byte_of_the_zip_fails_verification(tmp_path: Path, package: Path) -> None:
    size = package.stat().st_size
    with zipfile.ZipFile(package) as zf:
        last = max(info.header_offset for info in zf.infolist())
    rng = random.Random(7)
    # Headers, the central directory and the end record are dense with meaning: test them all,
    # and a sample of everything else.
    positions = set(range(0, 30)) | set(range(size - 180, size)) | {rng.randrange(size) for _ in range(60)} | set(range(last, last + 60))
    for position in sorted(p for p in positions if 0 <= p < size):
        damaged = tmp_path / "damaged.zip"
        _flip(package, damaged, position)
        assert verify_package(damaged), f"flip at byte {position} went unnoticed"


def _rewrite(src: Path, dst: Path, drop: str | None = None, add: tuple[str, bytes] | None = None) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        entries = {n: zin.read(n) for n in zin.namelist() if n != drop}
        if add:
            entries[add[0]] = add[1]
        for name in sorted(entries):
            zout.writestr(zip_info(name, WHEN), entries[name])


def test_missing_and_extra_members(tmp_path: Path, package: Path) -> None:
    with zipfile.ZipFile(package) as zf:
        pdf_name = next(n for n in zf.namelist() if n.endswith(".pdf"))
    missing = tmp_path / "missing.zip"
    _rewrite(package, missing, drop=pdf_name)
    assert [(p.code, p.file) for p in verify_package(missing)] == [("missing_file", pdf_name)]
    extra = tmp_path / "extra.zip"
    _rewrite(package, extra, add=("notes.txt", b"hello"))
    assert [(p.code, p.file) for p in verify_package(extra)] == [("extra_file", "notes.txt")]
    no_manifest = tmp_path / "nomanifest.zip"
    _rewrite(package, no_manifest, drop=MANIFEST)
    assert ("missing_file", MANIFEST) in [(p.code, p.file) for p in verify_package(no_manifest)]


def test_corrupt_zip(tmp_path: Path, package: Path) -> None:
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(package.read_bytes()[: package.stat().st_size // 2])
    problems = verify_package(truncated)
    assert [p.code for p in problems] == ["corrupt_zip"]
    assert isinstance(problems[0], Problem)
    assert verify_main(truncated, io.StringIO()) == 1
