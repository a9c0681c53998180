"""Reads of the audit trail for the browse page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from ecase import db
from ecase.access import Actor, require
from ecase.models import AuditEntry


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    ip: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def _filtered(f: AuditFilter) -> Select[tuple[AuditEntry]]:
    q = select(AuditEntry)
    if f.username:
        q = q.where(AuditEntry.username == f.username)
    if f.action:
        q = q.where(AuditEntry.action == f.action)
    if f.target_type:
        q = q.where(AuditEntry.target_type == f.target_type)
    if f.target_id:
        q = q.where(AuditEntry.target_id == f.target_id)
    if f.ip:
        q = q.where(AuditEntry.ip == f.ip)
    if f.since:
        q = q.where(AuditEntry.at >= f.since)
    if f.until:
        q = q.where(AuditEntry.at < f.until)
    return q


def entries(actor: Actor, f: AuditFilter, *, page: int = 1,
            per_page: int = 100) -> tuple[list[AuditEntry], int]:
    require(actor, "audit.view")
    s = db.session()
    q = _filtered(f)
    total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = list(s.scalars(q.order_by(AuditEntry.seq.desc()).limit(per_page)
                          .offset((page - 1) * per_page)))
    return rows, total


def iter_entries(actor: Actor, f: AuditFilter) -> Iterator[AuditEntry]:
    """Every entry ``f`` selects, newest first, streamed (for the list's .xlsx). The right
    is checked at the call, not when the rows are first read (inside the workbook writer)."""
    require(actor, "audit.view")
    q = _filtered(f).order_by(AuditEntry.seq.desc()).execution_options(yield_per=1000)
    return iter(db.session().scalars(q))


def actions() -> list[str]:
    return list(db.session().scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


# --- the log as a reviewer reads it -------------------------------------------------------
# Entries keep the English codes (they are hashed into the chain and read by scripts);
# only the page words them.

ACTION_NAMES: dict[str, str] = {
    "view": "查看", "download": "下载", "search": "检索", "correct": "更正", "recognize": "重新识别",
    "import": "导入", "export": "导出", "change": "修改", "denied": "被拒绝", "error": "出错",
    "upload": "上传", "login": "登录", "logout": "退出登录", "login.failed": "登录失败",
    "login.refused": "登录被拒绝", "login.locked": "登录暂停", "account.create": "新建账户",
    "account.change": "修改账户", "account.disable": "停用账户", "account.enable": "启用账户",
    "account.password": "修改密码", "account.reset_password": "重置密码", "token.create": "创建令牌",
    "token.revoke": "吊销令牌", "audit.anchor": "审计锚定", "audit.rotate_key": "更换审计密钥",
    "correction.propose": "提交更正待审核", "correction.accept": "采纳更正", "correction.reject": "驳回更正",
}
TARGET_NAMES: dict[str, str] = {
    "case": "案件", "volume": "卷", "document": "文书", "page": "页面", "version": "卷版本",
    "export": "导出包", "job": "上传任务", "finding": "问题", "record": "台账记录", "ledger": "台账",
    "user": "账户", "token": "令牌", "audit": "审计日志", "scan": "扫描件", "rec": "执法建议书",
    "bulletin": "通报", "decision": "补录台账", "run": "导入批次",
}
AREA_NAMES: dict[str, str] = {
    "dossiers": "卷宗", "intake": "上传", "exports": "导出", "search_views": "检索", "ledger_views": "台账",
    "supervision": "执法监督", "accounts": "账户", "audit": "审计日志",
}
DETAIL_NAMES: dict[str, str] = {
    "case_no": "案件编号", "file": "文件", "files": "文件数", "filter": "筛选条件", "first_admin": "首个管理员",
    "first_seq": "起始序号", "include_secondary": "含副卷", "key_id": "密钥", "limit": "上限", "name": "名称",
    "pages": "页数", "previous": "原值", "role": "角色", "size": "大小", "unit_id": "单位", "username": "用户名",
    "tokens_revoked": "吊销令牌数",
    "volume": "卷", "volumes": "卷数", "why": "原因", "error": "错误", "action": "操作", "query": "查询条件",
    "q": "关键词", "page": "页码", "user": "用户", "target_type": "对象类型", "target_id": "对象编号",
    "since": "起", "until": "止", "sha256": "校验值", "code": "台账", "fmt": "格式", "ip": "网络地址",
    "box": "标注框", "case": "案件", "no": "编号", "incident": "警情", "as_of": "计算日期", "from": "起",
    "to": "止", "officer": "民警", "job": "任务", "period": "期间", "kind": "类型", "state": "状态",
    "unit": "单位", "rule": "问题类型", "grade": "预警", "sort": "排序", "dir": "顺序", "offset": "起始",
    "field": "字段", "value": "值", "correction": "更正编号", "reason": "理由",
}
WHY_NAMES = {"throttled": "尝试过于频繁", "password": "密码错误", "disabled": "账户已停用",
             "unknown": "用户不存在"}
STATUS_NAMES = {401: "未登录", 403: "无权限", 404: "对象不存在", 409: "冲突", 413: "文件过大",
                422: "输入有误", 429: "过于频繁", 503: "暂不可用"}
TRUTH = {True: "是", False: "否"}


def action_name(code: str) -> str:
    return ACTION_NAMES.get(code, code)


def target_name(target_type: str, target_id: str) -> str:
    if not target_type:
        return ""
    name = TARGET_NAMES.get(target_type, target_type)
    return f"{name} {target_id}" if target_id else name


#: endpoints whose page is worth naming in the log (the others are named by their module)
PAGE_NAMES: dict[str, str] = {
    "supervision.dashboard": "执法监督首页", "supervision.findings": "问题清单", "supervision.findings_xlsx":
    "问题清单 Excel", "supervision.finding": "问题详情", "supervision.scores": "得分汇总",
    "supervision.bulletins": "通报", "supervision.bulletin_file": "通报文件", "supervision.recommendations":
    "执法建议书", "supervision.recommendation": "执法建议书", "supervision.api_findings": "问题清单（接口）",
    "ledger_views.index": "台账目录", "ledger_views.ledger": "台账", "ledger_views.export": "台账 Excel",
    "ledger_views.entry": "补录台账条目", "ledger_views.import_page": "导入台账",
    "dossiers.case_list": "案件列表", "dossiers.case_detail": "案件详情", "dossiers.volume_page": "卷宗页面",
    "search_views.search": "全文检索", "exports.export_case": "导出",
}


def _volume(v: str) -> str:
    from ecase.formatting import VALUE_LABELS

    kind, _, number = v.rpartition("-")
    name = VALUE_LABELS["volume_kind"].get(kind)
    return f"{name}第{number}卷" if name and number.isdigit() else v


def _column_names() -> dict[str, str]:
    """Sort keys of the lists (findings, ledgers) -> their Chinese column names."""
    from ecase.ledger_views.catalog import CATALOG
    from ecase.supervision.queries import FINDING_SORTS

    names = {k: f.label for rec in CATALOG.values() for k, f in rec.fields.items()}
    names.update(FINDING_SORTS)
    return names


def _value(key: str, v: Any) -> str:
    if key == "dir" and v in ("asc", "desc"):
        return "升序" if v == "asc" else "降序"
    if key == "sort" and isinstance(v, str):
        return _column_names().get(v, "所选列")
    if key == "target_type" and isinstance(v, str):
        return TARGET_NAMES.get(v, v)
    if key == "field" and isinstance(v, str):
        from ecase.formatting import field_label

        return field_label(v)
    if key == "volume" and isinstance(v, str):
        return _volume(v)
    if key == "code" and isinstance(v, str):
        from ecase.ledger_views.queries import ledgers

        led = ledgers().get(v)
        return led.title if led else v
    if isinstance(v, bool):
        return TRUTH[v]
    if key == "why" and isinstance(v, str):
        return WHY_NAMES.get(v, v)
    if key == "role" and isinstance(v, str):
        from ecase.models import ROLES

        return ROLES.get(v, v)
    if key == "action" and isinstance(v, str):
        return action_name(v)
    if isinstance(v, dict):
        return "，".join(f"{DETAIL_NAMES.get(k, k)}：{_value(k, x)}" for k, x in v.items())
    if isinstance(v, list):
        return "、".join(_value(key, x) for x in v)
    return "" if v is None else str(v)


def detail_text(detail: dict[str, Any] | None) -> str:
    """An entry's detail in Chinese: the request the hook saw (area, result, query) or what
    the view recorded, each key named."""
    if not detail:
        return ""
    parts: list[str] = []
    d = dict(detail)
    endpoint = d.pop("endpoint", None)
    d.pop("args", None)  # already the entry's target (a ledger's code is named below)
    d.pop("method", None)
    if isinstance(endpoint, str):
        page = PAGE_NAMES.get(endpoint)
        parts.append(f"页面：{page}" if page else "模块：" + AREA_NAMES.get(endpoint.partition(".")[0], "其他"))
    args = detail.get("args")
    if isinstance(args, dict) and isinstance(args.get("code"), str):
        parts.append("台账：" + _value("code", args["code"]))
    status = d.pop("status", None)
    if isinstance(status, int):
        parts.append("结果：" + ("成功" if status < 400 else STATUS_NAMES.get(status, "失败")))
    via = d.pop("via", None)
    if via:
        parts.append("途径：" + ("API 令牌" if via == "token" else "浏览器"))
    for k, v in d.items():
        if v in (None, "", [], {}):
            continue
        parts.append(f"{DETAIL_NAMES.get(k, k)}：{_value(k, v)}")
    return "；".join(parts)


TARGET_TYPES = ("case", "volume", "document", "page", "export", "job", "finding", "record", "user", "token",
                "audit")
