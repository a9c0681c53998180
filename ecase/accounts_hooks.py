"""Hooks that ``ecase.accounts`` fills in (kept apart so auth has no import cycle)."""

from __future__ import annotations

from ecase.models import User


def load_token_user() -> User | None:
    """The user of a personal API token in the request's Authorization header, if any.

    Replaced by ecase.accounts.tokens once personal tokens exist."""
    from flask import current_app

    hook = current_app.extensions.get("ecase.token_loader")
    return hook() if hook else None
