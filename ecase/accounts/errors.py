"""What can go wrong with accounts and requests, said for the user."""

from __future__ import annotations

from ecase.errors import ECaseError


class AccountsError(ECaseError):
    code = "accounts"


class CSRFFailed(AccountsError):
    status = 400
    code = "csrf_failed"
    message = "表单已过期或来源不明（CSRF 校验失败）。请刷新页面后重新提交。"


class WeakPassword(AccountsError):
    status = 422
    code = "weak_password"
    message = "密码至少需要 10 个字符"


class LastAdmin(AccountsError):
    status = 409
    code = "last_admin"
    message = "不能停用或降级最后一个管理员账户"
