"""Every role, every page reachable from its home, every link on them, in Persian.

- A link is shown only if its target opens for that user: none answers 403, 404 or 500.
- A Persian page says nothing in English: no ordinary English word outside text marked left-to-right.
- A Persian page writes its numbers in Persian digits: no Latin digit outside text marked left-to-right.
- Every file input is the Persian one (web/partials/file_input.html), never the browser's English.

Text that must stay Latin — an e-mail, a username, a Sheba number, a token, a URL, a supplier's own item
code, a file's name — is marked: inside dir="ltr" (the `ltr` filter), lang="en", <code> or class="code".
An all-capitals acronym (API, PDF, LED) and the names of file formats are not English prose.
"""

import re

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from hamyar.accounts.tests import scope_rows
from hamyar.commerce import services as commerce
from hamyar.commerce.tests.factories import assigned_need
from hamyar.core.models import AuditEvent
from hamyar.core.text import normalize
from hamyar.finance.tests.finance_data import tenant_catalog
from hamyar.needs.choices import AssignmentKind
from hamyar.needs.models import Assignment

from .crawl import crawl

ROLES = ["admin", "commerce", "finance", "executive", "project_manager", "supplier", "district9"]
FORMATS = {"xlsx", "WebP", "csv"}
# A standalone Latin word: not part of an identifier such as a file name, a code or a username.
WORD = re.compile(r"(?<![\w.@/\-])[A-Za-z]{2,}(?![\w.@/\-])")
LATIN_DIGIT = re.compile(r"[0-9]")


def english_words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if not w.isupper() and w not in FORMATS]


def _competing_need_with_offers(tenant) -> None:
    """A need two providers compete for, each with an offer: the comparison, and the affiliate's project
    manager looking at a supplier's item on the need."""
    need = assigned_need(tenant, tenant_catalog(tenant))
    Assignment.objects.create(organization=tenant.org, need=need, provider=tenant.affiliate,
                              kind=AssignmentKind.COMPETING, rank=2, assigned_by=tenant.users["commerce"])
    line = need.lines.get()
    for who in ("supplier", "project_manager"):
        quotation = commerce.quotation_create(
            need=need, acting_user=tenant.users[who],
            lines=[commerce.LineInput(need_line=line, unit_price=9_000_000, price_reason="تخفیف حجمی")])
        commerce.quotation_offer(quotation=quotation, acting_user=tenant.users[who])


def _as_services_store_it() -> None:
    """Names and titles as the services store them: through the one normalizer, which writes Latin digits
    (the shared fixtures create some rows with the ORM, in Persian digits)."""
    for model in apps.get_models():
        if not model.__module__.startswith("hamyar.") or model is AuditEvent:
            continue
        fields = [f.name for f in model._meta.concrete_fields if f.name in ("name", "title", "description")
                  and isinstance(f, models.CharField | models.TextField)]
        for row in model._default_manager.values("pk", *fields):
            changed = {f: normalize(row[f]) for f in fields if row[f] and normalize(row[f]) != row[f]}
            if changed:
                model._default_manager.filter(pk=row["pk"]).update(**changed)


@pytest.fixture
def site(tenant, other_tenant, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    scope_rows.build_rows_of_every_kind(tenant, other_tenant)
    _competing_need_with_offers(tenant)
    _as_services_store_it()
    return tenant


def test_every_link_opens_and_every_persian_page_speaks_persian(site):
    broken, english, latin, native_file_inputs = [], [], [], []
    file_inputs = 0
    pages = 0
    for who in ROLES:
        client = Client(HTTP_ACCEPT_LANGUAGE="fa")
        client.force_login(site.users[who])
        for visit in crawl(client, per_pattern=1):
            pages += 1
            if visit.status in (403, 404) or visit.status >= 500:
                broken.append((who, visit.status, visit.url, visit.source))
            file_inputs += len(visit.file_inputs)
            native_file_inputs += [(who, visit.url, i.get("name")) for i in visit.file_inputs
                                   if "file-pick-input" not in i.get("class", "").split()]
            for text in visit.text:
                if words := english_words(text):
                    english.append((who, visit.url, words, text[:80]))
                if LATIN_DIGIT.search(text):
                    latin.append((who, visit.url, text[:80]))
    assert broken == []
    assert english == []
    assert latin == []
    assert native_file_inputs == [] and file_inputs >= 3  # every file input is the Persian one
    assert pages > 200
    print(f"{pages} pages crawled")  # noqa: T201


def test_the_favicon_answers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
