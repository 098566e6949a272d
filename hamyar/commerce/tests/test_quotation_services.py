"""Quotation services: pricing, every transition of the chain and its refusals, audit and notifications."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from hamyar.accounts.models import Notification
from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.commerce import selectors, services
from hamyar.commerce.choices import QuotationStatus as S
from hamyar.commerce.models import CommercePolicy, Order, Quotation
from hamyar.commerce.services.pricing import LineInput
from hamyar.commerce.tests.factories import assigned_need, set_policy
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.core.models import AuditEvent
from hamyar.core.money import vat_amount
from hamyar.core.testing import nothing_written, one_audit_event
from hamyar.needs.choices import AssignmentKind, NeedStatus
from hamyar.needs.models import Assignment

BENCH_40 = 40 * 187_200_000  # the tier from 10 pieces
VAT_40 = BENCH_40 // 10


@pytest.fixture
def catalog(tenant):
    return build_catalog(tenant)


@pytest.fixture
def need(tenant, catalog):
    return assigned_need(tenant, catalog)


def policy(tenant, *, deputy=10**13, mayor=10**13, days=15) -> CommercePolicy:
    return set_policy(tenant, deputy_approval_above=deputy, mayor_approval_above=mayor,
                      quotation_validity_days=days)


class Actions:
    """The audit actions written inside a block, in order."""

    def __enter__(self):
        self.last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        return self

    def __exit__(self, *exc):
        self.actions = list(
            AuditEvent.objects.filter(pk__gt=self.last).order_by("pk").values_list("action", flat=True)
        )


def draft(tenant, need, **kwargs) -> Quotation:
    return services.quotation_create(need=need, acting_user=tenant.users["supplier"], **kwargs)


def sent(tenant, need, **kwargs) -> Quotation:
    return services.quotation_send(
        quotation=draft(tenant, need, **kwargs), acting_user=tenant.users["supplier"]
    )


def fresh(quotation: Quotation) -> Quotation:
    return Quotation.objects.select_related("need", "need__municipality").get(pk=quotation.pk)


# ---------------------------------------------------------------- money rules


@pytest.mark.parametrize(
    ("subtotal", "percent", "vat"),
    [
        (5, 10, 1),  # 0.5 Rial goes up
        (4, 10, 0),
        (15, 10, 2),  # 1.5 → 2 (half up, not to even)
        (25, 10, 3),  # 2.5 → 3
        (25, 9, 2),  # 2.25 → 2
        (1_000_005, 9, 90_000),  # 90000.45 → 90000
        (1_000_006, 9, 90_001),  # 90000.54 → 90001
        (BENCH_40, 10, VAT_40),
        (1_000_000, Decimal("9.5"), 95_000),
        (0, 10, 0),
    ],
)
def test_vat_is_whole_rial_rounded_half_up(subtotal, percent, vat):
    assert vat_amount(subtotal, percent) == vat


@pytest.mark.parametrize(
    ("quantity", "price"),
    [
        (1, 195_000_000),
        (9, 195_000_000),
        (10, 187_200_000),
        (49, 187_200_000),
        (50, 179_400_000),
        (500, 179_400_000),
    ],
)
def test_the_tier_is_the_highest_minimum_quantity_not_above_the_quantity(tenant, catalog, quantity, price):
    assert services.line_price(item=catalog.bench, provider=tenant.supplier, quantity=quantity) == price


def test_an_item_of_another_provider_has_no_list_price(tenant, catalog):
    assert services.line_price(item=catalog.bench, provider=tenant.affiliate, quantity=40) is None


def test_the_quotation_rounds_its_vat_once_on_the_subtotal(tenant, catalog, need, settings):
    settings.HAMYAR_VAT_PERCENT = 9
    line = need.lines.get()
    quotation = draft(
        tenant, need, lines=[LineInput(need_line=line, unit_price=187_200_001, price_reason="هزینه حمل")]
    )
    assert quotation.subtotal == 40 * 187_200_001
    assert quotation.vat_percent == 9
    # 7,488,000,040 × 9% = 673,920,003.6 → 673,920,004
    assert quotation.vat_amount == 673_920_004
    assert quotation.total == quotation.subtotal + 673_920_004


# ---------------------------------------------------------------- create and update


def test_the_supplier_prices_the_need_from_its_price_list_in_force(tenant, catalog, need):
    policy(tenant, days=20)
    with one_audit_event("quotation.create"):
        quotation = draft(tenant, need)
    assert quotation.status == S.DRAFT and quotation.revision == 1
    assert quotation.number.startswith("Q-")
    assert quotation.provider == tenant.supplier
    [line] = quotation.lines.all()
    assert (line.item, line.quantity, line.list_price, line.unit_price, line.amount) == (
        catalog.bench,
        40,
        187_200_000,
        187_200_000,
        BENCH_40,
    )
    assert line.need_line == need.lines.get()
    assert (quotation.subtotal, quotation.vat_amount, quotation.total) == (
        BENCH_40,
        VAT_40,
        BENCH_40 + VAT_40,
    )
    assert quotation.valid_until == timezone.localdate() + dt.timedelta(days=20)
    assert quotation.lead_time_days == 21
    # A represented supplier: the agreement in force is recorded for the municipality to see.
    assert quotation.agreement == tenant.agreement


def test_a_price_other_than_the_list_price_needs_a_reason(tenant, catalog, need):
    line = need.lines.get()
    with nothing_written("commerce", "needs"), pytest.raises(InvalidInput) as refused:
        draft(tenant, need, lines=[LineInput(need_line=line, unit_price=180_000_000)])
    assert "lines.0" in refused.value.extra["fields"]
    quotation = draft(
        tenant,
        need,
        lines=[LineInput(need_line=line, unit_price=180_000_000, price_reason="تخفیف حجمی توافق‌شده")],
    )
    [priced] = quotation.lines.all()
    assert (priced.list_price, priced.unit_price, priced.price_reason) == (
        187_200_000,
        180_000_000,
        "تخفیف حجمی توافق‌شده",
    )


def test_a_negative_price_or_a_past_validity_is_refused(tenant, catalog, need):
    line = need.lines.get()
    with nothing_written("commerce", "needs"):
        with pytest.raises(InvalidInput):
            draft(tenant, need, lines=[LineInput(need_line=line, unit_price=-1, price_reason="x")])
        with pytest.raises(InvalidInput):
            draft(tenant, need, valid_until=timezone.localdate() - dt.timedelta(days=1))


def test_an_officer_prices_for_the_assigned_provider(tenant, catalog, need):
    quotation = services.quotation_create(need=need, acting_user=tenant.users["commerce"])
    assert quotation.provider == tenant.supplier
    assert quotation.prepared_by == tenant.users["commerce"]


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("district9", PermissionDenied),
        ("finance", PermissionDenied),
        ("executive", PermissionDenied),
        ("project_manager", NotFound),  # another provider: the need is not theirs to see
    ],
)
def test_only_the_provider_or_an_officer_prices_a_need(tenant, catalog, need, who, error):
    with nothing_written("commerce", "needs"), pytest.raises(error):
        services.quotation_create(need=need, acting_user=tenant.users[who])


def test_a_need_of_another_tenant_is_not_found(tenant, other_tenant, catalog, need):
    with nothing_written("commerce", "needs"), pytest.raises(NotFound):
        services.quotation_create(need=need, acting_user=other_tenant.users["commerce"])


def test_a_need_not_yet_triaged_cannot_be_priced(tenant, catalog):
    need = assigned_need(tenant, catalog, status=NeedStatus.SUBMITTED)
    with nothing_written("commerce", "needs"), pytest.raises(ApplicationError) as refused:
        draft(tenant, need)
    assert refused.value.status == 409


def test_a_supplier_without_an_agreement_in_force_cannot_quote(tenant, catalog):
    need = assigned_need(tenant, catalog, provider=tenant.other_supplier)
    with nothing_written("commerce", "needs"), pytest.raises(ApplicationError) as refused:
        services.quotation_create(
            need=need,
            acting_user=tenant.users["commerce"],
            lines=[LineInput(need_line=need.lines.get(), unit_price=1000)],
        )
    assert refused.value.code == "no_agreement"


def test_a_second_draft_is_refused(tenant, catalog, need):
    draft(tenant, need)
    with nothing_written("commerce", "needs"), pytest.raises(ApplicationError):
        draft(tenant, need)


def test_a_draft_is_updated_and_repriced(tenant, catalog, need):
    quotation = draft(tenant, need)
    line = need.lines.get()
    with one_audit_event("quotation.update"):
        updated = services.quotation_update(
            quotation=quotation,
            acting_user=tenant.users["supplier"],
            note="تحویل در دو نوبت",
            lines=[LineInput(need_line=line, unit_price=185_000_000, price_reason="تخفیف")],
        )
    assert updated.subtotal == 40 * 185_000_000
    assert updated.note == "تحویل در دو نوبت"
    assert updated.lines.get().unit_price == 185_000_000


def test_a_sent_quotation_cannot_be_edited(tenant, catalog, need):
    policy(tenant)
    quotation = sent(tenant, need)
    with nothing_written("commerce", "needs"), pytest.raises(ApplicationError):
        services.quotation_update(quotation=quotation, acting_user=tenant.users["supplier"], note="x")


# ---------------------------------------------------------------- send and the deputy


def test_sending_below_the_deputy_threshold_goes_to_the_municipality(tenant, catalog, need):
    policy(tenant)
    quotation = draft(tenant, need)
    with Actions() as recorded:
        quotation = services.quotation_send(quotation=quotation, acting_user=tenant.users["supplier"])
    assert recorded.actions == ["quotation.send", "need.quoted"]
    assert quotation.status == S.SENT and quotation.sent_at is not None
    need.refresh_from_db()
    assert need.status == NeedStatus.QUOTED and need.first_quoted_at is not None
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"kr-d9", "kr-d9-mayor"}


def test_sending_above_the_deputy_threshold_waits_for_the_deputy(tenant, catalog, need):
    policy(tenant, deputy=5_000_000_000)
    quotation = draft(tenant, need)
    with Actions() as recorded:
        quotation = services.quotation_send(quotation=quotation, acting_user=tenant.users["commerce"])
    assert recorded.actions == ["quotation.send", "need.quoted"]
    assert quotation.status == S.AWAITING_DEPUTY and quotation.sent_at is None
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"kr-ceo"}
    # The municipality does not see it yet, so it cannot approve it: the chain cannot be skipped.
    with nothing_written("commerce", "needs"), pytest.raises(NotFound):
        services.quotation_approve(quotation=fresh(quotation), acting_user=tenant.users["district9"])
    assert not Order.objects.exists()


def test_only_an_executive_gives_the_deputys_approval(tenant, catalog, need):
    policy(tenant, deputy=5_000_000_000)
    quotation = sent(tenant, need)
    for who in ("commerce", "admin", "supplier"):
        with nothing_written("commerce", "needs"), pytest.raises(PermissionDenied):
            services.quotation_deputy_approve(quotation=fresh(quotation), acting_user=tenant.users[who])
    with one_audit_event("quotation.deputy_approve"):
        approved = services.quotation_deputy_approve(
            quotation=fresh(quotation), acting_user=tenant.users["executive"]
        )
    assert approved.status == S.SENT and approved.deputy_approved_by == tenant.users["executive"]
    assert approved.sent_at is not None
    with nothing_written("commerce", "needs"), pytest.raises(ApplicationError) as again:
        services.quotation_deputy_approve(quotation=fresh(quotation), acting_user=tenant.users["executive"])
    assert again.value.status == 409


def test_a_past_validity_must_be_changed_before_sending(tenant, catalog, need):
    quotation = draft(tenant, need)
    Quotation.objects.filter(pk=quotation.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    with nothing_written("commerce", "needs"), pytest.raises(ApplicationError):
        services.quotation_send(quotation=fresh(quotation), acting_user=tenant.users["supplier"])


def test_a_municipality_user_cannot_send(tenant, catalog, need):
    quotation = draft(tenant, need)
    with nothing_written("commerce", "needs"), pytest.raises(NotFound):
        services.quotation_send(quotation=quotation, acting_user=tenant.users["district9"])


# ---------------------------------------------------------------- the municipality's approval


def test_the_clerk_approves_below_the_mayor_threshold_and_the_order_is_placed(tenant, catalog, need):
    policy(tenant)
    quotation = sent(tenant, need)
    Notification.objects.all().delete()
    clerk = tenant.users["district9"]
    with Actions() as recorded:
        approved = services.quotation_approve(quotation=fresh(quotation), acting_user=clerk)
    assert recorded.actions == ["quotation.approve", "order.place", "need.approved"]
    assert approved.status == S.APPROVED and approved.clerk_approved_by == clerk
    assert approved.mayor_approved_by is None
    order = Order.objects.get()
    assert (order.quotation, order.total, order.municipality) == (approved, approved.total, tenant.district9)
    need.refresh_from_db()
    assert need.status == NeedStatus.APPROVED
    # The provider (and the officers) hear of it.
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"kr-supplier", "kr-commerce"} <= told and "kr-d9" not in told


def test_approving_twice_is_refused_and_places_no_second_order(tenant, catalog, need):
    policy(tenant)
    quotation = sent(tenant, need)
    services.quotation_approve(quotation=fresh(quotation), acting_user=tenant.users["district9"])
    with nothing_written("commerce", "needs"), pytest.raises(ApplicationError) as again:
        services.quotation_approve(quotation=fresh(quotation), acting_user=tenant.users["district9"])
    assert again.value.status == 409
    assert Order.objects.count() == 1


def test_above_the_mayor_threshold_the_clerk_alone_does_not_approve(tenant, catalog, need):
    policy(tenant, mayor=5_000_000_000)
    quotation = sent(tenant, need)
    Notification.objects.all().delete()
    with one_audit_event("quotation.clerk_approve"):
        waiting = services.quotation_approve(
            quotation=fresh(quotation), acting_user=tenant.users["district9"]
        )
    assert waiting.status == S.AWAITING_MAYOR
    assert not Order.objects.exists()
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"kr-d9-mayor"}
    # The clerk cannot approve a second time in the mayor's place.
    with nothing_written("commerce", "needs"), pytest.raises(ApplicationError):
        services.quotation_approve(quotation=fresh(quotation), acting_user=tenant.users["district9"])
    with Actions() as recorded:
        approved = services.quotation_approve(quotation=fresh(quotation), acting_user=tenant.district9_mayor)
    assert recorded.actions == ["quotation.approve", "order.place", "need.approved"]
    assert approved.status == S.APPROVED and approved.mayor_approved_by == tenant.district9_mayor
    assert Order.objects.count() == 1


def test_the_mayor_cannot_approve_before_the_clerk(tenant, catalog, need):
    policy(tenant, mayor=5_000_000_000)
    quotation = sent(tenant, need)
    with nothing_written("commerce", "needs"), pytest.raises(ApplicationError) as refused:
        services.quotation_approve(quotation=fresh(quotation), acting_user=tenant.district9_mayor)
    assert refused.value.code == "chain_order"


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("district10", NotFound),
        ("supplier", PermissionDenied),
        ("commerce", PermissionDenied),
        ("executive", PermissionDenied),
        ("project_manager", NotFound),
    ],
)
def test_only_the_municipality_approves(tenant, catalog, need, who, error):
    policy(tenant)
    quotation = sent(tenant, need)
    with nothing_written("commerce", "needs"), pytest.raises(error):
        services.quotation_approve(quotation=fresh(quotation), acting_user=tenant.users[who])


def test_another_tenant_cannot_approve(tenant, other_tenant, catalog, need):
    policy(tenant)
    quotation = sent(tenant, need)
    with nothing_written("commerce", "needs"), pytest.raises(NotFound):
        services.quotation_approve(quotation=fresh(quotation), acting_user=other_tenant.users["district9"])


def test_the_municipality_rejects_once_with_a_reason(tenant, catalog, need):
    policy(tenant)
    quotation = sent(tenant, need)
    with nothing_written("commerce", "needs"), pytest.raises(InvalidInput):
        services.quotation_reject(
            quotation=fresh(quotation), acting_user=tenant.users["district9"], reason=" "
        )
    with one_audit_event("quotation.reject"):
        rejected = services.quotation_reject(
            quotation=fresh(quotation),
            acting_user=tenant.users["district9"],
            reason="قیمت بالاتر از برآورد است",
        )
    assert rejected.status == S.REJECTED and rejected.reason == "قیمت بالاتر از برآورد است"
    with nothing_written("commerce", "needs"):
        with pytest.raises(ApplicationError):
            services.quotation_reject(
                quotation=fresh(quotation), acting_user=tenant.users["district9"], reason="باز هم"
            )
        with pytest.raises(ApplicationError):
            services.quotation_approve(quotation=fresh(quotation), acting_user=tenant.users["district9"])


# ---------------------------------------------------------------- revisions and expiry


def test_a_sent_revision_supersedes_the_earlier_one(tenant, catalog, need):
    policy(tenant)
    first = sent(tenant, need)
    second = draft(
        tenant,
        need,
        lines=[LineInput(need_line=need.lines.get(), unit_price=185_000_000, price_reason="تخفیف")],
    )
    assert second.revision == 2 and second.number != first.number
    assert fresh(first).status == S.SENT  # a draft revision replaces nothing yet
    with Actions() as recorded:
        services.quotation_send(quotation=second, acting_user=tenant.users["supplier"])
    assert recorded.actions == ["quotation.supersede", "quotation.send"]  # the need is already quoted
    assert fresh(first).status == S.SUPERSEDED
    with nothing_written("commerce", "needs"), pytest.raises(ApplicationError):
        services.quotation_approve(quotation=fresh(first), acting_user=tenant.users["district9"])


def test_the_expiry_task_expires_what_waits_past_its_validity(tenant, catalog, need):
    from hamyar.commerce.tasks import PERIODIC, quotation_expire_task

    policy(tenant)
    quotation = sent(tenant, need)
    waiting_draft = draft(tenant, assigned_need(tenant, catalog))
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Quotation.objects.filter(pk__in=[quotation.pk, waiting_draft.pk]).update(valid_until=yesterday)
    assert quotation_expire_task in PERIODIC
    with one_audit_event("quotation.expire"):
        result = quotation_expire_task.enqueue()
    assert result.return_value == 1
    assert fresh(quotation).status == S.EXPIRED
    assert fresh(waiting_draft).status == S.DRAFT  # only what waits for the municipality expires
    assert quotation_expire_task.enqueue().return_value == 0
    with nothing_written("commerce", "needs"), pytest.raises(ApplicationError):
        services.quotation_approve(quotation=fresh(quotation), acting_user=tenant.users["district9"])


def test_a_quotation_still_valid_today_does_not_expire(tenant, catalog, need):
    policy(tenant)
    quotation = sent(tenant, need)
    Quotation.objects.filter(pk=quotation.pk).update(valid_until=timezone.localdate())
    assert services.quotation_expire_due() == 0
    assert fresh(quotation).status == S.SENT


# ---------------------------------------------------------------- competing quotations


def competing_need(tenant, catalog):
    need = assigned_need(tenant, catalog)
    Assignment.objects.create(
        organization=tenant.org,
        need=need,
        provider=tenant.affiliate,
        kind=AssignmentKind.COMPETING,
        rank=2,
        assigned_by=tenant.users["commerce"],
    )
    return need


def test_competing_providers_offer_and_the_officer_chooses_one(tenant, catalog):
    policy(tenant)
    need = competing_need(tenant, catalog)
    line = need.lines.get()
    ours = draft(tenant, need)
    assert ours.is_competing
    with nothing_written("commerce", "needs"), pytest.raises(ApplicationError) as refused:
        services.quotation_send(quotation=ours, acting_user=tenant.users["supplier"])
    assert refused.value.code == "competing"
    with one_audit_event("quotation.offer"):
        services.quotation_offer(quotation=ours, acting_user=tenant.users["supplier"])
    # The affiliate has no price for the supplier's bench: it gives its own.
    theirs = services.quotation_create(
        need=need,
        acting_user=tenant.users["project_manager"],
        lines=[LineInput(need_line=line, unit_price=170_000_000)],
        lead_time_days=35,
    )
    services.quotation_offer(quotation=theirs, acting_user=tenant.users["project_manager"])
    comparison = services_comparison(tenant, need)
    assert [q.pk for q in comparison.quotations] == [theirs.pk, ours.pk]  # cheapest first
    assert comparison.cheapest_id == theirs.pk and comparison.fastest_id == ours.pk
    [(label, quantity, _unit, cells)] = comparison.rows
    assert quantity == 40 and [c.unit_price for c in cells] == [170_000_000, 187_200_000]
    # Choosing needs a reason and an officer.
    with nothing_written("commerce", "needs"):
        with pytest.raises(InvalidInput):
            services.quotation_choose(quotation=fresh(ours), acting_user=tenant.users["commerce"], reason="")
        with pytest.raises(PermissionDenied):
            services.quotation_choose(quotation=fresh(ours), acting_user=tenant.users["supplier"], reason="x")
    with Actions() as recorded:
        chosen = services.quotation_choose(
            quotation=fresh(ours),
            acting_user=tenant.users["commerce"],
            reason="نماینده رسمی با سابقه تحویل به‌موقع",
        )
    assert recorded.actions == ["quotation.choose", "quotation.not_chosen", "need.quoted"]
    assert chosen.status == S.SENT and chosen.choice_reason == "نماینده رسمی با سابقه تحویل به‌موقع"
    assert fresh(theirs).status == S.NOT_CHOSEN
    # The loser cannot come back with a revision.
    with nothing_written("commerce", "needs"), pytest.raises(ApplicationError):
        services.quotation_create(
            need=need,
            acting_user=tenant.users["project_manager"],
            lines=[LineInput(need_line=line, unit_price=160_000_000)],
        )
    # The chosen provider's revision goes the ordinary way.
    assert not draft(tenant, need).is_competing


def test_a_not_chosen_quotation_cannot_be_chosen_later(tenant, catalog):
    policy(tenant)
    need = competing_need(tenant, catalog)
    ours = services.quotation_offer(quotation=draft(tenant, need), acting_user=tenant.users["supplier"])
    theirs = services.quotation_create(
        need=need,
        acting_user=tenant.users["project_manager"],
        lines=[LineInput(need_line=need.lines.get(), unit_price=170_000_000)],
    )
    services.quotation_offer(quotation=theirs, acting_user=tenant.users["project_manager"])
    services.quotation_choose(quotation=fresh(ours), acting_user=tenant.users["commerce"], reason="کیفیت")
    with nothing_written("commerce", "needs"), pytest.raises(ApplicationError):
        services.quotation_choose(quotation=fresh(theirs), acting_user=tenant.users["commerce"], reason="x")


def services_comparison(tenant, need):
    from hamyar.commerce.selectors import quotation_comparison

    return quotation_comparison(user=tenant.users["commerce"], need=need)


# ---------------------------------------------------------------- policy


def test_the_policy_reads_the_defaults_without_writing_them(tenant):
    with nothing_written("commerce"):
        first = selectors.commerce_policy_get(organization_id=tenant.org.pk)
    assert not CommercePolicy.objects.exists() and first.pk is None
    assert (first.deputy_approval_above, first.mayor_approval_above, first.quotation_validity_days) == (
        5_000_000_000,
        10_000_000_000,
        15,
    )


def test_only_the_org_admin_changes_the_thresholds_and_it_is_audited(tenant):
    data = {
        "deputy_approval_above": 3_000_000_000,
        "mayor_approval_above": 8_000_000_000,
        "quotation_validity_days": 10,
    }
    with nothing_written("commerce"):
        with pytest.raises(PermissionDenied):
            services.commerce_policy_update(acting_user=tenant.users["commerce"], data=data)
        with pytest.raises(InvalidInput):
            services.commerce_policy_update(
                acting_user=tenant.users["admin"], data={**data, "quotation_validity_days": 0}
            )
        with pytest.raises(InvalidInput):
            services.commerce_policy_update(
                acting_user=tenant.users["admin"], data={**data, "deputy_approval_above": -1}
            )
    with one_audit_event("commerce_policy.update") as recorded:
        updated = services.commerce_policy_update(acting_user=tenant.users["admin"], data=data)
    assert updated.deputy_approval_above == 3_000_000_000 and updated.quotation_validity_days == 10
    assert recorded.event.before["deputy_approval_above"] == 5_000_000_000
    assert selectors.commerce_policy_get(organization_id=tenant.org.pk) == updated


def _cancel(tenant, need):
    from hamyar.needs.services import need_cancel

    need.refresh_from_db()
    need_cancel(need=need, acting_user=tenant.users["district9"], reason="بودجه منتقل شد")


def test_a_quotation_of_a_cancelled_need_cannot_be_approved_by_the_clerk(tenant, catalog, need):
    policy(tenant, mayor=5_000_000_000)
    quotation = sent(tenant, need)
    _cancel(tenant, need)
    with nothing_written("commerce", "needs"), pytest.raises(ApplicationError) as refused:
        services.quotation_approve(quotation=fresh(quotation), acting_user=tenant.users["district9"])
    assert refused.value.code == "need_state"
    assert fresh(quotation).status == S.SENT and not Order.objects.exists()


def test_a_quotation_of_a_cancelled_need_is_not_sent_on_by_the_deputy(tenant, catalog, need):
    policy(tenant, deputy=5_000_000_000)
    quotation = sent(tenant, need)
    assert quotation.status == S.AWAITING_DEPUTY
    _cancel(tenant, need)
    with nothing_written("commerce", "needs"), pytest.raises(ApplicationError) as refused:
        services.quotation_deputy_approve(quotation=fresh(quotation), acting_user=tenant.users["executive"])
    assert refused.value.code == "need_state"
    assert fresh(quotation).status == S.AWAITING_DEPUTY
