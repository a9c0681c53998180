"""Log-in and out, and one's own password and API tokens."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for

from ecase import auth
from ecase.accounts import operations, tokens
from ecase.audit import record
from ecase.auth import current_actor, current_user
from ecase.formatting import local_time


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("index")
    return target


@auth.public
def login() -> Any:
    error = None
    if request.method == "POST":
        result = operations.log_in(request.form.get("username", ""), request.form.get("password", ""))
        if result.user is not None:
            auth.log_in(result.user)
            return redirect(_safe_next(request.args.get("next")))
        if result.locked_until is not None:
            error = (f"登录失败次数过多，账户已锁定至 {local_time(result.locked_until, '%H:%M')}"
                     f"（{current_app.config['LOGIN_LOCK_MINUTES']} 分钟），请稍后再试或联系管理员。")
        else:
            error = "用户名或密码错误"
    return render_template("accounts/login.html", error=error), (401 if error else 200)


def logout() -> Any:
    actor = current_actor()
    record(actor, "logout", "user", actor.user_id)
    auth.log_out()
    return redirect(url_for("accounts.login"))


def password() -> Any:
    user = current_user()
    assert user is not None
    if request.method == "POST":
        new = request.form.get("new", "")
        if new != request.form.get("repeat", ""):
            flash("两次输入的新密码不一致", "error")
            return render_template("accounts/password.html"), 422
        operations.change_password(current_actor(), user, request.form.get("old", ""), new)
        auth.log_in(user)  # keep this session, end the others
        flash("密码已修改", "success")
        return redirect(url_for("accounts.password"))
    return render_template("accounts/password.html")


def token_list() -> Any:
    user = current_user()
    assert user is not None
    secret = None
    status = 200
    if request.method == "POST":
        _token, secret = tokens.create_token(current_actor(), user, request.form.get("name", ""))
        status = 201
    return render_template("accounts/tokens.html", tokens=tokens.own_tokens(user),
                           secret=secret), status


def token_revoke(token_id: int) -> Any:
    user = current_user()
    assert user is not None
    tokens.revoke_token(current_actor(), user, token_id)
    flash("令牌已吊销", "success")
    return redirect(url_for("accounts.token_list"))
