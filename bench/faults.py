"""PostgreSQL restarted in the middle of a load run: what the clients saw, and what the database kept.

    .venv/bin/python bench/faults.py                 # 60 s of load, the restart at 20 s
    .venv/bin/python bench/faults.py --seconds 30 --clients 8

On a PostgreSQL cluster of its own (15/hfault on port 5434, created with trust auth the first time; the
main cluster on 5432 is never touched): a fresh database with the demo loaded, gunicorn serving it
(the base settings with DEBUG off), and `--clients` threads calling the API with the commerce
officer's token — reading the needs list and writing a need each turn, each write with its own
Idempotency-Key. A third of the way in the cluster is restarted (`pg_ctlcluster … restart -m fast`).

Printed: the answers by status before, during and after the restart (every failure must be a 503 with
Retry-After, never a 500), how long until the first successful answer after the restart, and the
checks of the database afterwards: every write that was answered 201 is there (no committed write lost),
every need has its audit event and no audit event lacks its need (no half-written change), and
`audit_verify` finds the chain intact. The cluster is stopped at the end (kept for the next run). A
benchmark, not a test: it needs root for pg_ctlcluster.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION = "15"
CLUSTER, PORT = "hfault", 5434
DATABASE = "hamyar_fault"
URL = f"postgres://postgres@127.0.0.1:{PORT}/{DATABASE}"
WEB_PORT = 8111


def run(*args: str, env: dict | None = None, check: bool = True) -> str:
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT)
    if check and done.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{done.stdout}\n{done.stderr}")
    return done.stdout


def cluster_ready() -> None:
    """The bench's own cluster, created the first time and started."""
    if CLUSTER not in run("pg_lsclusters", "--no-header"):
        print(f"creating cluster {VERSION}/{CLUSTER} on port {PORT}…", flush=True)
        run("pg_createcluster", VERSION, CLUSTER, "-p", str(PORT), "--", "--auth=trust")
    run("pg_ctlcluster", "--skip-systemctl-redirect", VERSION, CLUSTER, "start", check=False)
    for _ in range(30):
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(PORT)]).returncode == 0:
            return
        time.sleep(1)
    sys.exit("the bench cluster did not start")


def manage(*args: str) -> str:
    env = {**os.environ, "DATABASE_URL": URL, "DJANGO_SETTINGS_MODULE": "hamyar.settings.base"}
    return run(str(ROOT / ".venv/bin/python"), "manage.py", *args, env=env)


def database_ready() -> str:
    """A fresh database with the demo; the commerce officer's API token."""
    run("dropdb", "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres", "--if-exists", DATABASE)
    run("createdb", "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres", DATABASE)
    manage("migrate", "-v0")
    manage("load_demo", "-v0")
    return manage("shell", "-c", (
        "from hamyar.accounts.models import User; from hamyar.accounts.services import api_token_create;"
        "print(api_token_create(acting_user=User.objects.get(username='commerce'), name='faults')[1])"
    )).strip().splitlines()[-1]


def serve() -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": URL, "DJANGO_SETTINGS_MODULE": "hamyar.settings.base", "DEBUG": "0",
           "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "hamyar.wsgi:application", "-w", "3",
                               "-b", f"127.0.0.1:{WEB_PORT}", "--log-level", "warning"], cwd=ROOT, env=env)
    for _ in range(60):
        try:
            socket.create_connection(("127.0.0.1", WEB_PORT), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    sys.exit("gunicorn did not start")


class Load:
    """Client threads reading and writing through the API; every answer kept with its time."""

    def __init__(self, token: str, clients: int, body: dict) -> None:
        self.token, self.clients, self.body = token, clients, body
        self.answers: list[tuple[float, str, int, bool]] = []  # (time, read/write, status, Retry-After)
        self.created: list[int] = []  # needs answered 201
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None, bool]:
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        if method == "POST":
            headers["Idempotency-Key"] = uuid.uuid4().hex
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{WEB_PORT}{path}", data=data, method=method,
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null"), False
        except urllib.error.HTTPError as error:
            return error.code, None, error.headers.get("Retry-After") is not None
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, None, False  # no answer at all

    def client(self) -> None:
        while not self.stop.is_set():
            status, _body, retry = self.call("GET", "/api/v1/needs?limit=20")
            with self.lock:
                self.answers.append((time.monotonic(), "read", status, retry))
            status, body, retry = self.call("POST", "/api/v1/needs", self.body)
            with self.lock:
                self.answers.append((time.monotonic(), "write", status, retry))
                if status == 201 and body:
                    self.created.append(body["id"])

    def run(self, seconds: float, restart_at: float) -> tuple[float, float, float]:
        threads = [threading.Thread(target=self.client, daemon=True) for _ in range(self.clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(restart_at)
        down = time.monotonic()
        run("pg_ctlcluster", "--skip-systemctl-redirect", VERSION, CLUSTER, "restart", "-m", "fast")
        up = time.monotonic()
        time.sleep(max(0.0, seconds - (up - started)))
        self.stop.set()
        for thread in threads:
            thread.join(timeout=35)
        return started, down, up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=6)
    options = parser.parse_args()
    cluster_ready()
    print("loading the demo into a fresh database…", flush=True)
    token = database_ready()
    ids = json.loads(manage("shell", "-c", (
        "import json; from hamyar.directory.models import Municipality, ServiceDomain;"
        "print(json.dumps([Municipality.objects.get(name='شاندیز').pk, "
        "ServiceDomain.objects.get(code='green-space').pk]))")).strip().splitlines()[-1])
    body = {"kind": "service", "title": "نگهداری فضای سبز (آزمون خرابی)", "municipality": ids[0],
            "domain": ids[1], "description": "نوشته‌شده در آزمون راه‌اندازی دوباره پایگاه داده"}
    server = serve()
    try:
        load = Load(token, options.clients, body)
        started, down, up = load.run(options.seconds, options.seconds / 3)
    finally:
        server.terminate()
        server.wait(timeout=30)
    phases: dict[str, Counter] = {"before": Counter(), "restart": Counter(), "after": Counter()}
    recovered = None
    for at, kind, status, retry in sorted(load.answers):
        phase = "before" if at < down else "restart" if at <= up else "after"
        phases[phase][f"{kind} {status}{' +Retry-After' if retry else ''}"] += 1
        if phase != "before" and status in (200, 201) and at > up and recovered is None:
            recovered = at - up
    print(f"\n{len(load.answers)} answers, {options.clients} clients, {options.seconds:.0f} s; restart took "
          f"{up - down:.1f} s at {down - started:.1f} s")
    for phase, counts in phases.items():
        print(f"  {phase:<8} " + ", ".join(f"{key}: {n}" for key, n in sorted(counts.items())))
    bad = sum(n for counts in phases.values() for key, n in counts.items()
              if key.split()[1].startswith(("5", "0")) and not key.startswith(("read 503 +", "write 503 +")))
    print(f"  first success after the restart: {recovered:.2f} s" if recovered is not None
          else "  no success after the restart")
    print(f"  answers that were not a 2xx or a 503 with Retry-After: {bad}")
    checks = json.loads(manage("shell", "-c", (
        "import json; from hamyar.needs.models import Need; from hamyar.core.models import AuditEvent;"
        f"created = {sorted(load.created)!r};"
        "found = set(Need.objects.filter(pk__in=created).values_list('pk', flat=True));"
        "mine = Need.objects.filter(title__contains='آزمون خرابی');"
        "events = set(AuditEvent.objects.filter(action='need.create').values_list('object_id', flat=True));"
        "needs = set(str(pk) for pk in mine.values_list('pk', flat=True));"
        "print(json.dumps({'acknowledged': len(created), 'lost': len(set(created) - found),"
        "'in_database': mine.count(), 'without_event': len(needs - events)}))")).strip().splitlines()[-1])
    print(f"  writes answered 201: {checks['acknowledged']}, in the database: {checks['in_database']}, "
          f"lost: {checks['lost']}, needs without their audit event: {checks['without_event']}")
    env = {**os.environ, "DATABASE_URL": URL, "DJANGO_SETTINGS_MODULE": "hamyar.settings.base"}
    verify = subprocess.run([str(ROOT / ".venv/bin/python"), "manage.py", "audit_verify"], cwd=ROOT,
                            capture_output=True, text=True, env=env)
    said = verify.stdout.strip().splitlines()[-1] if verify.stdout.strip() else verify.stderr.strip()[-200:]
    print(f"  audit_verify: exit {verify.returncode}: {said}")
    ok = bad == 0 and checks["lost"] == 0 and checks["without_event"] == 0 and verify.returncode == 0
    print("verdict: " + ("ok" if ok else "FAILED"))
    run("pg_ctlcluster", "--skip-systemctl-redirect", VERSION, CLUSTER, "stop", check=False)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
