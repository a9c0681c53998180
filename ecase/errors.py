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
        return error_response(e.status, e.code, e.message, e.details)

    @app.errorhandler(ScanError)
    def _scan(e: ScanError) -> Response:
        return error_response(422, "bad_scan", str(e))

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
