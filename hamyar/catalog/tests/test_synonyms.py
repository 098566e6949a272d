"""Finding an item while writing a need: one ranking for the catalog and the need form's picker,
the organization's synonyms (on write and on search), marked matches, and "add to a need".

Synonym spellings are fed generated variants (Arabic ي/ك, ZWNJ, space or none between the
letters, Persian/Arabic/Latin digits, letter case); the same tests run on SQLite and PostgreSQL.
"""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamyar.catalog.models import CatalogItem, SearchSynonym
from hamyar.catalog.search import item_search
from hamyar.catalog.search.highlight import highlight
from hamyar.catalog.search.synonyms import items_with_keys
from hamyar.catalog.services import item_create, synonym_create, synonym_remove
from hamyar.core.errors import InvalidInput, NotFound, PermissionDenied
from hamyar.core.models import AuditEvent
from hamyar.core.testing import nothing_written
from hamyar.needs.models import Need
from hamyar.needs.services import need_create

GENERATED = settings(max_examples=25, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _item(tenant, provider, domain, code, name, description=""):
    return item_create(acting_user=tenant.users["commerce"], data={
        "provider": provider, "domain": domain, "code": code, "name": name, "unit": "piece",
        "description": description})


@pytest.fixture
def shop(tenant):
    """The demo's benches and lamps: the arbor (its description names benches) is created first, so
    an order by name or id would put it before the benches; the LED lamps are named in Latin letters."""
    commerce = tenant.users["commerce"]
    synonym_create(acting_user=commerce, term="LED", equivalents=["ال ای دی"])
    synonym_create(acting_user=commerce, term="CCTV", equivalents=["سی سی تی وی"])
    synonym_create(acting_user=commerce, term="CAT6", equivalents=["کت ۶"])
    s, f, a, light = tenant.supplier, tenant.furniture, tenant.affiliate, tenant.lighting
    items = {
        "arbor": _item(tenant, s, f, "UF-1", "آلاچیق چوبی شش‌ضلعی", "سازه چوبی با سقف شینگل و شش نیمکت"),
        "picnic": _item(tenant, s, f, "UF-3", "میز و نیمکت پیک‌نیک خانوادگی"),
        "concrete": _item(tenant, s, f, "BN-2", "نیمکت بتنی پیش‌ساخته با نشیمن چوبی"),
        "bench": _item(tenant, s, f, "BN-1", "نیمکت پارکی فلزی-چوبی دو متری"),
        "led150": _item(tenant, a, light, "LD-1", "چراغ خیابانی LED ۱۵۰ وات"),
        "led100": _item(tenant, a, light, "LD-2", "چراغ خیابانی LED ۱۰۰ وات"),
        "led60": _item(tenant, a, light, "LD-3", "چراغ پارکی LED ۶۰ وات با پایه ۳/۵ متری"),
        "solar": _item(tenant, a, light, "LD-5", "چراغ خورشیدی LED پارکی"),
        "sodium": _item(tenant, a, light, "LD-9", "چراغ سدیمی ۲۵۰ وات"),
        "camera": _item(tenant, a, light, "CC-1", "دوربین مداربسته سی‌سی‌تی‌وی دید در شب"),
        "cable": _item(tenant, a, light, "NW-1", "کابل شبکه CAT6 ۳۰۵ متری"),
        # The expired supplier's lamp: an officer sees it in the catalog, no need may name it.
        "lapsed": _item(tenant, tenant.other_supplier, light, "LT-1", "چراغ LED سقفی"),
    }
    return items


def _ids(items) -> list[int]:
    return [item.pk for item in items]


def _picker(client, query: str) -> list[int]:
    response = client.get(reverse("needs:item_picker"), {"q": query})
    assert response.status_code == 200
    return _ids(response.context["items"])


def _catalog(client, query: str) -> list[int]:
    response = client.get(reverse("catalog:item_list"), {"q": query})
    assert response.status_code == 200
    return _ids(response.context["items"])


LEDS = ("led150", "led100", "led60", "solar")


# ---------------------------------------------------------------- one ranking


@pytest.mark.parametrize(("query", "first"), [("نیمکت", None), ("نیمکت پارکی", "bench"),
                                              ("نيمكت پاركي", "bench")])
def test_the_bench_comes_first_in_the_picker_and_the_catalog_alike(client, tenant, shop, query, first):
    client.force_login(tenant.users["district9"])
    picker, catalog = _picker(client, query), _catalog(client, query)
    assert picker == catalog[:len(picker)]  # one ranking: the catalog's
    top = CatalogItem.objects.get(pk=picker[0])
    assert top.name.startswith("نیمکت"), top.name
    if first:
        assert picker[0] == shop[first].pk
    if shop["arbor"].pk in picker:  # its description names benches: it comes after them
        assert picker.index(shop["arbor"].pk) > picker.index(shop["bench"].pk)


def test_the_picker_offers_only_what_a_need_may_name_even_to_an_officer(client, tenant, shop):
    client.force_login(tenant.users["commerce"])
    assert shop["lapsed"].pk in _catalog(client, "چراغ")  # marked for the officer
    assert shop["lapsed"].pk not in _picker(client, "چراغ")
    shop["led60"].is_active = False
    shop["led60"].save(update_fields=["is_active"])
    assert shop["led60"].pk not in _picker(client, "چراغ")


# ---------------------------------------------------------------- synonyms


@pytest.mark.parametrize("query", ["چراغ ال ای دی", "ال‌ای‌دی", "led", "LED", "چراغ الایدی", "ال ای دی"])
def test_transliterations_find_the_led_lamps(client, tenant, shop, query):
    client.force_login(tenant.users["district9"])
    wanted = {shop[k].pk for k in LEDS}
    assert set(_picker(client, query)) == wanted
    assert set(_catalog(client, query)) == wanted


def test_the_synonyms_work_both_ways_on_write_too(tenant, shop):
    """An item named in Persian letters is found by the Latin term and the other way round, and the
    items' own search text (so the index) holds the equivalents."""
    user = tenant.users["district9"]
    assert _ids(item_search(user=user, query="CCTV").items) == [shop["camera"].pk]
    assert "cctv" in CatalogItem.objects.get(pk=shop["camera"].pk).search_text
    assert "الایدی" in CatalogItem.objects.get(pk=shop["led150"].pk).search_text
    assert {shop[k].pk for k in LEDS} | {shop["lapsed"].pk} == set(
        items_with_keys(tenant.org.pk, ["الایدی"]))


def _spelling(draw, text: str) -> str:
    """`text` as a clerk might type it: Arabic letters, digits of any script, any case, and each gap
    as a space, ZWNJ, two spaces or nothing ("|" is a gap between two words, always a space)."""
    letters = {"ی": "يی", "ک": "كک"}
    digits = {str(d): f"{d}{'۰۱۲۳۴۵۶۷۸۹'[d]}{'٠١٢٣٤٥٦٧٨٩'[d]}" for d in range(10)}
    digits.update({"۰۱۲۳۴۵۶۷۸۹"[d]: digits[str(d)] for d in range(10)})
    out = []
    for char in text:
        if char == "|":
            out.append(" ")
            continue
        if char == " ":
            out.append(draw(st.sampled_from([" ", "\u200c", "", "  "])))
            continue
        choices = letters.get(char) or digits.get(char) or (char.lower() + char.upper() if char.isalpha()
                                                             and char.isascii() else char)
        out.append(draw(st.sampled_from(list(choices))))
    return "".join(out)


@st.composite
def spellings(draw):
    term, wanted = draw(st.sampled_from([
        ("ال ای دی", LEDS), ("led", LEDS), ("چراغ|ال ای دی", LEDS), ("سی سی تی وی", ("camera",)),
        ("cctv", ("camera",)), ("کت ۶", ("cable",)), ("cat 6", ("cable",)), ("کابل|کت ۶", ("cable",)),
    ]))
    return _spelling(draw, term), wanted


@GENERATED
@given(case=spellings())
def test_generated_spellings_of_a_synonym_find_the_same_items(tenant, shop, case):
    query, wanted = case
    found = {item.pk for item in item_search(user=tenant.users["district9"], query=query).items}
    assert found == {shop[k].pk for k in wanted}, query
    picked = item_search(user=tenant.users["commerce"], query=query, offered_only=True).items
    assert {item.pk for item in picked} == found, query


def _fresh(user):
    """The user as a new request has it: nothing a search kept on the object for its request."""
    return type(user).objects.get(pk=user.pk)


def test_a_synonym_added_or_removed_reindexes_the_items(tenant, shop):
    commerce, user = tenant.users["commerce"], tenant.users["district9"]
    synonym = synonym_create(acting_user=commerce, term="سدیمی", equivalents=["بخار سدیم"])
    assert "بخارسدیم" in CatalogItem.objects.get(pk=shop["sodium"].pk).search_text
    assert set(items_with_keys(tenant.org.pk, ["بخارسدیم"])) == {shop["sodium"].pk}
    assert _ids(item_search(user=_fresh(user), query="بخار سدیم").items) == [shop["sodium"].pk]
    later = _item(tenant, tenant.affiliate, tenant.lighting, "LD-10", "لامپ سدیمی ۴۰۰ وات")
    assert "بخارسدیم" in later.search_text  # applied on write to a new item
    synonym_remove(synonym=synonym, acting_user=commerce)
    assert "بخارسدیم" not in CatalogItem.objects.get(pk=shop["sodium"].pk).search_text
    assert not items_with_keys(tenant.org.pk, ["بخارسدیم"])
    assert not item_search(user=_fresh(user), query="بخار سدیم").items
    actions = list(AuditEvent.objects.filter(object_id=str(synonym.pk), action__startswith="search_synonym")
                   .values_list("action", flat=True))
    assert sorted(actions) == ["search_synonym.create", "search_synonym.remove"]


def test_a_word_inside_another_word_is_no_synonym(tenant, shop):
    item = _item(tenant, tenant.affiliate, tenant.lighting, "X-1", "فیلتر filled ledger")
    assert "الایدی" not in item.search_text


def test_another_organizations_synonyms_never_apply_or_show(client, tenant, other_tenant, shop):
    lamp = _item(other_tenant, other_tenant.affiliate, other_tenant.lighting, "LD-1", "چراغ LED ۵۰ وات")
    user = other_tenant.users["district9"]
    assert "الایدی" not in lamp.search_text
    assert not item_search(user=user, query="ال ای دی").items
    assert _ids(item_search(user=user, query="led").items) == [lamp.pk]
    # The other organization may keep its own "LED" row.
    synonym_create(acting_user=other_tenant.users["admin"], term="LED", equivalents=["ال ای دی"])
    assert _ids(item_search(user=_fresh(user), query="ال ای دی").items) == [lamp.pk]
    client.force_login(other_tenant.users["admin"])
    page = client.get(reverse("catalog:synonym_list")).content.decode()
    assert "CCTV" not in page and "CAT6" not in page
    ours = SearchSynonym.objects.get(organization=tenant.org, term="CCTV")
    with nothing_written("catalog"):
        response = client.post(reverse("catalog:synonym_list"), {"remove": ours.pk})
    assert response.status_code == 404
    with nothing_written("catalog"), pytest.raises(NotFound):
        synonym_remove(synonym=ours, acting_user=other_tenant.users["admin"])


# ---------------------------------------------------------------- the synonyms page


@pytest.mark.parametrize("key", ["finance", "executive", "project_manager", "supplier", "district9"])
def test_only_the_admin_and_commerce_officers_edit_synonyms(client, tenant, shop, key):
    synonym = SearchSynonym.objects.get(organization=tenant.org, term="CCTV")
    client.force_login(tenant.users[key])
    url = reverse("catalog:synonym_list")
    with nothing_written("catalog"):
        assert client.get(url).status_code == 403
        assert client.post(url, {"term": "GPS", "equivalents": "جی پی اس"}).status_code == 403
        assert client.post(url, {"remove": synonym.pk}).status_code == 403
    with nothing_written("catalog"), pytest.raises(PermissionDenied):
        synonym_create(acting_user=tenant.users[key], term="GPS", equivalents=["جی پی اس"])
    assert "synonyms/" not in client.get(reverse("catalog:item_list")).content.decode()


@pytest.mark.parametrize("key", ["admin", "commerce"])
def test_the_synonyms_page_lists_adds_and_removes(client, tenant, shop, key):
    client.force_login(tenant.users[key])
    url = reverse("catalog:synonym_list")
    assert "synonyms/" in client.get(reverse("catalog:item_list")).content.decode()
    response = client.post(url, {"term": "GPS", "equivalents": "جی پی اس، جي‌پي‌اس ,  gps-tracker"})
    assert response.status_code == 302
    synonym = SearchSynonym.objects.get(organization=tenant.org, term="GPS")
    assert synonym.equivalents == ["جی پی اس", "gps-tracker"]  # «جي‌پي‌اس» is the same key
    assert synonym.keys == ["gps", "جیپیاس", "gpstracker"]
    page = client.get(url).content.decode()
    assert "جی پی اس" in page and "CCTV" in page
    assert client.post(url, {"remove": synonym.pk}).status_code == 302
    assert not SearchSynonym.objects.filter(pk=synonym.pk).exists()


@pytest.mark.parametrize(("data", "message"), [
    ({"term": "", "equivalents": "جی پی اس"}, "این فیلد لازم است"),
    ({"term": "GPS", "equivalents": ""}, "این فیلد لازم است"),
    ({"term": "G", "equivalents": "جی پی اس"}, "۳ تا ۶۰ حرف"),
    ({"term": "GPS", "equivalents": "جی"}, "۳ تا ۶۰ حرف"),
    ({"term": "GPS", "equivalents": "G P S, g.p.s"}, "دست‌کم یک هم‌معنی"),
    ({"term": "ال‌ای‌دی", "equivalents": "لامپ ال ای دی"}, "پیش‌تر در هم‌معنی‌های «LED»"),
    ({"term": "فیلم", "equivalents": "سی‌سی‌تی‌وی"}, "پیش‌تر در هم‌معنی‌های «CCTV»"),
    ({"term": "GPS", "equivalents": "، ".join(f"جی پی اس {i}" for i in range(11))}, "حداکثر ۱۰"),
])
def test_bad_synonyms_are_refused_with_a_clear_message_and_nothing_written(client, tenant, shop, data,
                                                                           message):
    client.force_login(tenant.users["commerce"])
    with nothing_written("catalog"):
        response = client.post(reverse("catalog:synonym_list"), data, HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 422
    assert message in response.content.decode()


def test_a_removed_synonym_id_that_is_not_a_number_is_a_404(client, tenant, shop):
    client.force_login(tenant.users["commerce"])
    for raw in ("x", "-1", "9" * 30, "999999"):
        with nothing_written("catalog"):
            assert client.post(reverse("catalog:synonym_list"), {"remove": raw}).status_code == 404


def test_a_synonym_changed_through_the_service_is_validated_there_too(tenant, shop):
    with nothing_written("catalog"), pytest.raises(InvalidInput):
        synonym_create(acting_user=tenant.users["commerce"], term="LED", equivalents=["لامپ"])
    one = synonym_create(acting_user=tenant.users["commerce"], term="GPS", equivalents="جی پی اس")
    assert one.equivalents == ["جی پی اس"]  # one equivalent given as a string, not its letters


# ---------------------------------------------------------------- marked matches


def test_matches_are_marked_the_way_the_search_matched_them(client, tenant, shop):
    client.force_login(tenant.users["district9"])
    picker = client.get(reverse("needs:item_picker"), {"q": "نيمكت پاركي"}).content.decode()
    assert "<mark>نیمکت پارکی</mark>" in picker
    catalog = client.get(reverse("catalog:item_list"), {"q": "ال ای دی"}).content.decode()
    assert "چراغ خیابانی <mark>LED</mark> ۱۵۰ وات" in catalog
    marked = "چراغ <mark>ال ای دی</mark> <mark>۱۵۰</mark>"
    assert str(highlight("چراغ ال ای دی ۱۵۰", ["الایدی", "150"])) == marked


def test_a_query_or_a_name_holding_html_cannot_inject_markup(client, tenant, shop):
    _item(tenant, tenant.supplier, tenant.furniture, "X-2", "نیمکت <b onmouseover=alert(1)>ضربه</b>")
    client.force_login(tenant.users["district9"])
    for url in (reverse("needs:item_picker"), reverse("catalog:item_list")):
        page = client.get(url, {"q": 'نیمکت "><img src=x onerror=alert(1)>'}).content.decode()
        assert "<img" not in page
        page = client.get(url, {"q": "نیمکت <b onmouseover"}).content.decode()
        assert "<b " not in page and "<mark>onmouseover</mark>" in page
        assert "&lt;b onmouseover=alert(۱)&gt;" in page.replace("<mark>", "").replace("</mark>", "")


@GENERATED
@given(text=st.text(max_size=40), marks=st.lists(st.text(min_size=1, max_size=6), max_size=4))
def test_highlight_only_adds_mark_tags_to_the_escaped_text(text, marks):
    out = str(highlight(text, marks))
    assert re.sub(r"</?mark>", "", out) == html.escape(text)
    assert "<" not in re.sub(r"</?mark>", "", out)


# ---------------------------------------------------------------- add to a need


def test_add_to_a_need_from_the_catalog_end_to_end(client, tenant, shop):
    client.force_login(tenant.users["district9"])
    start = f"{reverse('needs:need_create')}?item={shop['bench'].pk}"
    assert start in client.get(reverse("catalog:item_list"), {"q": "نیمکت"}).content.decode()
    assert start in client.get(reverse("catalog:item_detail", args=[shop["bench"].pk])).content.decode()
    form = client.get(start)
    assert [line["item"].pk for line in form.context["lines"]] == [shop["bench"].pk]
    response = client.post(reverse("needs:need_create"), {
        "kind": "goods", "title": "نیمکت برای پارک وکیل‌آباد", "site": tenant.vakilabad.pk,
        "line_item": [shop["bench"].pk], "line_quantity": ["۱۲"]})
    assert response.status_code == 302
    need = Need.objects.get(title="نیمکت برای پارک وکیل‌آباد")
    assert [(line.item_id, line.quantity) for line in need.lines.all()] == [(shop["bench"].pk, 12)]

    # The draft is offered on the next item's page; its form opens with both lines.
    page = client.get(reverse("catalog:item_detail", args=[shop["led60"].pk])).content.decode()
    into = f"{reverse('needs:need_edit', args=[need.pk])}?item={shop['led60'].pk}"
    assert into in page
    edit = client.get(into)
    assert [line["item"].pk for line in edit.context["lines"]] == [shop["bench"].pk, shop["led60"].pk]
    response = client.post(reverse("needs:need_edit", args=[need.pk]), {
        "kind": "goods", "title": need.title, "site": tenant.vakilabad.pk,
        "line_item": [shop["bench"].pk, shop["led60"].pk], "line_quantity": ["12", "4"]})
    assert response.status_code == 302
    assert sorted(need.lines.values_list("item_id", "quantity")) == sorted(
        [(shop["bench"].pk, 12), (shop["led60"].pk, 4)])


def test_add_to_a_need_is_shown_only_where_it_would_open(client, tenant, shop):
    lapsed = f"?item={shop['lapsed'].pk}"
    bench = f"?item={shop['bench'].pk}"
    for key in ("finance", "executive", "project_manager", "supplier"):
        client.force_login(tenant.users[key])
        assert "?item=" not in client.get(reverse("catalog:item_list"), {"q": "چراغ"}).content.decode(), key
    client.force_login(tenant.users["commerce"])  # an officer writes needs for a municipality
    page = client.get(reverse("catalog:item_list"), {"q": "چراغ"}).content.decode()
    assert lapsed not in page and f"?item={shop['led60'].pk}" in page
    assert lapsed not in client.get(reverse("catalog:item_detail", args=[shop["lapsed"].pk])).content.decode()
    assert bench in client.get(reverse("catalog:item_detail", args=[shop["bench"].pk])).content.decode()
    # A project draft takes no lines, and another user's draft is not offered.
    project = need_create(acting_user=tenant.users["district9"], kind="project", title="بازسازی پارک",
                          description="بازسازی مسیرهای پارک", site=tenant.vakilabad, budget_estimate=10**9,
                          domain=tenant.green,
                          desired_date=timezone.localdate() + dt.timedelta(days=60))
    other = need_create(acting_user=tenant.users["district10"], kind="goods", title="نیمکت منطقه ۱۰",
                        lines=[{"item": shop["bench"], "quantity": 1}])
    client.force_login(tenant.users["district9"])
    page = client.get(reverse("catalog:item_detail", args=[shop["bench"].pk])).content.decode()
    assert reverse("needs:need_edit", args=[other.pk]) not in page
    assert reverse("needs:need_edit", args=[project.pk]) not in page
    # A forged or unoffered item opens the empty form with a message, never another's row.
    response = client.get(f"{reverse('needs:need_create')}{lapsed}")
    assert response.status_code == 200 and response.context["lines"] == []
    assert client.get(f"{reverse('needs:need_create')}?item=abc").context["lines"] == []


def test_catalog_list_queries_stay_flat_with_add_to_a_need(client, tenant, shop):
    need_create(acting_user=tenant.users["district9"], kind="goods", title="نیمکت",
                lines=[{"item": shop["bench"], "quantity": 1}])
    client.force_login(tenant.users["district9"])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("catalog:item_list"), {"q": "نیمکت پارکی"})
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("catalog:item_list"), {"q": "چراغ"})
    assert len(many) <= len(few) + 1, [q["sql"] for q in many.captured_queries]
