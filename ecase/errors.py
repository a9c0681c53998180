"""The web service's errors: each says what went wrong for the user, with a stable code.

One handler (``register``) turns them, and the errors of the other packages, into an HTML
page or a JSON body ``{"error": {"code": ..., "message": ...}}``.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request

log = logging.getLogger(__name__)


class ECaseError(Exception):
    status = 400
    code = "bad_request"
    message = "请求有误"

    def __init__(self, message: str | None = None, **details: Any) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details


class NotFound(ECaseError):
    status = 404
    code = "not_found"
    message = "未找到该对象，或您无权查看"


class Forbidden(ECaseError):
    status = 403
    code = "forbidden"
    message = "您无权执行此操作"


class Unauthorized(ECaseError):
    status = 401
    code = "login_required"
    message = "请先登录"


class InvalidInput(ECaseError):
    status = 422
    code = "invalid_input"
    message = "输入有误"


class Conflict(ECaseError):
    status = 409
    code = "conflict"
    message = "操作与当前状态冲突"


class TooLarge(ECaseError):
    status = 413
    code = "too_large"
    message = "上传的文件过大"


class RateLimited(ECaseError):
    status = 429
    code = "rate_limited"
    message = "请求过于频繁，请稍后再试"


#: The reasons ``scanning`` gives (in English, for logs and the CLI) as the user reads them.
SCAN_REASONS: tuple[tuple[str, str], ...] = (
    (r"the content is text, not a PDF, TIFF, JPEG, PNG or ZIP(?: although it is named (\S+))?",
     "内容是文字，不是 PDF、TIFF、JPEG、PNG 或 ZIP 文件"),
    (r"the content is unknown binary data, not a PDF, TIFF, JPEG, PNG or ZIP(?: although it is named (\S+))?",
     "内容无法识别，不是 PDF、TIFF、JPEG、PNG 或 ZIP 文件"),
    (r"the file is empty \(0 bytes\)", "文件是空的（0 字节）"),
    (r"the ZIP archive holds no page images", "ZIP 压缩包中没有页面图像"),
    (r"the folder holds no (?:page images|files)", "文件夹中没有页面图像"),
    (r"the PDF has no pages", "PDF 中没有页面"),
    (r"the PDF is password protected.*", "PDF 设有密码，请上传无密码的文件"),
    (r"the PDF is damaged beyond repair.*", "PDF 已损坏，无法修复"),
    (r"the PDF cannot be opened.*", "PDF 无法打开"),
    (r"the PDF's page tree is broken.*", "PDF 的页面结构已损坏"),
    (r"the ZIP archive is damaged.*", "ZIP 压缩包已损坏"),
    (r"the ZIP holds (\d+) entries \(limit (\d+)\)", "ZIP 压缩包中的文件过多"),
    (r"entry .* inflates past its declared size", "ZIP 压缩包中的文件解压后超过声明的大小"),
    (r"entry .* is not an image", "ZIP 压缩包中有文件不是图像"),
    (r"the image is damaged or cut short.*", "图像已损坏或不完整"),
    (r"the image cannot be read.*", "图像无法读取"),
    (r"the image is too large to decode safely.*", "图像过大，无法安全解码"),
    (r"this page cannot be (?:read|decoded).*", "此页无法读取"),
    (r"the page (?:has no area|has no usable size|size is unreadable).*", "页面尺寸无效"),
    (r"the page is too large to render|the page is \d+x\d+ cm", "页面过大"),
    (r"the page cannot be rendered.*|the page rendered to nothing", "页面无法渲染"),
    (r"the file cannot be opened.*", "文件无法打开"),
    (r"unsupported content type.*", "不支持的文件类型"),
    (r"reading the file took longer than.*", "读取文件超时"),
)


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def scan_message(e: Exception) -> str:
    """A scan's refusal in Chinese: “卷宗.pdf”：不支持的文件格式，内容是文字，不是 PDF…"""
    import re

    file = getattr(e, "file", None)
    reason = getattr(e, "reason", None)
    zh = getattr(e, "zh", None) or "扫描件无法处理"
    if file is None or reason is None:
        text = str(e)
        return text if has_chinese(text) else zh
    words = next((w for pattern, w in SCAN_REASONS if re.fullmatch(pattern, reason.strip())), None)
    where = f"“{file}”"
    page = getattr(e, "page", None)
    if page is not None:
        where += f" 第{page}页"
    if words is None:
        words = reason if has_chinese(reason) else ""
    return f"{where}：{zh}" + (f"，{words}" if words else "")


def scan_text(text: str | None) -> str | None:
    """A stored refusal (``str(InputFileError)``: “f”：中文 / English reason) in Chinese only."""
    import re

    if not text or " / " not in text:
        return text
    head, _, reason = text.rpartition(" / ")
    head = re.sub(r" \(page \d+\)", "", head)
    words = next((w for pattern, w in SCAN_REASONS if re.fullmatch(pattern, reason.strip())), None)
    if words is None:
        words = reason if has_chinese(reason) else ""
    return head + (f"，{words}" if words else "")


#: Errors of the other packages: class -> (status, code, Chinese message when the package's
#: own words are not Chinese). Looked up along the class's MRO, most specific first.
PACKAGE_ERRORS: dict[str, tuple[int, str, str]] = {
    "search.errors.QuerySyntaxError": (422, "search_syntax", "检索式有误：请检查引号、括号和日期范围"),
    "search.errors.IndexLockedError": (503, "search_busy", "检索索引正在更新，请稍后再试"),
    "search.errors.RebuildNeededError": (503, "search_rebuild", "检索索引需要重建，请联系管理员"),
    "search.errors.IndexCorruptError": (503, "search_index", "检索索引无法读取，请联系管理员"),
    "search.errors.SearchError": (422, "search", "检索失败，请修改检索词后再试"),
    "ledgers.errors.InputFileError": (422, "ledger_file", "台账文件无法读取：请上传 .xlsx 或 .csv 文件"),
    "ledgers.errors.ConfigError": (422, "ledger_config", "台账配置有误，请联系管理员"),
    "ledgers.errors.CellError": (422, "ledger_cell", "台账中有无法识别的单元格"),
    "ledgers.errors.LedgerError": (422, "ledger", "台账处理失败"),
    "ledgers.rates.PeriodError": (422, "bad_period", "期间格式有误：请写作 2018、2018-01 或 2018-01-01..2018-01-31"),
    "ledgers.rules.config.ConfigError": (422, "rules_config", "执法监督规则配置有误，请联系管理员"),
    "ecase.exports.model.PackageFormatError": (422, "package_format", "移送包格式有误"),
    "ecase.exports.model.ExportError": (422, "export", "导出失败"),
}


def package_error(e: Exception) -> tuple[int, str, str]:
    """Status, code and Chinese message of another package's error (``PACKAGE_ERRORS``)."""
    for cls in type(e).__mro__:
        known = PACKAGE_ERRORS.get(f"{cls.__module__}.{cls.__qualname__}")
        if known is not None:
            status, code, default = known
            text = str(e).strip()
            return status, code, (text if text and has_chinese(text) else default)
    return 500, "error", "出错了"


#: the names of URL and form parameters as a user reads them (``ecase.params`` names the
#: parameter in its messages: "version 应为整数：abc")
PARAM_NAMES = {
    "page": "页码", "version": "版本", "unit_id": "单位", "unit": "单位", "case_id": "案件",
    "finding_id": "问题", "offset": "起始位置", "limit": "条数", "volume_no": "卷号", "number": "卷号",
    "insert_at": "插入位置", "officer": "民警", "officer_id": "民警", "person_id": "人员",
    "position": "页码", "target_id": "对象", "order": "页面顺序", "first": "起始页", "last": "结束页",
    "hit": "命中", "job_id": "任务", "user_id": "用户",
}


def user_message(message: str) -> str:
    """``message`` with a parameter's code name put in words (``version 应为整数：abc`` ->
    ``版本应为整数：abc``)."""
    import re

    m = re.match(r"^([a-z_]+)\s*(应为|必须|不能|须为)", message)
    if m and m.group(1) in PARAM_NAMES:
        return PARAM_NAMES[m.group(1)] + message[m.end(1):].lstrip()
    return message


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> Response:
    if wants_json():
        body: dict[str, Any] = {"code": code, "message": message}
        if details:
            body["details"] = details
        resp = jsonify({"error": body})
    else:
        resp = Response(render_template("error.html", status=status, code=code, message=message))
    resp.status_code = status
    return resp


def register(app: Flask) -> None:
    from sqlalchemy.exc import DataError
    from werkzeug.exceptions import HTTPException

    from scanning.errors import ScanError, scrub_paths
    from storage import StorageError

    @app.errorhandler(ECaseError)
    def _ecase(e: ECaseError) -> Response:
        return error_response(e.status, e.code, user_message(e.message), e.details)

    @app.errorhandler(ScanError)
    def _scan(e: ScanError) -> Response:
        return error_response(422, getattr(e, "code", None) or "bad_scan", scrub_paths(scan_message(e)))

    from ecase.exports.model import ExportError
    from ledgers.errors import LedgerError
    from ledgers.rates import PeriodError
    from ledgers.rules.config import ConfigError as RulesConfigError
    from search.errors import SearchError

    def _package(e: Exception) -> Response:
        status, code, message = package_error(e)
        log.info("%s in %s %s: %s", type(e).__name__, request.method, request.path, e)
        return error_response(status, code, scrub_paths(message))

    for cls in (SearchError, LedgerError, ExportError, PeriodError, RulesConfigError):
        app.register_error_handler(cls, _package)

    @app.errorhandler(StorageError)
    def _storage(e: StorageError) -> Response:
        log.warning("storage error: %s", e)
        return error_response(422, "storage", scrub_paths(str(e)))

    @app.errorhandler(OverflowError)
    def _overflow(e: OverflowError) -> Response:
        # a number no database column holds (ecase.params keeps them out of routes and
        # parameters; this is the net under any parameter read some other way)
        log.warning("number out of range in %s %s: %s", request.method, request.path, e)
        return error_response(404, NotFound.code, NotFound.message)

    @app.errorhandler(DataError)
    def _data(e: DataError) -> Response:
        # the database refused a value (out of range, too long); the request rolled back
        log.warning("database refused a value in %s %s: %s", request.method, request.path,
                    type(e.orig).__name__)
        return error_response(422, InvalidInput.code, "输入的数值或文字超出允许范围")

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException) -> Response:
        messages = {404: "页面不存在", 405: "不支持该请求方法", 413: "上传的文件过大",
                    400: "请求有误", 429: "请求过于频繁，请稍后再试"}
        code = e.code or 500
        return error_response(code, (e.name or "error").lower().replace(" ", "_"),
                              messages.get(code, e.description or "出错了"))
