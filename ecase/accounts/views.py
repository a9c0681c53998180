"""Login and logout."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for

from ecase import auth
from ecase.accounts import operations


@auth.public
def login() -> Any:
    error = None
    if request.method == "POST":
        user = operations.authenticate(request.form.get("username", ""), request.form.get("password", ""))
        if user is not None:
            auth.log_in(user)
            target = request.args.get("next") or url_for("index")
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("index")
            return redirect(target)
        error = "用户名或密码错误"
    return render_template("accounts/login.html", error=error), (401 if error else 200)


def logout() -> Any:
    auth.log_out()
    return redirect(url_for("accounts.login"))
