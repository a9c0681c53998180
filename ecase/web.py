"""Blueprints, template helpers and the pages every area shares.

Each feature area is a subpackage of ``ecase`` with a ``blueprint.py`` exposing ``bp``
(the URL table); it is found and registered here, so adding an area touches no other file.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, redirect, url_for

import ecase
from ecase import auth, params


def init_app(app: Flask) -> None:
    params.init_app(app)  # before any route: ``<int:…>`` stops at the database's largest id
    auth.init_app(app)
    for info in sorted(pkgutil.iter_modules([str(Path(ecase.__file__).parent)]), key=lambda i: i.name):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"ecase.{info.name}.blueprint")
        except ModuleNotFoundError as e:
            if e.name == f"ecase.{info.name}.blueprint":
                continue
            raise
        bp: Blueprint = module.bp
        app.register_blueprint(bp)
        init = getattr(module, "init_app", None)
        if init is not None:
            init(app)

    @app.get("/")
    def index() -> Any:
        return redirect(url_for("dossiers.case_list"))

    @app.get("/healthz")
    @auth.public
    def healthz() -> Any:
        return {"ok": True}

    app.jinja_env.globals.update(current_user=auth.current_user)
    from ecase import formatting

    formatting.register(app)
