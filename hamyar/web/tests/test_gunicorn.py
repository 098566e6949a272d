"""`make run` serves through gunicorn (gunicorn.conf.py): the real server starts, answers the sign-in page
and a static file (WhiteNoise), with the workers asked for."""

import multiprocessing
import os
import runpy
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

CONFIG = Path(settings.BASE_DIR) / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(tmp_path: Path) -> str:
    """The test database for the server: on SQLite a file copy of the in-memory one (its tables), on
    PostgreSQL the test database itself."""
    if connection.vendor == "sqlite":
        target = tmp_path / "served.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{target}"
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{host}:{port}/{db['NAME']}"


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def test_workers_are_twice_the_cores_and_one_unless_set(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert runpy.run_path(str(CONFIG))["workers"] == 2 * multiprocessing.cpu_count() + 1
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert runpy.run_path(str(CONFIG))["workers"] == 3


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_the_sign_in_page_and_static_files(tmp_path):
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hamyar.settings.test",
           "DATABASE_URL": database_url(tmp_path), "WEB_CONCURRENCY": "2"}
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"],
                                 cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = get(f"{base}/accounts/login/")
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        assert status == 200 and headers["Server"] == "gunicorn"
        assert 'id="login-form"' in body.decode()
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        status, headers, body = get(f"{base}/static/web/hamyar.css")
        assert status == 200 and headers["Content-Type"].startswith("text/css") and b".app-header" in body
        assert log.read_text().count("Booting worker") == 2
    finally:
        server.terminate()
        server.wait(timeout=20)
