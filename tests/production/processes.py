"""Real processes for the production tests: an SMTP server (aiosmtpd) that can
be stopped and started again, and portal processes (worker, gunicorn) that use
the test database."""

import mailbox
import os
import signal
import socket
import subprocess
import sys
import time
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import quote

from django.db import connection

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout: float = 60, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_database_url() -> str:
    """DATABASE_URL of the database this test runs in (the test database)."""
    params = connection.settings_dict
    host = quote(params["HOST"] or "127.0.0.1", safe="")
    port = f":{params['PORT']}" if params.get("PORT") else ""
    user = quote(params["USER"] or "", safe="")
    return f"postgres://{user}@{host}{port}/{params['NAME']}"


def portal_env(**extra) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.development",
        DATABASE_URL=test_database_url(),
        PYTHONUNBUFFERED="1",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    env.update(extra)
    return env


class SmtpServer:
    """aiosmtpd in a process of its own, delivering into a Maildir."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.maildir = directory / "maildir"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{self.port}",
                "-c",
                "aiosmtpd.handlers.Mailbox",
                str(self.maildir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: port_open(self.port), what="the SMTP server")

    def stop(self):
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
            self.process = None

    def received(self) -> list:
        """Every message the server accepted: (recipient, subject)."""
        if not self.maildir.exists():
            return []
        return sorted(
            (message["To"], str(make_header(decode_header(message["Subject"]))))
            for message in mailbox.Maildir(self.maildir)
        )
