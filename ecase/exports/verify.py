"""Checking a received package: is it whole and unchanged, and if not, what differs.

Three layers, so that any changed byte is found and named as precisely as possible:
1. the ZIP itself: every local header must agree with the central directory, every
   member's CRC must hold, and the archive must be byte for byte what our writer makes of
   those members (so a change in a header, the directory or the end record is caught);
2. the manifest against ``manifest.json.sha256``;
3. every file against its SHA-256 in the manifest; for a PDF that differs, every page
   against its page digest, naming the page and its paper label. Missing and extra files
   are reported too.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import sys
import zipfile
import zlib
from pathlib import Path
from collections.abc import Callable
from typing import Any, TextIO

from ecase.exports.manifest import pdf_pages
from ecase.exports.model import CHECKSUM, MANIFEST, Problem
from ecase.exports.package import zip_info

_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
_LOCAL_SIGNATURE = 0x04034B50


def _read_members(path: Path, zf: zipfile.ZipFile, problems: list[Problem]) -> dict[str, bytes]:
    """Raw member bytes, read at the offsets the central directory gives (no CRC exception:
    a damaged member must still be read so its pages can be compared)."""
    members: dict[str, bytes] = {}
    with path.open("rb") as fh:
        for info in zf.infolist():
            name = info.filename
            if name in members:
                problems.append(Problem("duplicate_member", "ZIP 中有同名文件。", name))
                continue
            fh.seek(info.header_offset)
            header = fh.read(_LOCAL_HEADER.size)
            if len(header) < _LOCAL_HEADER.size:
                problems.append(Problem("corrupt_zip", "文件头超出压缩包末尾。", name))
                continue
            sig, _version, flags, method, time, date, crc, csize, usize, nlen, elen = _LOCAL_HEADER.unpack(header)
            raw_name = fh.read(nlen)
            extra = fh.read(elen)
            data = fh.read(info.compress_size)
            expected_name = name.encode("utf-8" if info.flag_bits & 0x800 else "cp437")
            dos_time = (info.date_time[3] << 11) | (info.date_time[4] << 5) | (info.date_time[5] // 2)
            dos_date = ((info.date_time[0] - 1980) << 9) | (info.date_time[1] << 5) | info.date_time[2]
            if (sig, flags, method, time, date, crc, csize, usize, raw_name) != (
                _LOCAL_SIGNATURE, info.flag_bits, info.compress_type, dos_time, dos_date,
                info.CRC, info.compress_size, info.file_size, expected_name,
            ) or extra:
                problems.append(Problem("zip_header_mismatch", "本地文件头与中央目录不一致（压缩包结构被改动）。", name))
            if info.compress_type != zipfile.ZIP_STORED:
                problems.append(Problem("zip_unexpected_compression", "文件应以不压缩方式存放。", name))
                continue
            if len(data) != info.compress_size:
                problems.append(Problem("corrupt_zip", "文件内容被截断。", name))
            elif zlib.crc32(data) != info.CRC:
                problems.append(Problem("crc_mismatch", "文件内容与压缩包记录的 CRC 不符。", name))
            members[name] = data
    return members


def _rebuilt(zf: zipfile.ZipFile, members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as out:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            when = info.date_time
            rebuilt = zip_info(info.filename, _as_datetime(when))
            out.writestr(rebuilt, members.get(info.filename, b""))
    return buffer.getvalue()


def _file_sha256(path: Path) -> bytes:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.digest()


def _as_datetime(when: tuple[int, int, int, int, int, int]) -> Any:
    import datetime as dt

    try:
        return dt.datetime(*when)
    except ValueError:
        return dt.datetime(1980, 1, 1)


def _compare_pages(name: str, volume: dict[str, Any], data: bytes) -> list[Problem]:
    expected = volume.get("pages") or []
    try:
        found = pdf_pages(data)
    except Exception as e:  # noqa: BLE001 - any failure to parse a damaged PDF is the finding
        return [Problem("pdf_unreadable", f"PDF 无法打开，无法逐页比对：{type(e).__name__}", name)]
    problems = []
    for i in range(max(len(expected), len(found))):
        want = expected[i] if i < len(expected) else None
        got = found[i] if i < len(found) else None
        label = (want or got or {}).get("label")
        if want is None:
            problems.append(Problem("page_extra", "多出清单中没有的页。", name, i + 1, label))
        elif got is None:
            problems.append(Problem("page_missing", "清单中的页不在文件中。", name, i + 1, label))
        elif want.get("sha256") != got["sha256"]:
            problems.append(Problem("page_changed", "该页的内容或图像与清单不符。", name, i + 1, label))
        elif want.get("label") != got["label"]:
            problems.append(Problem("page_label_changed", f"页码标签由{want.get('label')}变为{got['label']}。", name, i + 1, label))
    return problems


def _compare_scans(name: str, volume: dict[str, Any]) -> list[Problem]:
    """The volume's pages against the scans it lists: every page of every scan is in."""
    scans = volume.get("scans")
    if not scans:
        return []
    try:
        listed = sum(int(scan.get("pages") or 0) for scan in scans)
        count = int(volume.get("page_count") or 0)
    except (TypeError, ValueError, AttributeError):
        return [Problem("manifest_unreadable", "清单中扫描件的页数无法解析。", name)]
    if listed != count or count != len(volume.get("pages") or []):
        return [Problem("scan_pages_differ", f"清单列出的扫描件共{listed}页，而该卷有{count}页。", name,
                        details={"scans": listed, "pages": count})]
    return []


def compare_with_database(manifest: dict[str, Any], expected: dict[tuple[str, int], list[dict[str, Any]]]
                          ) -> list[Problem]:
    """The package's volumes against what the database says was accepted into each
    (``expected[(kind, number)]``: the scans with their page counts, as exported now).

    Names every accepted scan the package lacks or holds with fewer pages, and every
    volume of the case the package lacks."""
    problems = []
    volumes = {(str(v.get("kind")), int(v.get("number") or 0)): v for v in manifest.get("volumes", [])}
    for key, scans in sorted(expected.items()):
        volume = volumes.get(key)
        if volume is None:
            problems.append(Problem("volume_missing", f"数据库中该案件有{key[0]}第{key[1]}卷，包中没有。"))
            continue
        name = str(volume.get("file"))
        have = {(s.get("sha256"), s.get("file")): s for s in volume.get("scans") or []}
        for scan in scans:
            got = have.get((scan["sha256"], scan["file"]))
            if got is None:
                problems.append(Problem("scan_missing", f"已接收的扫描件 {scan['file']}（{scan['pages']}页）不在包中。",
                                        name, details={"sha256": scan["sha256"]}))
            elif int(got.get("pages") or 0) < int(scan["pages"]):
                problems.append(Problem("scan_pages_missing",
                                        f"扫描件 {scan['file']} 已接收{scan['pages']}页，包中只有{got.get('pages')}页。",
                                        name, details={"sha256": scan["sha256"]}))
    return problems


def read_manifest(path: Path | str) -> dict[str, Any] | None:
    """The package's manifest, or None when it cannot be read (``verify_package`` says why)."""
    try:
        with zipfile.ZipFile(path) as zf:
            data: dict[str, Any] = json.loads(zf.read(MANIFEST).decode("utf-8"))
            return data
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, UnicodeDecodeError):
        return None


def verify_package(path: Path | str) -> list[Problem]:
    """Every way the package at ``path`` differs from what its manifest promises; [] if whole."""
    path = Path(path)
    problems: list[Problem] = []
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        return [Problem("corrupt_zip", f"不是完整的 ZIP 压缩包：{e}")]
    with zf:
        try:
            members = _read_members(path, zf, problems)
        except (OSError, ValueError) as e:
            return [Problem("corrupt_zip", f"无法读取压缩包：{e}")]
        if not problems and hashlib.sha256(_rebuilt(zf, members)).digest() != _file_sha256(path):
            problems.append(Problem("zip_structure_changed", "压缩包的目录或结尾记录被改动（文件内容本身未变）。"))
    manifest_bytes = members.get(MANIFEST)
    if manifest_bytes is None:
        problems.append(Problem("missing_file", "缺少清单文件。", MANIFEST))
        return problems
    checksum = members.get(CHECKSUM)
    if checksum is None:
        problems.append(Problem("missing_file", "缺少清单校验文件。", CHECKSUM))
    else:
        recorded = checksum.decode("ascii", "replace").split()
        if checksum != f"{hashlib.sha256(manifest_bytes).hexdigest()}  {MANIFEST}\n".encode():
            changed = MANIFEST if recorded and len(recorded[0]) == 64 and recorded[1:] == [MANIFEST] else CHECKSUM
            problems.append(Problem(
                "manifest_checksum_mismatch", f"{MANIFEST} 的 SHA-256 与 {CHECKSUM} 记录的不符（二者之一被改动）。", changed,
            ))
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
        volumes = list(manifest["volumes"])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as e:
        problems.append(Problem("manifest_unreadable", f"清单无法解析：{e}", MANIFEST))
        return problems
    listed = {MANIFEST, CHECKSUM}
    for volume in volumes:
        name = str(volume.get("file"))
        listed.add(name)
        data = members.get(name)
        if data is None:
            problems.append(Problem("missing_file", "清单列出的文件不在压缩包中。", name))
            continue
        problems.extend(_compare_scans(name, volume))
        if hashlib.sha256(data).hexdigest() == volume.get("sha256"):
            continue
        page_problems = _compare_pages(name, volume, data)
        problems.append(Problem(
            "file_changed",
            "文件的 SHA-256 与清单不符" + ("。" if page_problems else "，但各页内容未变（PDF 结构被改动）。"),
            name, details={"expected": volume.get("sha256"), "found": hashlib.sha256(data).hexdigest()},
        ))
        problems.extend(page_problems)
    for name in sorted(set(members) - listed):
        problems.append(Problem("extra_file", "压缩包中有清单未列出的文件。", name))
    return problems


def verify_main(path: Path | str, out: TextIO | None = None,
                database: Callable[[dict[str, Any]], list[Problem] | None] | None = None) -> int:
    """Print a readable verdict for ``ecase verify``; 0 when the package is whole.

    ``database``, when given, compares the manifest with the database the package was
    made from and returns its problems (None: the case is not in that database, so
    the package is checked alone, and the verdict says so)."""
    out = out or sys.stdout
    problems = verify_package(path)
    manifest = read_manifest(path) if database is not None else None
    if manifest is not None and database is not None:
        found = database(manifest)
        if found is None:
            print("NOTE: the case is not in this database: the package was checked alone", file=out)
        else:
            problems.extend(found)
            print("checked against the database: every accepted scan and page", file=out)
    for problem in problems:
        print(problem.line(), file=out)
    if problems:
        print(f"FAILED: {len(problems)} problem(s) in {path}", file=out)
        return 1
    print(f"OK: {path} is whole and unchanged", file=out)
    return 0
