"""The database unreachable (restarting, failing over): every request answers 503 in Persian with
Retry-After — a page, or the API's JSON — never a 500 with a trace, and nothing is written.

The database is made unreachable for real: the connection is pointed at a port where nothing listens,
then put back. PostgreSQL only: the tests' SQLite database lives in memory, and an embedded file
database has no server to lose.
"""

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from hamyar.needs.models import Need


def _signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a server to lose: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_pages_and_the_api_answer_503_in_persian_when_the_database_is_down(tenant):
    signed_in = _signed_in(tenant.users["district9"])
    token_free = Client(raise_request_exception=False)
    before = Need.objects.count()
    answers = {}
    connection.close()
    saved = dict(connection.settings_dict)
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        answers["page of a signed-in user"] = signed_in.get("/")
        answers["a write"] = signed_in.post("/needs/new/", {"title": "نیمکت"})
        answers["the public page"] = token_free.get("/transparency/")
        answers["the API"] = signed_in.get("/api/v1/needs")
        answers["the public API"] = token_free.get("/api/v1/ocds/kr/releases")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    for what, response in answers.items():
        assert response.status_code == 503, (what, response.status_code, response.content[:300])
        assert response["Retry-After"] == "30", what
        body = response.content.decode()
        assert "پایگاه داده" in body and "Traceback" not in body, what
    assert answers["the API"].json()["code"] == "database_unavailable"
    assert answers["the public API"].json()["code"] == "database_unavailable"
    assert 'lang="fa"' in answers["the public page"].content.decode()
    # Back again: the same client is served, and the refused write left nothing.
    assert signed_in.get("/").status_code == 200
    assert Need.objects.count() == before


@pytest.mark.parametrize("path", ["/needs/new/", "/api/v1/needs/1/attachments"])
def test_a_disk_that_fills_while_an_upload_is_read_answers_507_in_persian(rf, path):
    """Django writes a large upload to its temporary folder while reading the request, before the
    storage (which answers 507 itself) sees it: that full disk is 507 too, not a 500."""
    import errno

    from hamyar.web.unavailable import server_error

    try:
        raise OSError(errno.ENOSPC, "No space left on device")
    except OSError:
        with translation.override("fa"):
            response = server_error(rf.post(path))
    assert response.status_code == 507
    assert "فضای ذخیره" in response.content.decode() and response["Retry-After"] == "30"


def test_any_other_error_is_still_djangos_500(rf):
    from hamyar.web.unavailable import server_error

    try:
        raise ValueError("not the database")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
