"""The quotations API: the chain over HTTP, refusals as 4xx JSON that write nothing, scope on every route."""

import json

import pytest
from django.test import Client

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.commerce import services
from hamyar.commerce.choices import QuotationStatus as S
from hamyar.commerce.models import CommercePolicy, Order, Quotation
from hamyar.commerce.tests.factories import assigned_need, set_policy
from hamyar.core.models import AuditEvent
from hamyar.core.testing import nothing_written

BASE = "/api/v1/commerce"


@pytest.fixture
def catalog(tenant):
    return build_catalog(tenant)


@pytest.fixture
def need(tenant, catalog):
    set_policy(tenant, deputy_approval_above=5_000_000_000, mayor_approval_above=10**13)
    return assigned_need(tenant, catalog)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, path, body=None, **extra):
    return client.post(path, json.dumps(body or {}), content_type="application/json", **extra)


def test_the_whole_chain_over_the_api(tenant, need):
    supplier = client_of(tenant.users["supplier"])
    created = post(supplier, f"{BASE}/quotations", {"need": need.pk})
    assert created.status_code == 201, created.content
    body = created.json()
    qid = body["id"]
    assert body["status"] == "draft" and body["total"] == 40 * 187_200_000 * 11 // 10
    assert body["lines"][0]["list_price"] == 187_200_000
    assert "نمایندگی" in body["agency_statement"] and tenant.agreement.number in body["agency_statement"]
    assert body["actions"] == ["edit", "send"]

    patched = supplier.patch(
        f"{BASE}/quotations/{qid}", json.dumps({"note": "تحویل در دو نوبت"}), content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["note"] == "تحویل در دو نوبت"

    sent = post(supplier, f"{BASE}/quotations/{qid}/send").json()
    assert sent["status"] == "awaiting_deputy"  # 8.2 billion Rial is above the deputy's 5 billion

    d9 = client_of(tenant.users["district9"])
    # Not yet the municipality's to see, let alone approve: the chain cannot be skipped.
    assert d9.get(f"{BASE}/quotations/{qid}").status_code == 404
    with nothing_written("commerce", "needs"):
        refused = post(d9, f"{BASE}/quotations/{qid}/approve")
    assert refused.status_code == 404
    with nothing_written("commerce", "needs"):
        assert (
            post(client_of(tenant.users["commerce"]), f"{BASE}/quotations/{qid}/deputy-approve").status_code
            == 403
        )

    deputy = post(client_of(tenant.users["executive"]), f"{BASE}/quotations/{qid}/deputy-approve")
    assert deputy.status_code == 200 and deputy.json()["status"] == "sent"
    assert [s["key"] for s in deputy.json()["chain"] if s["state"] == "done"] == [
        "prepared",
        "deputy",
        "sent",
    ]

    assert [q["id"] for q in d9.get(f"{BASE}/quotations", {"waiting": True}).json()["items"]] == [qid]
    approved = post(d9, f"{BASE}/quotations/{qid}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    with nothing_written("commerce", "needs"):
        again = post(d9, f"{BASE}/quotations/{qid}/approve")
    assert again.status_code == 409 and again.json()["code"] == "quotation_state"
    assert Order.objects.filter(quotation_id=qid).count() == 1


def test_a_retried_create_with_the_same_idempotency_key_creates_one_quotation(tenant, need):
    supplier = client_of(tenant.users["supplier"])
    first = post(supplier, f"{BASE}/quotations", {"need": need.pk}, HTTP_IDEMPOTENCY_KEY="q-retry-1")
    second = post(supplier, f"{BASE}/quotations", {"need": need.pk}, HTTP_IDEMPOTENCY_KEY="q-retry-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Quotation.objects.count() == 1


def test_bad_input_is_a_422_in_persian_and_writes_nothing(tenant, need):
    supplier = client_of(tenant.users["supplier"])
    line = need.lines.get()
    cases = [
        {"need": need.pk, "lines": [{"need_line": line.pk, "unit_price": 1}]},  # a changed price, no reason
        {"need": need.pk, "lines": [{"need_line": line.pk, "unit_price": -5}]},
        {"need": need.pk, "valid_until": "03/09/1405"},  # the day first: refused, never guessed
        {"need": need.pk, "valid_until": "2000-01-01"},
        {"need": need.pk, "lines": []},
        {"need": need.pk, "lines": [{"need_line": 987654}]},
        {"need": 987654},
        {"need": need.pk, "surprise": 1},
    ]
    for body in cases:
        with nothing_written("commerce", "needs"):
            response = post(supplier, f"{BASE}/quotations", body)
        assert response.status_code == 422, (body, response.content)
        assert any("\u0600" <= ch <= "\u06ff" for ch in response.json()["detail"]), body


def test_reject_needs_a_reason_and_happens_once(tenant, need):
    quotation = services.quotation_create(need=need, acting_user=tenant.users["commerce"], lines=None)
    CommercePolicy.objects.update(deputy_approval_above=10**13)
    services.quotation_send(quotation=quotation, acting_user=tenant.users["commerce"])
    d9 = client_of(tenant.users["district9"])
    with nothing_written("commerce", "needs"):
        assert post(d9, f"{BASE}/quotations/{quotation.pk}/reject", {}).status_code == 422
    rejected = post(d9, f"{BASE}/quotations/{quotation.pk}/reject", {"reason": "گران است"})
    assert rejected.status_code == 200 and rejected.json()["reason"] == "گران است"
    with nothing_written("commerce", "needs"):
        assert post(d9, f"{BASE}/quotations/{quotation.pk}/reject", {"reason": "باز"}).status_code == 409
        assert post(d9, f"{BASE}/quotations/{quotation.pk}/approve").status_code == 409


def test_lists_and_details_keep_to_the_callers_scope(tenant, other_tenant, need, catalog):
    CommercePolicy.objects.update(deputy_approval_above=10**13)
    ours = services.quotation_send(
        quotation=services.quotation_create(need=need, acting_user=tenant.users["supplier"]),
        acting_user=tenant.users["supplier"],
    )
    d10_need = assigned_need(tenant, catalog, municipality=tenant.district10)
    theirs = services.quotation_send(
        quotation=services.quotation_create(need=d10_need, acting_user=tenant.users["supplier"]),
        acting_user=tenant.users["supplier"],
    )
    a_draft = services.quotation_create(
        need=assigned_need(tenant, catalog), acting_user=tenant.users["supplier"]
    )

    def ids(user):
        return {q["id"] for q in client_of(user).get(f"{BASE}/quotations", {"limit": 1}).json()["items"]} | {
            q["id"] for q in walk(client_of(user))
        }

    assert ids(tenant.users["district9"]) == {ours.pk}  # not District 10's, not a draft
    assert ids(tenant.users["district10"]) == {theirs.pk}
    assert ids(tenant.users["supplier"]) == {ours.pk, theirs.pk, a_draft.pk}
    assert ids(tenant.users["commerce"]) == {ours.pk, theirs.pk, a_draft.pk}
    assert ids(tenant.users["project_manager"]) == set()
    for user in other_tenant.users.values():
        assert ids(user) == set()
    for user, pk in [
        (tenant.users["district10"], ours.pk),
        (tenant.users["district9"], a_draft.pk),
        (tenant.users["project_manager"], ours.pk),
        (other_tenant.users["admin"], ours.pk),
        (other_tenant.users["district9"], ours.pk),
    ]:
        client = client_of(user)
        for path in (f"{BASE}/quotations/{pk}", f"{BASE}/quotations/{pk}/pdf"):
            assert client.get(path).status_code == 404, (user, path)
        before = AuditEvent.objects.count()
        for action in ("send", "offer", "choose", "deputy-approve", "approve", "reject"):
            response = post(client, f"{BASE}/quotations/{pk}/{action}", {})
            assert response.status_code == 404, (user, action, response.content)
        assert AuditEvent.objects.count() == before
    assert (
        client_of(other_tenant.users["commerce"])
        .get(f"{BASE}/needs/{need.pk}/quotation-comparison")
        .status_code
        == 404
    )


def walk(client) -> list[dict]:
    rows, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"{BASE}/quotations", params).json()
        rows += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return rows


def test_wrong_roles_get_403(tenant, need):
    quotation = services.quotation_create(need=need, acting_user=tenant.users["supplier"])
    for who, action in [
        ("district9", "send"),
        ("executive", "send"),
        ("finance", "send"),
        ("supplier", "choose"),
        ("finance", "deputy-approve"),
    ]:
        with nothing_written("commerce", "needs"):
            response = post(
                client_of(tenant.users[who]), f"{BASE}/quotations/{quotation.pk}/{action}", {"reason": "x"}
            )
        assert response.status_code in (403, 404), (who, action)
        if who != "district9":  # a draft is not the municipality's to see at all
            assert response.status_code == 403, (who, action, response.content)
    assert (
        client_of(tenant.users["district9"]).get(f"{BASE}/needs/{need.pk}/quotation-comparison").status_code
        == 403
    )


def test_the_comparison_of_a_competing_need(tenant, need):
    from hamyar.needs.choices import AssignmentKind
    from hamyar.needs.models import Assignment

    Assignment.objects.create(
        organization=tenant.org,
        need=need,
        provider=tenant.affiliate,
        kind=AssignmentKind.COMPETING,
        rank=2,
        assigned_by=tenant.users["commerce"],
    )
    ours = services.quotation_create(need=need, acting_user=tenant.users["supplier"])
    services.quotation_offer(quotation=ours, acting_user=tenant.users["supplier"])
    pm = client_of(tenant.users["project_manager"])
    line = need.lines.get()
    theirs = post(
        pm,
        f"{BASE}/quotations",
        {"need": need.pk, "lines": [{"need_line": line.pk, "unit_price": 170_000_000}], "lead_time_days": 30},
    ).json()
    assert post(pm, f"{BASE}/quotations/{theirs['id']}/offer").json()["status"] == "offered"
    officer = client_of(tenant.users["commerce"])
    comparison = officer.get(f"{BASE}/needs/{need.pk}/quotation-comparison").json()
    assert [q["id"] for q in comparison["quotations"]] == [theirs["id"], ours.pk]
    assert comparison["rows"][0]["cells"][0]["unit_price"] == 170_000_000
    assert comparison["cheapest"] == theirs["id"]
    with nothing_written("commerce", "needs"):
        assert post(officer, f"{BASE}/quotations/{ours.pk}/choose", {}).status_code == 422
    chosen = post(officer, f"{BASE}/quotations/{ours.pk}/choose", {"reason": "نماینده رسمی"})
    assert chosen.status_code == 200 and chosen.json()["status"] in {"sent", "awaiting_deputy"}
    assert chosen.json()["choice_reason"] == "نماینده رسمی"
    assert Quotation.objects.get(pk=theirs["id"]).status == S.NOT_CHOSEN


def test_above_the_mayor_threshold_the_chain_cannot_be_skipped_over_the_api(tenant, catalog):
    """Clerk then mayor, in that order: the mayor first, the clerk twice or the finance post are refused."""
    from conftest import make_user
    from hamyar.core.roles import Role

    set_policy(tenant, deputy_approval_above=10**13, mayor_approval_above=5_000_000_000)
    need = assigned_need(tenant, catalog)
    quotation = services.quotation_create(need=need, acting_user=tenant.users["supplier"])
    quotation = services.quotation_send(quotation=quotation, acting_user=tenant.users["supplier"])
    url = f"{BASE}/quotations/{quotation.pk}/approve"
    finance = make_user(
        tenant.org,
        "kr-d9-finance-post",
        Role.MUNICIPALITY_USER,
        municipality=tenant.district9,
        post="finance",
    )

    with nothing_written("commerce", "needs"):
        early = post(client_of(tenant.district9_mayor), url)
    assert early.status_code == 409 and early.json()["code"] == "chain_order"
    with nothing_written("commerce", "needs"):
        assert post(client_of(finance), url).status_code == 403

    clerk = client_of(tenant.users["district9"])
    first = post(clerk, url)
    assert first.status_code == 200 and first.json()["status"] == "awaiting_mayor"
    assert not Order.objects.exists()
    with nothing_written("commerce", "needs"):
        again = post(clerk, url)
    assert again.status_code == 409 and again.json()["code"] == "chain_order"

    final = post(client_of(tenant.district9_mayor), url)
    assert final.status_code == 200 and final.json()["status"] == "approved"
    assert Order.objects.filter(quotation=quotation).count() == 1
    steps = AuditEvent.objects.filter(action__in=["quotation.clerk_approve", "quotation.approve"])
    assert list(steps.order_by("pk").values_list("action", flat=True)) == [
        "quotation.clerk_approve",
        "quotation.approve",
    ]
