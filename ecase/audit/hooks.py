"""The central hook: every request of a logged-in user that touches case data is
recorded, by endpoint name and view arguments, unless the view recorded it itself.

Which requests count, and what they are called, is decided by the tables below — a new
area or endpoint is covered by its blueprint name without touching any view.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, request

from ecase.access import Actor

log = logging.getLogger(__name__)

#: blueprints whose reads (GET/HEAD) are reads of case data.
CASE_DATA_BLUEPRINTS = frozenset({"dossiers", "intake", "exports", "search_views",
                                  "ledger_views", "supervision"})

#: endpoints whose reads are not worth an entry of their own (with why).
SKIP_READS = frozenset({
    "intake.api_job",   # progress polling every second; the job page view is recorded
})

#: endpoint -> action, where the generic name ("view", "download", "change") says too little.
ENDPOINT_ACTIONS: dict[str, str] = {
    "dossiers.correct_field": "correct",
    "dossiers.review_correction": "correct",
    "dossiers.resplit": "correct",
    "dossiers.move_pages": "correct",
    "dossiers.recognize": "recognize",
    "intake.api_upload": "import",
    "intake.api_upload_to_volume": "import",
    "ledger_views.entry": "correct",
    "ledger_views.entry_void": "correct",
    "supervision.change_state": "change",
}

#: view arguments naming the target, most specific first.
TARGET_ARGS = ("document_id", "page_id", "position", "volume_id", "version_id", "export_id",
               "job_id", "case_id", "finding_id", "record_id", "ledger_id", "user_id", "token_id")

_DOWNLOAD_WORDS = ("image", "download", "file", "pdf", "export", "package", "thumb", "original")
_SAFE = ("GET", "HEAD", "OPTIONS")


def action_for(endpoint: str, method: str, status: int) -> str:
    if status in (401, 403, 404):
        return "denied"
    if status >= 500:
        return "error"
    if endpoint in ENDPOINT_ACTIONS:
        return ENDPOINT_ACTIONS[endpoint]
    blueprint, _, name = endpoint.partition(".")
    if method in _SAFE:
        if blueprint == "search_views":
            return "search"
        if any(w in name for w in _DOWNLOAD_WORDS):
            return "download"
        return "view"
    if blueprint == "exports":
        return "export"
    if "import" in name:
        return "import"
    return "change"


def target_of(view_args: dict[str, Any]) -> tuple[str, str]:
    for name in TARGET_ARGS:
        if name in view_args:
            if name == "position" and "volume_id" in view_args:
                return "volume", str(view_args["volume_id"])
            return name.removesuffix("_id"), str(view_args[name])
    return "", ""


def _should_record(endpoint: str | None, status: int) -> bool:
    if endpoint is None or endpoint == "static" or g.get("user") is None:
        return False
    if g.get("audit_recorded") and status < 400:
        return False  # the view said it better (a failed request rolled its entry back)
    blueprint = endpoint.partition(".")[0]
    if request.method in _SAFE:
        return blueprint in CASE_DATA_BLUEPRINTS and endpoint not in SKIP_READS
    # accounts and audit record their own successful writes; refusals are recorded here
    return blueprint not in ("accounts", "audit") or status >= 400


def _after(response: Response) -> Response:
    endpoint = request.endpoint
    if not _should_record(endpoint, response.status_code):
        return response
    assert endpoint is not None
    from ecase import db
    from ecase.audit import record

    view_args = dict(request.view_args or {})
    target_type, target_id = target_of(view_args)
    detail: dict[str, Any] = {"endpoint": endpoint, "method": request.method,
                              "status": response.status_code}
    if view_args:
        detail["args"] = view_args
    query = {k: v for k, v in request.args.items() if k != "csrf_token"}
    if query:
        detail["query"] = query
    if g.get("auth_via"):
        detail["via"] = g.auth_via
    actor: Actor = g.actor
    s = db.session()
    try:
        record(actor, action_for(endpoint, request.method, response.status_code),
               target_type, target_id, detail)
        s.commit()
    except Exception:
        s.rollback()
        log.exception("audit entry for %s could not be written", endpoint)
        from ecase.errors import error_response

        return error_response(503, "audit_unavailable", "审计日志暂不可写，请稍后再试")
    return response


def _start() -> None:
    g.audit_recorded = False  # ``g`` may outlive one request (tests share an app context)


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_after)
