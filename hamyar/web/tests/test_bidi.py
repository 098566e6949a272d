"""Mixed-direction runs are isolated: a code, a date or an amount inside a Persian sentence sits in its own
<bdi>, so the bidi algorithm cannot join a code and the date after it into one run and show the date first."""

import html
import re

from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from hamyar.accounts.services import notify
from hamyar.core.text import to_persian_digits
from hamyar.web.templatetags.hamyar_web import docnum, isolate, isolate_runs, person

words = st.sampled_from(["صورتحساب", "به مبلغ", "ریال", "صادر شد؛", "سررسید", "سفارش", "تحویل", "(", ")",
                         "<", ">", "&", "«", "»", ".", '"'])
codes = st.builds(lambda p, y, n: f"{p}-{y}-{n:05d}", st.sampled_from(["I", "N", "Q", "O", "CN"]),
                  st.integers(1400, 1410), st.integers(1, 99999))
dates = st.builds(lambda y, m, d: f"{y}/{m:02d}/{d:02d}", st.integers(1400, 1410), st.integers(1, 12),
                  st.integers(1, 29))
amounts = st.integers(0, 10**12).map(lambda n: f"{n:,}")
tokens = st.lists(st.one_of(words, codes, dates, amounts), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(tokens)
def test_every_code_date_and_amount_of_a_sentence_gets_its_own_bdi(parts):
    sentence = " ".join(parts)
    with translation.override("fa"):
        shown = str(isolate_runs(sentence))
    isolated = re.findall(r"<bdi>(.*?)</bdi>", shown)
    runs = [to_persian_digits(p) for p in parts if re.search(r"[0-9]", p)]
    assert [html.unescape(r) for r in isolated] == runs
    # nothing else changed, and nothing the sentence held became markup
    assert html.unescape(re.sub(r"</?bdi>", "", shown)) == to_persian_digits(sentence)
    assert re.sub(r"</?bdi>", "", shown).count("<") == 0


def test_markup_in_a_stored_sentence_stays_text():
    with translation.override("fa"):
        shown = str(isolate_runs("<script>alert(1)</script>"))
    assert shown == "&lt;<bdi>script</bdi>&gt;<bdi>alert</bdi>(<bdi>۱</bdi>)&lt;/<bdi>script</bdi>&gt;"


def test_names_codes_and_numbers_are_isolated_by_the_display_filters(tenant):
    with translation.override("fa"):
        assert person(tenant.users["district9"]) == '<bdi dir="ltr">kr-d9</bdi>'
        assert docnum("N-1405-00012") == "<bdi>N-۱۴۰۵-۰۰۰۱۲</bdi>"
        assert isolate("IMG_0001.jpg") == '<bdi dir="ltr">IMG_0001.jpg</bdi>'
        assert isolate("نقشه 2.pdf") == "<bdi>نقشه ۲.pdf</bdi>"


def test_the_inbox_shows_an_invoices_code_before_its_date(tenant):
    user = tenant.users["district9"]
    notify(organization_id=tenant.org.pk, recipients=[user],
           subject="صورتحساب I-1405-00007 به مبلغ 12,000,000 ریال صادر شد؛ سررسید 1405/10/16.",
           body="سفارش O-1405-00003 (1405/09/20)")
    client = Client()
    client.force_login(user)
    page = client.get(reverse("accounts:inbox")).content.decode()
    assert ("<bdi>I-۱۴۰۵-۰۰۰۰۷</bdi> به مبلغ <bdi>۱۲,۰۰۰,۰۰۰</bdi> ریال صادر شد؛ سررسید "
            "<bdi>۱۴۰۵/۱۰/۱۶</bdi>") in page
    assert "<bdi>O-۱۴۰۵-۰۰۰۰۳</bdi> (<bdi>۱۴۰۵/۰۹/۲۰</bdi>)" in page
