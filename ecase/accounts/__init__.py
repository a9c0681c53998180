"""Accounts: who may log in, how, and for how long.

Parts:
- ``operations``: account writes — creating, disabling, re-roling, passwords (argon2),
  log-in throttled per user name and client address (a growing wait after
  ``LOGIN_MAX_FAILURES`` failures; the same answers for made-up names), ending every
  session of an account (logging out, password change or reset, disabling: the session
  version ``ecase.auth`` checks on each request), :func:`ensure_first_admin`.
- ``tokens``: personal API tokens (``Authorization: Bearer …``); only a hash is stored,
  and a token acts with exactly its owner's rights.
- ``csrf``: the token every unsafe request (POST/PUT/PATCH/DELETE) must carry, checked
  centrally before any view runs; token-authenticated API requests are exempt.
- ``ratelimit``: per-user (or per-IP) request, login and upload limits, in memory or
  Redis.
- ``views`` / ``admin_views`` / ``blueprint``: log-in and out, one's own password and
  tokens, and the admins' account page (``accounts.admin_users``).
- ``commands``: ``ecase users create|list|disable|enable|init-admin``.
- ``testing``: a Flask test client that sends the session's CSRF token like a browser.
"""

from __future__ import annotations

from ecase.accounts.operations import ensure_first_admin

__all__ = ["ensure_first_admin"]
