"""The demo's group purchases of park benches: one closed by the officer, ordered and allocated (a share
received), one still collecting; on the story's clock, audited, and with a small town to sign in as."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from hamyar.accounts.models import User
from hamyar.catalog.models import Price
from hamyar.commerce.choices import DeliveryStatus, GroupPurchaseStatus, OrderStatus, ParticipantStatus
from hamyar.commerce.demo import POOLS
from hamyar.commerce.models import GroupPurchase, Order
from hamyar.commerce.selectors import pool_state
from hamyar.commerce.services.group_pricing import tier_price
from hamyar.core.audit import audit_verify_chain
from hamyar.core.models import AuditEvent
from hamyar.core.text import normalize
from hamyar.directory import demo as directory_demo
from hamyar.directory.models import Organization
from hamyar.needs.choices import NeedStatus


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


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


def pool_of(org, spec) -> GroupPurchase:
    return GroupPurchase.objects.get(organization=org, title=normalize(spec.title))


CLOSED, OPEN = POOLS


class TestTheGroupPurchasesOfTheDemo:
    def test_both_pools_exist_in_their_states(self, org):
        closed, open_ = pool_of(org, CLOSED), pool_of(org, OPEN)
        assert closed.status == GroupPurchaseStatus.ALLOCATED
        assert open_.status == GroupPurchaseStatus.OPEN
        today = timezone.localdate()
        assert open_.opens_on < today < open_.closes_on  # still collecting in the demo's today
        assert closed.opens_on < closed.closes_on < today
        for pool in (closed, open_):
            assert pool.provider.name == normalize("صنایع مبلمان شهری پارسه")
            assert pool.agreement.starts_on <= pool.opens_on and pool.closes_on <= pool.agreement.ends_on

    def test_small_towns_and_district_9_joined_the_closed_pool_and_each_got_its_order(self, org):
        pool = pool_of(org, CLOSED)
        joined = list(pool.participants.filter(status=ParticipantStatus.JOINED).select_related(
            "municipality", "order", "need"))
        names = {place.municipality.name_en for place in joined}
        assert "Mashhad District 9" in names
        towns = [place for place in joined if place.municipality.kind == "town"]
        assert len(towns) >= 3
        assert all(place.order is not None and place.order.municipality_id == place.municipality_id
                   for place in joined)
        assert all(place.need.status in (NeedStatus.APPROVED, NeedStatus.FULFILLED) for place in joined)
        # an invited municipality that did not join has no order
        assert pool.participants.filter(status=ParticipantStatus.INVITED, order__isnull=True).exists()

    def test_the_shares_add_up_to_the_supplier_order_to_the_rial(self, org):
        pool = pool_of(org, CLOSED)
        orders = Order.objects.filter(group_share__group_purchase=pool)
        assert orders.count() == pool.participants.filter(status=ParticipantStatus.JOINED).count() >= 4
        assert orders.aggregate(total=Sum("total"))["total"] == pool.total
        shares = pool.participants.filter(status=ParticipantStatus.JOINED).aggregate(
            subtotal=Sum("subtotal"), vat=Sum("vat_amount"), total=Sum("total"), alone=Sum("alone_subtotal"))
        assert (shares["subtotal"], shares["vat"], shares["total"]) == (pool.subtotal, pool.vat_amount,
                                                                        pool.total)
        assert shares["alone"] == pool.alone_subtotal and pool.saving > 0

    def test_the_closed_pool_reached_a_lower_tier_and_every_small_town_saved(self, org):
        pool = pool_of(org, CLOSED)
        item = pool.items.get()
        tiers = list(Price.objects.filter(price_list=pool.price_list, item=item.item)
                     .values_list("min_quantity", "unit_price"))
        assert len(tiers) >= 3
        assert pool.pooled_quantity == sum(join.quantity for join in CLOSED.joins) < pool.target_quantity
        assert item.unit_price == tier_price(tiers, pool.pooled_quantity) < tier_price(tiers, 1)
        for place in pool.participants.filter(status=ParticipantStatus.JOINED, municipality__kind="town"):
            assert place.quantity < 10 and place.saving == place.quantity * (tier_price(tiers, 1)
                                                                             - item.unit_price)

    def test_one_share_was_delivered_and_received(self, org):
        pool = pool_of(org, CLOSED)
        received = Order.objects.filter(group_share__group_purchase=pool, status=OrderStatus.CLOSED)
        assert received.count() == 1
        order = received.get()
        assert order.deliveries.get().status == DeliveryStatus.RECEIVED
        assert order.need.status == NeedStatus.FULFILLED
        others = Order.objects.filter(group_share__group_purchase=pool).exclude(status=OrderStatus.CLOSED)
        assert others.exists()

    def test_the_open_pool_has_joined_and_invited_municipalities_below_its_target(self, org):
        pool = pool_of(org, OPEN)
        joined = pool.participants.filter(status=ParticipantStatus.JOINED)
        invited = pool.participants.filter(status=ParticipantStatus.INVITED)
        assert joined.count() >= 2 and invited.count() >= 2
        assert all(place.invitation_reason for place in pool.participants.all())
        # invited for an open need of the pool's domain, and for the residents' suggestion
        assert invited.filter(invitation_reason__contains="N-", suggested_quantity__isnull=True).exists()
        assert invited.filter(suggested_quantity__gt=0).exists()
        assert not Order.objects.filter(group_share__group_purchase=pool).exists()
        state = pool_state(pool, User.objects.get(username="commerce"))
        assert state.pooled_quantity == sum(join.quantity for join in OPEN.joins) == joined.aggregate(
            n=Sum("quantity"))["n"]
        assert state.pooled_quantity >= pool.minimum_quantity
        assert state.next_tier is not None and state.to_target > 0

    def test_the_pools_happened_on_the_story_days(self, org):
        now = timezone.now()
        for spec in POOLS:
            pool = pool_of(org, spec)
            assert abs((now - pool.created_at) - dt.timedelta(days=spec.opened)) < dt.timedelta(hours=1)
            for place in pool.participants.filter(status=ParticipantStatus.JOINED).select_related("need"):
                assert pool.created_at < place.joined_at <= now
                assert place.need.created_at == place.joined_at
                if pool.closed_at:
                    assert place.joined_at < pool.closed_at
                    assert place.need.approved_at == pool.closed_at
            for order in Order.objects.filter(group_share__group_purchase=pool):
                placed = timezone.localdate(order.created_at)
                assert order.created_at == pool.closed_at and order.due_date > placed
                for delivery in order.deliveries.all():
                    assert placed <= delivery.delivered_on <= timezone.localdate()
        close = AuditEvent.objects.get(organization=org, action="group_purchase.close",
                                       object_id=str(pool_of(org, CLOSED).pk))
        assert close.actor.username == "commerce" and close.created_at == pool_of(org, CLOSED).closed_at

    def test_every_step_is_audited_and_the_chain_verifies(self, org):
        events = AuditEvent.objects.filter(organization=org)
        for spec in POOLS:
            pool = pool_of(org, spec)
            mine = events.filter(object_type="commerce.grouppurchase", object_id=str(pool.pk))
            actions = set(mine.values_list("action", flat=True))
            assert {"group_purchase.create", "group_purchase.invite"} <= actions
            assert events.filter(action="group_participant.join").count() >= 1
        assert audit_verify_chain(org.pk) is None
        run("audit_verify")

    def test_a_small_town_that_joined_has_a_demo_login(self, org):
        output = run("demo_logins")
        joined = {join.username for spec in POOLS for join in spec.joins}
        towns = User.objects.filter(username__in=joined, membership__municipality__kind="town")
        assert towns.count() >= 2
        for user in towns:
            assert f"  {user.username}  " in output
