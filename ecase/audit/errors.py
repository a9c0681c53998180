"""What can go wrong with the audit trail, said for the user."""

from __future__ import annotations

from ecase.errors import ECaseError


class AuditError(ECaseError):
    status = 500
    code = "audit"
    message = "审计日志写入失败"


class AuditKeyError(AuditError):
    code = "audit_key"
    message = "审计密钥文件不可用"


class AnchorError(AuditError):
    status = 422
    code = "audit_anchor"
    message = "审计锚点格式有误"


class BrokenChain(AuditError):
    code = "audit_broken"
    message = "审计日志的哈希链已损坏"
