"""A request body that cannot be read is the sender's fault: a 400/413/422 with a clear message, never a 500,
and nothing is written — on every POST, PUT and PATCH route of the API (read from its OpenAPI document)
and on every page URL (read from the URLconf), sent by a user whose role the route serves.

(Multipart bodies without a boundary once answered 500 on every upload route.)
"""

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import Max
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hamyar.accounts.tests import scope_rows
from hamyar.api import api
from hamyar.core.models import AuditEvent
from hamyar.core.scoping import scope
from hamyar.needs.models import Need

PERSIAN = re.compile("[\u0600-\u06ff]")
B = "hamyarBoundary7MA4YWxk"
PART = (f'--{B}\r\nContent-Disposition: form-data; name="file"; filename="plan.pdf"\r\n'
        'Content-Type: application/pdf\r\n\r\n%PDF-1.4\n1 0 obj').encode()

# (name, Content-Type, body, CONTENT_LENGTH to claim or None for the true one)
BODIES: list[tuple[str, str, bytes, str | None]] = [
    ("multipart without boundary", "multipart/form-data", b"a plain body, not a form", None),
    ("multipart with a bad boundary", "multipart/form-data; boundary=" + "x" * 300, PART, None),
    ("multipart truncated", f"multipart/form-data; boundary={B}", PART, None),
    ("multipart part without headers", f"multipart/form-data; boundary={B}",
     f"--{B}\r\n\r\nbare\r\n--{B}--\r\n".encode(), None),
    ("multipart claiming a huge length", f"multipart/form-data; boundary={B}", PART, str(10**12)),
    ("multipart with a negative length", f"multipart/form-data; boundary={B}", PART, "-1"),
    ("JSON cut short", "application/json", b'{"name": "\xd9\x86', None),
    ("JSON of the wrong type", "application/json", b'[1, "two", null]', None),
    ("JSON string", "application/json", b'"a string"', None),
    ("JSON nested too deep", "application/json", b"[" * 5_000, None),
    ("JSON fields of the wrong kinds", "application/json",
     json.dumps({"name": {"x": 1}, "quantity": "many", "lines": "none", "id": [1], "file": 5}).encode(),
     None),
    ("invalid UTF-8 in JSON", "application/json", b'{"name": "\xff\xfe\xfd"}', None),
    ("invalid UTF-8 in a form", "application/x-www-form-urlencoded", b"name=%ff%fe&title=\xff\xfe", None),
    ("JSON claiming a huge length", "application/json", b"{}", str(10**12)),
    ("a form claiming a huge length", "application/x-www-form-urlencoded", b"a=1", str(10**9)),
    ("JSON sent as text", "text/plain", b'{"name": "x"}', None),
    ("XML", "application/xml", b"<need><name>x</name></need>", None),
]
ROLE_USERS = ["admin", "commerce", "finance", "executive", "project_manager", "supplier", "district9"]


def _send(client: Client, method: str, url: str, content_type: str, body: bytes, length: str | None,
          **headers):
    extra = {"wsgi.input": io.BytesIO(body), **headers}
    if length is not None:
        extra["CONTENT_LENGTH"] = length
    return client.generic(method.upper(), url, body, content_type=content_type, **extra)


def _last_event() -> int:
    return AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0


def _files(media: Path) -> set[Path]:
    return {p for p in media.rglob("*") if p.is_file()}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def rows(tenant, other_tenant, media):
    scope_rows.build_rows_of_every_kind(tenant, other_tenant)
    return tenant


def _first_id(label_or_model, user) -> int:
    model = apps.get_model(label_or_model) if isinstance(label_or_model, str) else label_or_model
    row = scope(model.objects.order_by("pk"), user).first()
    return row.pk if row is not None else 1


def _check(response, where: str, *, json_body: bool) -> None:
    assert response.status_code < 500, (where, response.status_code, response.content[:300])
    if json_body and response.status_code >= 400:
        body = response.json()
        assert set(body) >= {"detail", "code"}, (where, body)
        assert PERSIAN.search(body["detail"]), (where, body)


# ---------------------------------------------------------------- API


SCHEMA = api.get_openapi_schema()
WRITE_OPERATIONS = [(method, path, op) for path, ops in SCHEMA["paths"].items() for method, op in ops.items()
                    if method in {"post", "put", "patch"}]


def test_the_api_has_its_write_routes_and_the_upload_routes():
    paths = {path for _, path, _ in WRITE_OPERATIONS}
    assert len(WRITE_OPERATIONS) >= 60
    assert {"/api/v1/needs/{id}/attachments", "/api/v1/projects/{id}/documents",
            "/api/v1/projects/{id}/reports"} <= paths


UPLOADS = {"/api/v1/needs/{id}/attachments": "district9",
           "/api/v1/projects/{id}/documents": "project_manager",
           "/api/v1/projects/{id}/reports": "project_manager"}


def _refuse_all(client: Client, user, method: str, path: str, op: dict, media: Path) -> int:
    """Send every malformed body to one route; when all were refused, nothing may have been written."""
    url = path.replace("{id}", str(_first_id(op.get("x-hamyar-model", "needs.need"), user)))
    event, files = _last_event(), _files(media)
    statuses = []
    for name, content_type, body, length in BODIES:
        response = _send(client, method, url, content_type, body, length)
        _check(response, f"{method} {url} {name}", json_body=True)
        statuses.append(response.status_code)
    if min(statuses) >= 400:  # a route without a body (a transition) may succeed and write
        assert _last_event() == event, (method, url)
        assert _files(media) == files, (method, url)
    return len(statuses)


def test_every_api_write_route_refuses_a_malformed_body_with_a_4xx(rows, media):
    """The org admin on every route (JSON bodies are read before the view, whoever sends them); the
    upload routes, read inside the view after the role check, also by the municipality and the
    project manager."""
    clients = {}
    for who in ("admin", *UPLOADS.values()):
        clients[who] = Client()
        clients[who].force_login(rows.users[who])
    sent = 0
    for method, path, op in WRITE_OPERATIONS:
        sent += _refuse_all(clients["admin"], rows.users["admin"], method, path, op, media)
        if path in UPLOADS:
            who = UPLOADS[path]
            sent += _refuse_all(clients[who], rows.users[who], method, path, op, media)
    assert sent >= 60 * len(BODIES)


def test_the_refusal_of_a_body_without_boundary_reads_in_english_when_asked(rows):
    client = Client()
    client.force_login(rows.users["district9"])
    need = Need.objects.filter(municipality=rows.district9).first()
    for lang, script in (("fa", PERSIAN), ("en", re.compile("[A-Za-z]{4}"))):
        response = _send(client, "post", f"/api/v1/needs/{need.pk}/attachments", "multipart/form-data",
                         b"plain", None, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 400
        assert response.json()["code"] == "malformed_body" and script.search(response.json()["detail"])


# ---------------------------------------------------------------- pages


def _page_patterns(resolvers, prefix="") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if entry.namespace in {"admin", "api"} or str(entry.pattern).startswith(("api/", "admin/")):
                continue
            yield from _page_patterns(entry.url_patterns, prefix + (f"{entry.namespace}:" if entry.namespace
                                                                    else ""))
        elif entry.name:
            yield prefix + entry.name, entry


# Signing out and switching the language act on the session, not on a body.
SKIPPED = {"accounts:logout", "set_language"}
PAGES = [(name, pattern) for name, pattern in _page_patterns(get_resolver().url_patterns)
         if name not in SKIPPED]
# A page reads a form: the multipart and form bodies, and one JSON body for all of JSON's kinds.
PAGE_BODIES = [b for b in BODIES if not b[1].startswith(("application/json", "text/", "application/xml"))] \
    + [b for b in BODIES if b[0] == "JSON of the wrong type"]
SLUGS = {"action": "contract", "decision": "approve"}


def _user_for(pattern, tenant):
    roles = getattr(pattern.callback, "page_roles", None)
    for key in ROLE_USERS:
        user = tenant.users[key]
        if not roles or user.membership.role in roles:
            return user
    return tenant.users["admin"]


def _page_url(name: str, pattern, user) -> str:
    kwargs = {}
    for key, converter in pattern.pattern.converters.items():
        if key in SLUGS:
            kwargs[key] = SLUGS[key]
        elif key == "pk":
            kwargs[key] = _first_id(getattr(pattern.callback, "page_model", None) or Need, user)
        elif key == "need_pk":
            kwargs[key] = _first_id(Need, user)
        else:
            kwargs[key] = 1 if converter.regex.startswith("[0-9]") else "x"
    return reverse(name, kwargs=kwargs)


def test_every_page_url_was_found():
    assert len(PAGES) >= 100


def test_every_page_refuses_a_malformed_body_without_a_500(rows, media):
    clients: dict[int, Client] = {}
    readers = 0
    for name, pattern in PAGES:
        user = _user_for(pattern, rows)
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        url = _page_url(name, pattern, user)
        event, files = _last_event(), _files(media)
        for index, (body_name, content_type, body, length) in enumerate(PAGE_BODIES):
            response = _send(clients[user.pk], "post", url, content_type, body, length)
            _check(response, f"{url} {body_name}", json_body=False)
            if index == 0:
                if response.status_code != 400:
                    break  # reading the form would have failed: this page never reads a body (or 404/405)
                assert "درخواست خوانده نشد" in response.content.decode()
                readers += 1
            if response.status_code < 400:
                event, files = _last_event(), _files(media)  # an empty form that is valid (a filter)
                continue
            assert _last_event() == event, (url, body_name)
            assert _files(media) == files, (url, body_name)
    assert readers >= 30


def test_a_body_without_boundary_is_a_400_even_where_the_csrf_check_reads_it_first(rows):
    """A browser session's POST is checked for its CSRF token before the view: reading the token from a
    broken form must not be a 500 either."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(rows.users["district9"])
    need = Need.objects.filter(municipality=rows.district9).first()
    for url, json_body in [(f"/api/v1/needs/{need.pk}/attachments", True),
                           (reverse("needs:attachment_add", args=[need.pk]), False)]:
        response = _send(client, "post", url, "multipart/form-data", b"plain", None)
        _check(response, url, json_body=json_body)
        assert response.status_code in {400, 403}, (url, response.status_code)


# ---------------------------------------------------------------- odd ids in query strings and forms

# Every parameter a view reads from the query string or the form, found in the views' own source.
_READS = re.compile(r"""\b(?:GET|POST)\.(?:get|getlist)\(\s*["']([a-z_]+)["']""")
PARAMETERS = sorted({
    name
    for path in Path(__file__).resolve().parents[2].glob("*/*views*")  # views.py, views/, form_views.py
    for source in ([path] if path.is_file() else path.glob("*.py"))
    for name in _READS.findall(source.read_text(encoding="utf-8"))
})
# Digits int() refuses though str.isdigit() accepts them (² ①), other digit sets, signs, overflow.
ODD_IDS = ["²", "①", "１٢۳", "-1", "9" * 25]


def test_the_views_read_parameters():
    assert {"item", "page", "provider", "remove", "need"} <= set(PARAMETERS)


@pytest.mark.parametrize("value", ODD_IDS)
def test_every_page_reads_an_odd_id_in_any_parameter_without_a_500(rows, media, value):
    clients: dict[int, Client] = {}
    for name, pattern in PAGES:
        user = _user_for(pattern, rows)
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        url = _page_url(name, pattern, user)
        data = dict.fromkeys(PARAMETERS, value)
        for method in ("get", "post"):
            response = getattr(clients[user.pk], method)(url, data)
            assert response.status_code < 500, (method, url, value, response.status_code)
