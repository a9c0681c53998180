"""Streaming readers: a file becomes sheets, a sheet becomes numbered rows.

Nothing is loaded whole: CSV is decoded as it is read (UTF-8, with or without BOM, or
GB18030, decided from the first 64 KiB; a byte sequence the chosen codec cannot decode
turns into U+FFFD and that row is reported, the others still import), XLSX is read with
openpyxl's read-only mode. Row numbers are the spreadsheet's: the header is row 1.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ledgers.errors import InputFileError

REPLACEMENT = "\ufffd"
csv.field_size_limit(10 * 1024 * 1024)


@dataclass
class Sheet:
    """One table of a file: its name (None for CSV), header cells and a row iterator.

    ``rows`` yields ``(row_no, cells)``; ``fraction()`` says how far reading has got
    (0..1, None when unknown)."""

    name: str | None
    header: list[Any]
    rows: Iterator[tuple[int, list[Any]]]
    fraction: Callable[[], float | None]
    encoding: str | None = None
    closer: Callable[[], None] | None = None

    def close(self) -> None:
        if self.closer is not None:
            self.closer()


def detect_encoding(head: bytes) -> str:
    """``utf-8-sig`` or ``gb18030`` for the first bytes of a CSV file."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputFileError("文件是 UTF-16 编码，请另存为 UTF-8 或 GB18030 的 CSV")
    if b"\x00" in head[:4096]:
        raise InputFileError("文件不是文本格式的 CSV（含有空字节），请导出为 CSV 或 XLSX")
    if len(head) >= 65536:
        head = head[:-4]  # the chunk may end inside a character
    bad = {codec: head.decode(codec, errors="replace").count(REPLACEMENT) for codec in ("utf-8", "gb18030")}
    if bad["utf-8"] == 0:
        return "utf-8-sig"
    codec = min(bad, key=lambda c: bad[c])
    if bad[codec] > max(3, len(head) // 200):
        raise InputFileError("无法识别文件编码：既不是 UTF-8 也不是 GB18030")
    # a few undecodable bytes: those rows are reported, the rest imports
    return "utf-8-sig" if codec == "utf-8" else codec


def read_csv(path: Path) -> list[Sheet]:
    raw = open(path, "rb")
    try:
        head = raw.read(65536)
        if not head.strip():
            raise InputFileError("文件为空")
        encoding = detect_encoding(head)
        raw.seek(0)
        size = os.fstat(raw.fileno()).st_size or 1
        stream = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
    except BaseException:
        raw.close()
        raise
    try:
        reader = csv.reader(stream)
        header: list[Any] = []
        for header in reader:
            break
        if not any(c.strip() for c in header):
            raise InputFileError("文件为空（第 1 行没有表头）")
    except BaseException:
        stream.close()
        raise

    def rows() -> Iterator[tuple[int, list[Any]]]:
        n = 1
        try:
            for cells in reader:
                n += 1
                yield n, cells
        except csv.Error as e:
            raise InputFileError(f"第 {n + 1} 行起 CSV 格式错误：{e}") from e

    def fraction() -> float | None:
        return 1.0 if raw.closed else min(1.0, raw.tell() / size)

    return [Sheet(None, header, rows(), fraction, encoding.replace("-sig", ""), closer=stream.close)]


def read_xlsx(path: Path) -> list[Sheet]:
    """Every sheet with a header row, in workbook order. The workbook stays open until
    ``close_all`` (rows are read lazily)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise InputFileError(f"不是有效的 XLSX 文件：{e}") from e
    sheets: list[Sheet] = []
    for ws in wb.worksheets:
        it = ws.iter_rows(values_only=True)
        header: list[Any] | None = None
        for first in it:
            header = list(first)
            break
        if header is None or not any(c is not None and str(c).strip() for c in header):
            continue
        total = ws.max_row if isinstance(ws.max_row, int) and ws.max_row > 1 else None
        counter = {"n": 1}

        def rows(it: Iterator[Any] = it, counter: dict[str, int] = counter
                 ) -> Iterator[tuple[int, list[Any]]]:
            for cells in it:
                counter["n"] += 1
                yield counter["n"], list(cells)

        def fraction(counter: dict[str, int] = counter, total: int | None = total) -> float | None:
            return None if not total else min(1.0, counter["n"] / total)

        sheets.append(Sheet(ws.title, header, rows(), fraction, closer=wb.close))
    if not sheets:
        wb.close()
        raise InputFileError("文件为空（没有任何带表头的工作表）")
    return sheets


def read_table(path: Path) -> list[Sheet]:
    """The sheets of ``path`` by content: an XLSX (a ZIP) or else CSV text. Rows are
    read lazily; call :func:`close_all` when done."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            magic = f.read(4)
    except OSError as e:
        raise InputFileError(f"无法读取文件：{e}") from e
    if not magic:
        raise InputFileError("文件为空")
    if magic.startswith(b"PK"):
        return read_xlsx(path)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputFileError("这是旧版 Excel（.xls）文件，请另存为 .xlsx 或 .csv")
    return read_csv(path)


def is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=") and len(value) > 1


def close_all(sheets: list[Sheet]) -> None:
    for sheet in sheets:
        sheet.close()
