"""``ecase serve``: the web application on gunicorn, the production server.

gunicorn's master process binds the address and keeps ``workers`` processes running; each
builds its own app with :func:`ecase.create_app` after the fork (no database connection,
index handle or broker connection is shared between processes) and serves ``threads``
requests at once (the ``gthread`` worker: a long upload or download holds a thread, not a
whole process, and does not stop the process from answering gunicorn's heartbeat).

Any other gunicorn setting can be given in ``GUNICORN_CMD_ARGS`` (as gunicorn's own
command reads it); the options of ``ecase serve`` come last and win.
"""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

#: Settings gunicorn gets unless GUNICORN_CMD_ARGS or the command line says otherwise.
DEFAULTS: dict[str, Any] = {
    "worker_class": "gthread",
    "proc_name": "ecase-web",
    # a process that has not answered for this long is replaced (requests run in threads,
    # so a slow upload does not count)
    "timeout": 60,
    # on stop or restart, requests in flight get this long to finish (a large upload)
    "graceful_timeout": 120,
    "accesslog": "-",  # to standard output: the journal under systemd
    "errorlog": "-",
    # gunicorn 24+ opens a control socket in ~/.gunicorn, one path for every instance
    # (two `ecase serve` on one machine would fight over it); GUNICORN_CMD_ARGS can name one
    "control_socket_disable": True,
}


class Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__(usage="ecase serve", prog="ecase serve")

    def load_config(self) -> None:
        for key, value in DEFAULTS.items():
            if key in self.cfg.settings:  # an older gunicorn may lack one
                self.cfg.set(key, value)
        env_args = self.cfg.get_cmd_args_from_env()
        if env_args:
            parsed = self.cfg.parser().parse_args(env_args)
            for key, value in vars(parsed).items():
                if value is not None and key != "args":
                    self.cfg.set(key.lower(), value)
            if getattr(parsed, "control_socket", None):  # asked for by name: keep it
                self.cfg.set("control_socket_disable", False)
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from ecase import create_app

        return create_app()


def shared_settings_problems(values: dict[str, Any]) -> list[str]:
    """What stops ``ecase serve`` on a database other machines can share (anything but
    SQLite): a secret key made per machine (``DATA_DIR/secret_key``) would sign cookies
    the other machines refuse, so a login would hold on one machine only."""
    if str(values["DATABASE_URL"]).startswith("sqlite"):
        return []  # the embedded defaults: one machine
    problems = []
    if not values["SECRET_KEY"]:
        problems.append(
            "ECASE_SECRET_KEY is not set: with a shared database (ECASE_DATABASE_URL) every web machine "
            "must sign cookies with the same key, not one made per machine in DATA_DIR/secret_key. "
            "Make one (python3 -c 'import secrets; print(secrets.token_hex(32))') and put the same "
            "value into /etc/ecase/ecase.env on every machine (docs/deploy.md).")
    return problems


def shared_settings_warnings(values: dict[str, Any], workers: int) -> list[str]:
    """What ``ecase serve`` starts with but should not, said once on its standard error."""
    from ecase.accounts.ratelimit import storage_url

    if storage_url(values) == "memory://" and workers > 1:
        return [f"rate limits are counted in each process's memory: each of the {workers} processes "
                "(and each machine) allows the full ECASE_RATE_LIMIT*; set ECASE_RATE_LIMIT_STORAGE "
                "or ECASE_BROKER_URL to a redis:// URL to count them together (docs/deploy.md)"]
    return []


def serve(*, binds: list[str], workers: int, threads: int) -> None:
    """Run gunicorn until it is stopped (SIGTERM or SIGINT: graceful; SIGHUP: new processes)."""
    Server({"bind": binds, "workers": workers, "threads": threads}).run()
