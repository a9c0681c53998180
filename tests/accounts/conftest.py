"""Fixtures of the accounts tests: a plain client (no automatic CSRF token) and a
helper that reads the CSRF token out of a rendered form."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient


@pytest.fixture
def raw_client(app: Flask) -> FlaskClient:
    """A client that sends only what the test gives it, like a forged cross-site form."""
    return FlaskClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def form_token() -> Callable[[str], str]:
    def read(html: str) -> str:
        m = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert m, "no csrf_token field in the form"
        return m.group(1)

    return read
