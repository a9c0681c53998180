"""What can go wrong while taking in a scan, in words a clerk can act on.

A shallow tree (after OCRmyPDF's ``exceptions.py``): everything is a ``ScanError``;
``InputFileError`` and its children mean "this uploaded file (or one page of it) cannot be
used", name the file and page, and say why in Chinese and English. The web layer shows
``str(error)`` and maps ``error.code`` to a stable error code; it never shows a traceback.

No message shows a path of the server: the parsers' own words often begin with the path
they were given (a blob such as ``…/data/blobs/4b/7e/…: Loop detected``), so every
message goes through :func:`scrub_paths`, which puts the uploaded file's name in their
place.
"""

from __future__ import annotations

import os
import re

#: a Python file object's repr, which names its path (``<_io.BufferedReader name='/…'>``)
_FILE_REPR = re.compile(r"<_io\.\w+ name=(?:'[^']*'|\"[^\"]*\"|\d+)>|<_io\.BytesIO object at 0x[0-9a-fA-F]+>")
#: an absolute path of two parts or more, not inside a word (``刑事/行政`` is no path)
_PATH = re.compile(r"(?<![\w.:/~])(?:~|\.{1,2})?/(?:[^\s/'\"<>()\[\]{},;:]+/)+[^\s/'\"<>()\[\]{},;:]*")


def scrub_paths(text: str, name: str = "…") -> str:
    """``text`` with every path of the server in it (a blob, a temporary file, a program)
    replaced by ``name``, the file's name as the user uploaded it."""
    return _PATH.sub(lambda _m: name, _FILE_REPR.sub(lambda _m: name, text))


class ScanError(Exception):
    """Base of every error raised by ``scanning``."""

    code = "scan_error"

    def __str__(self) -> str:
        return scrub_paths(super().__str__())


class MissingDependencyError(ScanError):
    """An outside program or language pack that ecase needs is not installed."""

    code = "missing_dependency"

    def __init__(self, program: str, detail: str = "") -> None:
        self.program = program
        msg = f"缺少依赖程序 / missing dependency: {program}"
        if detail:
            msg += f" ({detail})"
        super().__init__(msg)


class InputFileError(ScanError):
    """An uploaded file, or one page of it, cannot be read.

    ``file`` is the name shown to the user (the base name, never a server path);
    ``page`` is 1-based when the problem belongs to one page only.
    """

    code = "input_file"
    #: Short Chinese phrase for the kind of problem, shown before the reason.
    zh = "文件无法读取"

    def __init__(self, file: str | os.PathLike[str], reason: str, page: int | None = None) -> None:
        self.file = os.path.basename(os.fspath(file)) or os.fspath(file)
        self.reason = scrub_paths(reason, self.file)
        self.page = page
        super().__init__(self.file, reason, page)

    def __str__(self) -> str:
        where = f"“{self.file}”"
        if self.page is not None:
            where += f" 第{self.page}页 (page {self.page})"
        return f"{where}：{self.zh} / {self.reason}"

    def __reduce__(self):  # keep the subclass and fields across process boundaries
        return (_rebuild, (type(self), self.file, self.reason, self.page))


def _rebuild(cls: type[InputFileError], file: str, reason: str, page: int | None) -> InputFileError:
    return cls(file, reason, page)


class EncryptedPDFError(InputFileError):
    code = "encrypted_pdf"
    zh = "PDF 已加密，请提供未加密的文件"


class EmptyScanError(InputFileError):
    code = "empty_scan"
    zh = "文件为空或不含任何页面"


class UnsupportedFormatError(InputFileError):
    code = "unsupported_format"
    zh = "不支持的文件格式"


class DecompressionBombError(InputFileError):
    code = "decompression_bomb"
    zh = "文件解压后过大，疑似压缩炸弹"


class PageTooLargeError(InputFileError):
    code = "page_too_large"
    zh = "页面尺寸过大"


class DamagedFileError(InputFileError):
    code = "damaged_file"
    zh = "文件已损坏"


class DamagedPageError(DamagedFileError):
    """One page's image data cannot be decoded (the file's other pages may be fine): the
    page is flagged, never kept as the blank or garbled image a decoder made of it."""

    code = "damaged_page"
    zh = "此页图像数据已损坏，无法解码，请重新扫描此页"


class ParserCrashError(InputFileError):
    """The sandboxed parser crashed, ran out of memory or ran out of time on this file."""

    code = "parser_crash"
    zh = "解析文件时出错（已安全终止）"
