"""Log-in and out, and one's own password and API tokens."""

from __future__ import annotations

from typing import Any

from flask import flash, make_response, redirect, render_template, request, url_for

from ecase import auth
from ecase.accounts import operations, tokens
from ecase.auth import current_actor, current_user
from ecase.formatting import local_time
from ecase.models._types import utcnow


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("index")
    return target


@auth.public
def login() -> Any:
    error = None
    status = 200
    retry_after = None
    if request.method == "POST":
        result = operations.log_in(request.form.get("username", ""), request.form.get("password", ""),
                                   request.remote_addr)
        if result.user is not None:
            auth.log_in(result.user)
            return redirect(_safe_next(request.args.get("next")))
        # the same words for a made-up name as for an account (locked, disabled or not)
        if result.retry_at is not None:
            error = (f"登录失败次数过多：此用户名在本机的登录已锁定至 "
                     f"{local_time(result.retry_at, '%H:%M:%S')}，请到时再试。")
            status = 429
            retry_after = max(1, int((result.retry_at - utcnow()).total_seconds()) + 1)
        else:
            error = "用户名或密码错误"
            status = 401
    resp = make_response(render_template("accounts/login.html", error=error), status)
    if retry_after is not None:
        resp.headers["Retry-After"] = str(retry_after)
    return resp


def logout() -> Any:
    user = current_user()
    assert user is not None
    operations.log_out(current_actor(), user)  # every session of the account ends
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
        auth.log_in(user)  # every session ended: this one goes on with the new version
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
