"""A test client that behaves like a browser that rendered the form: on an unsafe
request without a CSRF token it sends the session's token (making one if needed) in
the ``X-CSRFToken`` header. Tests of CSRF itself use a plain ``FlaskClient``.

Installed as ``app.test_client_class`` only when ``TESTING`` is set."""

from __future__ import annotations

import secrets
from typing import Any

from flask.testing import FlaskClient
from werkzeug.datastructures import Headers

from ecase.accounts.csrf import HEADER, SESSION_KEY, UNSAFE


class CSRFTestClient(FlaskClient):
    def open(self, *args: Any, **kwargs: Any) -> Any:
        method = str(kwargs.get("method", "GET")).upper()
        if method in UNSAFE and self._cookies is not None and not args[1:]:
            headers = Headers(kwargs.get("headers") or {})
            if HEADER not in headers and "Authorization" not in headers:
                with self.session_transaction() as sess:
                    token = sess.get(SESSION_KEY) or secrets.token_urlsafe(32)
                    sess[SESSION_KEY] = token
                headers[HEADER] = token
                kwargs["headers"] = headers
        return super().open(*args, **kwargs)


def stamp_session(sess: Any, user: Any) -> None:
    """Make ``sess`` (from ``client.session_transaction()``) the session of ``user`` just
    logged in, as :func:`ecase.auth.log_in` would."""
    from ecase.auth import session_values

    sess.clear()
    sess.update(session_values(user))
