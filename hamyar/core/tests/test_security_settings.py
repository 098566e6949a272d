"""Security settings: the production settings pass `check --deploy`; every page carries a
Content-Security-Policy without 'unsafe-inline' and no template needs one; a signed-in user's pages and
the API are never stored by a cache; the API counts each client's calls."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from hamyar.accounts.services import api_token_create

TEMPLATES = Path(settings.BASE_DIR) / "hamyar"
# PDFs are drawn by WeasyPrint from their own HTML, never served as a page.
NOT_PAGES = ("/pdf/",)


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_check_deploy_of_the_production_settings_has_no_warning():
    env = {**os.environ, "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "hamyar.example.org"}
    # What a test process may have set (the browser tests allow the ORM in Playwright's loop) is not the
    # deployment's.
    for name in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING",
         "--settings", "hamyar.settings.production"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output and "WARNING" not in output


def test_the_policy_allows_no_inline_code_and_no_framing(client, tenant):
    client.force_login(tenant.users["district9"])
    policy = client.get(reverse("web:home"))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self'") and directives["style-src"].startswith("'self'")
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert directives["form-action"] == "'self'" and directives["base-uri"] == "'self'"
    assert directives["img-src"] == "'self' data:"


def test_no_page_template_has_an_inline_script_handler_or_style():
    """What the policy would refuse, caught where it is written (the browser test walks the pages)."""
    found = []
    for path in sorted(TEMPLATES.glob("*/templates/**/*.html")):
        if any(part in path.as_posix() for part in NOT_PAGES):
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r'\sstyle="', r"<style[\s>]", r"\son[a-z]+=", r"javascript:",
                        r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>"):
            found += [f"{path.relative_to(TEMPLATES)}: {m.group(0)!r}" for m in re.finditer(pattern, text)]
    # Nor a form widget drawn with a style attribute.
    for path in sorted(TEMPLATES.glob("*/**/*.py")):
        if "tests" not in path.parts:
            found += [f"{path.relative_to(TEMPLATES)}: {m.group(0)!r}"
                      for m in re.finditer(r"[\"']style[\"']\s*:", path.read_text(encoding="utf-8"))]
    assert found == []


def test_a_signed_in_users_pages_are_not_stored(client, tenant):
    client.force_login(tenant.users["district9"])
    for url in (reverse("web:home"), reverse("needs:need_list")):
        assert client.get(url)["Cache-Control"] == "private, no-store", url


def test_every_api_answer_is_not_stored(tenant):
    _token, secret = api_token_create(acting_user=tenant.users["commerce"], name="انبار")
    answer = Client().get("/api/v1/me", **bearer(secret))
    assert answer.status_code == 200 and answer["Cache-Control"] == "private, no-store"
    refused = Client().get("/api/v1/me")
    assert refused.status_code == 401 and refused["Cache-Control"] == "private, no-store"
    session = Client()
    session.force_login(tenant.users["district9"])
    assert session.get("/api/v1/me")["Cache-Control"] == "private, no-store"


def test_public_pages_and_static_files_keep_their_own_caching(client, tenant):
    response = client.get(reverse("transparency:published"))
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")
    static = client.get(settings.STATIC_URL + "web/hamyar.css")
    assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")


def test_the_api_counts_each_clients_calls(tenant, settings):
    settings.HAMYAR_API_RATE = "3/m"
    _token, first = api_token_create(acting_user=tenant.users["commerce"], name="انبار")
    _token, second = api_token_create(acting_user=tenant.users["finance"], name="حسابداری")
    statuses = [Client().get("/api/v1/me", **bearer(first)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = Client().get("/api/v1/me", **bearer(first))
    assert refused.json()["code"] == "too_many_requests" and int(refused["Retry-After"]) >= 1
    assert refused["Content-Language"] == "fa" and "از این حساب یا توکن" in refused.json()["detail"]
    # Another client has its own budget; a browser session counts as its user.
    assert Client().get("/api/v1/me", **bearer(second)).status_code == 200
    session = Client()
    session.force_login(tenant.users["district9"])
    assert [session.get("/api/v1/me").status_code for _ in range(4)] == [200, 200, 200, 429]
