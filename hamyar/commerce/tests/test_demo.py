"""The demo's needs, quotations and orders: every state a page can show, over three months, all audited,
loaded once (a second run adds nothing), and every page of every demo user's navigation has content."""

import datetime as dt
import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from hamyar.accounts.models import User
from hamyar.commerce.choices import DeliveryStatus, OrderStatus, QuotationStatus
from hamyar.commerce.demo import NEEDS, POLICY, SERVICE_LEVELS
from hamyar.commerce.models import CommercePolicy, Complaint, Delivery, Order, Quotation, Rating
from hamyar.core.audit import audit_verify_chain
from hamyar.core.models import AuditEvent
from hamyar.core.text import normalize
from hamyar.directory import demo as directory_demo
from hamyar.directory.models import Organization, Provider
from hamyar.needs.choices import AssignmentKind, NeedStatus
from hamyar.needs.matching import rank_providers
from hamyar.needs.models import Need, ServiceLevel
from hamyar.needs.selectors import need_timeline
from hamyar.needs.sla import need_clocks
from hamyar.web.navigation import nav_items

CLOCKS = ("created_at", "submitted_at", "triaged_at", "assigned_at", "first_quoted_at", "approved_at",
          "closed_at")
# Pages listing the work of a role: with the demo loaded none of them may be empty for anyone.
WORK_SECTIONS = ("needs:", "commerce:")
DETAIL_LINK = re.compile(r'href="(/(?:needs|commerce/quotations|commerce/orders)/\d+/)"')


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = [m for m in apps.get_models(include_auto_created=True) if m.__module__.startswith("hamyar.")]
    counts = {model._meta.label: model._default_manager.count() for model in models}
    counts["accounts.User"] = User.objects.count()
    return counts


@pytest.fixture(scope="class")
def loaded_demo(django_db_setup, django_db_blocker):
    """The whole demo loaded once for the class; each test's changes roll back to it, and it to empty."""
    with django_db_blocker.unblock(), transaction.atomic():
        run("load_demo")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def org(loaded_demo, db) -> Organization:
    return Organization.objects.get(slug=directory_demo.ORGANIZATION["slug"])


def need(org, title: str) -> Need:
    return Need.objects.get(organization=org, title=title)


class TestTheCommerceDemo:
    def test_a_second_run_creates_nothing(self, org):
        before = row_counts()
        output = run("load_demo")
        assert row_counts() == before
        assert "nothing to add" in output

    def test_every_story_was_loaded(self, org):
        # (the needs made for the shares of the group purchases aside: test_group_demo.py)
        stories = Need.objects.filter(organization=org, group_participations__isnull=True)
        titles = set(stories.values_list("title", flat=True))
        assert titles == {normalize(spec.title) for spec in NEEDS}
        assert len(titles) >= 12

    def test_every_need_status_is_shown(self, org):
        needs = Need.objects.filter(organization=org)
        assert set(needs.values_list("status", flat=True)) == set(NeedStatus.values)
        municipalities = set(needs.values_list("municipality__name_en", flat=True))
        assert {"Mashhad District 9", "Shandiz"} <= municipalities
        assert any(name.startswith("Mashhad District") and name != "Mashhad District 9"
                   for name in municipalities)
        assert len(municipalities - {"Mashhad District 9"}) >= 5

    def test_submitted_needs_one_waiting_and_one_past_its_triage_target(self, org):
        submitted = Need.objects.filter(organization=org, status=NeedStatus.SUBMITTED)
        states = {need_clocks(n)[0].state for n in submitted}
        assert states == {"running", "overdue"}

    def test_a_triaged_need_has_a_ranking_of_several_providers(self, org):
        triaged = Need.objects.get(organization=org, status=NeedStatus.TRIAGED)
        ranking = rank_providers(triaged)
        assert len(ranking.candidates) >= 2
        assert ranking.candidates[0].score >= ranking.candidates[1].score

    def test_assigned_needs_wait_for_their_provider(self, org):
        assigned = Need.objects.filter(organization=org, status=NeedStatus.ASSIGNED, provider__isnull=False)
        assert assigned.exists()
        assert not Quotation.objects.filter(need__in=assigned).exists()
        supplier = User.objects.get(username="supplier").membership.provider
        assert assigned.filter(provider=supplier).exists()  # the supplier's work queue has something

    def test_quotations_wait_for_the_deputy_the_mayor_and_the_municipality(self, org):
        quotations = Quotation.objects.filter(organization=org)
        statuses = set(quotations.values_list("status", flat=True))
        assert {QuotationStatus.AWAITING_DEPUTY, QuotationStatus.AWAITING_MAYOR, QuotationStatus.SENT,
                QuotationStatus.OFFERED, QuotationStatus.APPROVED, QuotationStatus.REJECTED} <= statuses
        mayor = quotations.get(status=QuotationStatus.AWAITING_MAYOR)
        policy = CommercePolicy.objects.get(organization=org)
        assert mayor.total > policy.mayor_approval_above and mayor.deputy_approved_by.username == "ceo"
        assert mayor.clerk_approved_by.username == "district9" and mayor.need.status == NeedStatus.QUOTED
        deputy = quotations.get(status=QuotationStatus.AWAITING_DEPUTY)
        assert deputy.total > policy.deputy_approval_above and deputy.sent_at is None
        # Waiting quotations are still valid: the expiry task leaves them alone.
        waiting = quotations.filter(status__in=[QuotationStatus.AWAITING_DEPUTY, QuotationStatus.SENT,
                                                QuotationStatus.AWAITING_MAYOR, QuotationStatus.OFFERED])
        assert all(q.valid_until >= timezone.localdate() for q in waiting)

    def test_a_rejected_price_was_revised_and_the_revision_approved(self, org):
        rejected = Quotation.objects.get(organization=org, status=QuotationStatus.REJECTED)
        assert rejected.reason
        revision = Quotation.objects.get(need=rejected.need, revision=2)
        assert revision.status == QuotationStatus.APPROVED and revision.total < rejected.total
        assert all(line.price_reason for line in revision.lines.all())

    def test_two_competing_offers_wait_for_the_officer(self, org):
        competing = Need.objects.filter(organization=org, assignments__kind=AssignmentKind.COMPETING,
                                        status=NeedStatus.ASSIGNED).distinct().get()
        offers = competing.quotations.filter(status=QuotationStatus.OFFERED, is_competing=True)
        assert offers.count() == 2
        assert offers.values("provider").distinct().count() == 2

    def test_orders_in_every_status_and_deliveries_in_every_state(self, org):
        orders = Order.objects.filter(organization=org)
        assert {OrderStatus.IN_FULFILMENT, OrderStatus.PARTIALLY_DELIVERED, OrderStatus.DELIVERED,
                OrderStatus.CLOSED} <= set(orders.values_list("status", flat=True))
        deliveries = Delivery.objects.filter(organization=org)
        assert set(deliveries.values_list("status", flat=True)) == set(DeliveryStatus.values)
        rejected = deliveries.get(status=DeliveryStatus.REJECTED)
        assert rejected.receipt.reason and rejected.order.status == OrderStatus.CLOSED
        for order in orders.filter(status=OrderStatus.CLOSED):
            assert order.need.status == NeedStatus.FULFILLED
            assert all(line.received_quantity == line.quantity for line in order.lines.all())

    def test_closed_orders_are_rated_and_the_providers_have_scorecards(self, org):
        ratings = Rating.objects.filter(organization=org)
        assert ratings.count() >= 2
        assert {r.on_time for r in ratings} == {True, False}
        for rating in ratings:
            provider = Provider.objects.get(pk=rating.provider_id)
            assert provider.rated_orders >= 1 and provider.rating is not None

    def test_rejected_cancelled_and_capability_gaps_carry_their_reason(self, org):
        closed = Need.objects.filter(organization=org, status__in=[NeedStatus.REJECTED, NeedStatus.CANCELLED])
        assert all(n.reason and n.closed_at for n in closed)
        gaps = closed.filter(is_capability_gap=True)
        assert gaps.count() >= 1 and {g.domain.code for g in gaps} <= set(directory_demo.GAP_DOMAINS)
        assert closed.filter(status=NeedStatus.REJECTED, is_capability_gap=False).exists()
        assert closed.filter(status=NeedStatus.CANCELLED).exists()

    def test_vakilabad_park_benches_went_the_whole_way(self, org):
        benches = Need.objects.get(organization=org, site__name="پارک وکیل‌آباد",
                                   lines__item__code="PRS-BN-01")
        assert benches.municipality.name_en == "Mashhad District 9"
        assert benches.lines.get().quantity == 40
        quotation = benches.quotations.get(status=QuotationStatus.APPROVED)
        assert (quotation.deputy_approved_by.username, quotation.clerk_approved_by.username,
                quotation.mayor_approved_by.username) == ("ceo", "district9", "district9-mayor")
        order = quotation.order
        assert order.status == OrderStatus.CLOSED and order.rating.score == 5 and order.rating.on_time
        received = order.deliveries.filter(status=DeliveryStatus.RECEIVED)
        delivered = sorted(d.lines.get().quantity for d in received)
        assert delivered == [15, 25]

    def test_clocks_run_in_order_over_the_last_three_months(self, org):
        now = timezone.now()
        needs = list(Need.objects.filter(organization=org))
        for n in needs:
            stamps = [getattr(n, name) for name in CLOCKS if getattr(n, name) is not None]
            assert stamps == sorted(stamps) and stamps[-1] <= now, n.title
        oldest = min(n.created_at for n in needs)
        assert now - dt.timedelta(days=100) <= oldest <= now - dt.timedelta(days=75)
        for order in Order.objects.filter(organization=org):
            assert order.created_at >= order.need.approved_at - dt.timedelta(seconds=1)
            for delivery in order.deliveries.all():
                assert timezone.localdate(order.created_at) <= delivery.delivered_on <= timezone.localdate()

    def test_thresholds_and_service_levels_are_set(self, org):
        policy = CommercePolicy.objects.get(organization=org)
        assert {key: getattr(policy, key) for key in POLICY} == POLICY
        levels = ServiceLevel.objects.filter(organization=org)
        assert set(levels.values_list("domain__code", flat=True)) == set(SERVICE_LEVELS)
        assert not levels.filter(domain__parent__isnull=False).exists()

    # Which clock of the need each step of its timeline set.
    STEP_CLOCKS = {"need.create": "created_at", "need.submit": "submitted_at", "need.triage": "triaged_at",
                   "need.assign": "assigned_at", "need.request_competing": "assigned_at",
                   "need.cancel": "closed_at", "need.reject": "closed_at", "need.mark_gap": "closed_at",
                   "need.quoted": "first_quoted_at", "need.approved": "approved_at",
                   "need.fulfilled": "closed_at"}

    def test_each_needs_timeline_happens_on_the_days_its_clocks_show(self, org):
        checked = 0
        for need in Need.objects.filter(organization=org):
            for event in need_timeline(need=need):
                field = self.STEP_CLOCKS.get(event.action)
                if field is None:
                    continue
                expected = getattr(need, field)
                assert expected is not None, (need.title, event.action)
                assert abs(event.created_at - expected) < dt.timedelta(seconds=1), (need.title, event.action)
                checked += 1
        assert checked >= 3 * Need.objects.filter(organization=org).count()
        # and the chain written at those times is intact
        assert audit_verify_chain(org.pk) is None

    def test_every_step_is_audited_and_the_chain_verifies(self, org):
        events = AuditEvent.objects.filter(organization=org)
        for n in Need.objects.filter(organization=org):
            assert events.filter(object_type="needs.need", object_id=str(n.pk),
                                 action__in=["need.create", "need.create_for_group_purchase"]).exists()
        assert events.filter(action="quotation.mayor_approve").exists() or events.filter(
            action="quotation.approve", object_type="commerce.quotation").exists()
        assert events.filter(action="order.close").count() == Order.objects.filter(
            organization=org, status=OrderStatus.CLOSED).count()
        run("audit_verify")  # raises CommandError at the first changed or missing event

    def test_every_page_of_every_demo_users_navigation_has_content(self, org):
        client = Client()
        for spec in directory_demo.USERS:
            user = User.objects.select_related("membership").get(username=spec["username"])
            client.force_login(user)
            seen: set[str] = set()
            for item in nav_items(user.membership):
                response = client.get(item.url)
                assert response.status_code == 200, (spec["username"], item.url)
                html = response.content.decode()
                assert "<main" in html and str(item.label) in html, (spec["username"], item.url)
                if item.section.startswith(WORK_SECTIONS):
                    assert 'class="empty' not in html, (spec["username"], item.url)
                    seen.update(DETAIL_LINK.findall(html))
            assert seen, spec["username"]
            for url in sorted(seen):
                response = client.get(url)
                assert response.status_code == 200, (spec["username"], url)
            client.logout()

    def test_the_demo_complaints_show_each_state_and_each_complainant_sees_its_own(self, org):
        from hamyar.commerce.selectors import complaint_list, is_overdue

        complaints = list(Complaint.objects.filter(organization=org))
        assert {c.status for c in complaints} >= {"filed", "assigned", "answered", "closed"}
        assert any(is_overdue(c) for c in complaints)
        assert any(c.attachments.exists() for c in complaints)
        assert any(c.complainant_provider_id for c in complaints)
        for username in ("district9", "shandiz", "torqabeh", "kariz", "supplier", "commerce", "ceo"):
            user = User.objects.get(username=username)
            assert complaint_list(user=user).exists(), username
        for c in complaints:  # every step of each on the day the story says, and the chain intact
            assert c.due_at > c.filed_at
        assert audit_verify_chain(org.pk) is None
