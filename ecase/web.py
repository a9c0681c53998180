"""Blueprints, template helpers and the pages every area shares.

Each feature area is a subpackage of ``ecase`` with a ``blueprint.py`` exposing ``bp``
(the URL table) and a ``commands.py`` exposing ``COMMANDS``; both are found by
``ecase.areas`` and registered here, so adding an area touches no other file.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, redirect, render_template, url_for

from ecase import areas, auth, params


def init_app(app: Flask) -> None:
    params.init_app(app)  # before any route: ``<int:…>`` stops at the database's largest id
    auth.init_app(app)
    for module in areas.modules("blueprint"):
        bp: Blueprint = module.bp
        app.register_blueprint(bp)
        init = getattr(module, "init_app", None)
        if init is not None:
            init(app)
    for name, command in areas.commands().items():
        app.cli.add_command(command, name)

    @app.get("/")
    def index() -> Any:
        """Home by role: a station's clerk and leader land on their unit's page, the
        brigade (reviewers, admins) on the supervision dashboard."""
        return home()

    @app.get("/favicon.ico")
    @auth.public
    def favicon() -> Any:
        """Browsers ask for it by this name where no page names one (an image opened alone)."""
        return redirect(url_for("static", filename="favicon.svg"), code=301)

    @app.get("/healthz")
    @auth.public
    def healthz() -> Any:
        return {"ok": True}

    app.jinja_env.globals.update(current_user=auth.current_user)
    from ecase import formatting

    formatting.register(app)
    from ecase.errors import scan_text

    app.jinja_env.filters["scan_text"] = scan_text


def home() -> Any:
    import datetime as dt

    from flask import current_app

    from ecase.access import may
    from ecase.auth import current_actor
    from ecase.dossiers import queries

    actor = current_actor()
    if actor.all_units:
        if may(actor, "finding.view") and "supervision.dashboard" in current_app.view_functions:
            return redirect(url_for("supervision.dashboard"))
        return redirect(url_for("dossiers.case_list"))
    today = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).date()
    data = queries.unit_home(actor, today=today)
    from ecase.supervision.bulletins import RULE_NAMES
    from ledgers.rules.config import GRADE_NAMES

    return render_template("home_unit.html", home=data, today=today, rule_names=RULE_NAMES,
                           grade_names=GRADE_NAMES,
                           can_upload=may(actor, "scan.upload", actor.unit_id),
                           can_findings=may(actor, "finding.view"))
