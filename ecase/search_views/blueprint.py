"""URL table of the search area."""

from __future__ import annotations

from flask import Blueprint, Flask

from ecase.search_views import indexing, views

bp = Blueprint("search_views", __name__)

bp.add_url_rule("/search", "search", views.search_page)
bp.add_url_rule("/api/search", "api_search", views.api_search)


def init_app(app: Flask) -> None:
    indexing.init_app(app)
