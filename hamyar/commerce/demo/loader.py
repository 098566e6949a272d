"""Loading the demo's commerce story through the services, as each person would act, idempotently."""

import datetime as dt
from collections import Counter
from typing import Any

from django.db import transaction
from django.utils import timezone

from hamyar.accounts.models import User
from hamyar.catalog.models import CatalogItem
from hamyar.core import clock
from hamyar.core.changes import announce
from hamyar.core.text import normalize
from hamyar.directory.models import MunicipalAsset, Municipality, Organization, Provider, ServiceDomain
from hamyar.needs import services as needs
from hamyar.needs.matching import rank_providers
from hamyar.needs.models import Assignment, Need, ServiceLevel

from .. import services
from ..choices import LIVE_STATUSES, QuotationStatus
from ..models import CommercePolicy, Delivery, Order, Quotation, Rating, Receipt
from .complaints import load_complaints
from .groups import load_pools
from .story import ITEMS_MAKER_REASON, NEEDS, PACE, POLICY, SERVICE_LEVELS, DemoNeed


class _Loader:
    def __init__(self, organization: Organization, acting_user: User):
        self.org = organization
        self.admin = acting_user
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.created: Counter = Counter()
        self.users = {
            u.username: u for u in User.objects.filter(membership__organization=organization)
        }
        self.municipalities = {m.name_en: m for m in Municipality.objects.filter(organization=organization)}
        self.domains = {d.code: d for d in ServiceDomain.objects.filter(organization=organization)}
        self.providers = {p.name: p for p in Provider.objects.filter(organization=organization)}
        self.items = {i.code: i for i in CatalogItem.objects.filter(organization=organization)}

    # ------------------------------------------------------------ settings

    def settings(self) -> None:
        if not CommercePolicy.objects.filter(organization=self.org).exists():
            services.commerce_policy_update(acting_user=self.admin, data=dict(POLICY))
            self.created["commerce policies"] += 1
        existing = set(ServiceLevel.objects.filter(organization=self.org)
                       .values_list("domain__code", flat=True))
        for code, (triage, quotation, delivery) in SERVICE_LEVELS.items():
            if code in existing or code not in self.domains:
                continue
            needs.service_level_set(acting_user=self.admin, domain=self.domains[code], triage_hours=triage,
                                    first_quotation_hours=quotation, delivery_days=delivery)
            self.created["service levels"] += 1

    # ------------------------------------------------------------ one story

    def ready(self, spec: DemoNeed) -> bool:
        """Everything the story names is in the organization (a partial demo skips what it lacks)."""
        usernames = {spec.author, spec.preparer, *(c[1] for c in spec.competitors)}
        return (spec.municipality in self.municipalities and usernames <= set(self.users)
                and all(code in self.items for code, _q in spec.lines)
                and (spec.domain is None or spec.domain in self.domains)
                and all(c[0] in self.providers for c in spec.competitors)
                and (spec.assign_to is None or spec.assign_to[0] in self.providers))

    def story(self, spec: DemoNeed) -> None:
        municipality = self.municipalities[spec.municipality]
        if Need.objects.filter(organization=self.org, municipality=municipality,
                               title=normalize(spec.title)).exists():
            return
        pace = {**PACE, **spec.pace}
        began = self.now - dt.timedelta(days=spec.started)

        def at(step: str, extra: float = 0) -> dt.datetime:
            return began + dt.timedelta(days=pace[step] + extra)

        author = self.users[spec.author]
        officer = self.users["commerce"]
        desired = began.date() + dt.timedelta(days=spec.desired_after) if spec.desired_after else None
        site = None
        if spec.site:
            site = MunicipalAsset.objects.get(municipality=municipality, name=normalize(spec.site))
        with clock.at(began):
            need = needs.need_create(
                acting_user=author, kind=spec.kind, title=spec.title,
                municipality=municipality if spec.author == "commerce" else None,
                domain=self.domains[spec.domain] if spec.domain else None, description=spec.description,
                site=site, budget_estimate=spec.budget,
                desired_date=desired if desired and desired >= self.today else None,
                lines=[{"item": self.items[code], "quantity": quantity} for code, quantity in spec.lines],
            )
        self.created["needs"] += 1
        stamps: dict[str, Any] = {"created_at": began}
        if desired and desired < self.today:
            stamps["desired_date"] = desired
        # Each step is audited at the story's time (clock.at), and its row stamped with the same time.
        if spec.reaches("submitted"):
            stamps["submitted_at"] = at("submit")
            with clock.at(stamps["submitted_at"]):
                needs.need_submit(need=need, acting_user=author)
        if spec.reaches("triaged"):
            stamps["triaged_at"] = at("triage")
            with clock.at(stamps["triaged_at"]):
                needs.need_triage(need=need, acting_user=officer)
        if spec.ending in ("cancel", "reject", "gap"):
            stamps["closed_at"] = at("end")
            with clock.at(stamps["closed_at"]):
                if spec.ending == "cancel":
                    needs.need_cancel(need=need, acting_user=author, reason=spec.reason)
                elif spec.ending == "reject":
                    needs.need_reject(need=need, acting_user=officer, reason=spec.reason)
                else:
                    needs.need_mark_gap(need=need, acting_user=officer, reason=spec.reason)
        elif spec.ending == "competing":
            stamps["assigned_at"] = at("assign")
            with clock.at(stamps["assigned_at"]):
                needs.need_request_competing(need=need, acting_user=officer, count=len(spec.competitors))
        if spec.reaches("assigned"):
            provider, reason = self._assignee(spec, need)
            stamps["assigned_at"] = at("assign")
            with clock.at(stamps["assigned_at"]):
                needs.need_assign(need=need, acting_user=officer, provider=provider, reason=reason)
        self._date_need(need, stamps)
        if spec.ending == "competing":
            self._competing(spec, need, at)
        if spec.reaches("quoted"):
            self._quotation(spec, need, at)

    def _assignee(self, spec: DemoNeed, need: Need) -> tuple[Provider | None, str]:
        """The story's provider, else the maker of the need's items (the officer says why when the
        ranking put another first), else the top match."""
        if spec.assign_to:
            return self.providers[spec.assign_to[0]], spec.assign_to[1]
        line = need.lines.select_related("item__provider").order_by("pk").first()
        if line is None or line.item is None:
            return None, ""
        top = rank_providers(need).top
        if top is not None and top.provider.pk == line.item.provider_id:
            return line.item.provider, ""
        return line.item.provider, ITEMS_MAKER_REASON

    def _date_need(self, need: Need, stamps: dict[str, Any]) -> None:
        last = max(v for v in stamps.values() if isinstance(v, dt.datetime))
        Need.objects.filter(pk=need.pk).update(**stamps, updated_at=last)
        announce(Need, [need.pk])  # the story's times: its month and clocks
        if "assigned_at" in stamps:
            Assignment.objects.filter(need=need).update(created_at=stamps["assigned_at"],
                                                        updated_at=stamps["assigned_at"])

    def _stamp(self, model, pk: int, **stamps) -> None:
        stamps.setdefault("updated_at", max(v for v in stamps.values() if isinstance(v, dt.datetime)))
        model.objects.filter(pk=pk).update(**stamps)
        announce(model, [pk])  # an order's month, due date and close count in the rollups

    def _valid_until(self, quotation: Quotation, created: dt.datetime) -> dt.date:
        """The validity counted from the day the quotation was priced; one still waiting for an answer
        keeps a date to come (the expiry task would expire it otherwise)."""
        days = CommercePolicy.objects.get(organization=self.org).quotation_validity_days
        story = timezone.localtime(created).date() + dt.timedelta(days=days)
        quotation.refresh_from_db(fields=["status", "valid_until"])
        if quotation.status in LIVE_STATUSES and story < self.today:
            return quotation.valid_until
        return story

    # ------------------------------------------------------------ quotations

    def _competing(self, spec: DemoNeed, need: Need, at) -> None:
        lines = list(need.lines.order_by("pk"))
        for index, (name, username, price) in enumerate(spec.competitors):
            provider = self.providers[name]
            given = None if price is None else [services.LineInput(need_line=line, unit_price=price)
                                                for line in lines]
            created = at("quote", index * 0.8)
            with clock.at(created):
                quotation = services.quotation_create(need=need, acting_user=self.users[username],
                                                      provider=provider, lines=given, note=spec.quote_note)
                services.quotation_offer(quotation=quotation, acting_user=self.users[username])
            self.created["quotations"] += 1
            self._stamp(Quotation, quotation.pk, created_at=created,
                        valid_until=self._valid_until(quotation, created))

    def _quotation(self, spec: DemoNeed, need: Need, at) -> None:
        preparer = self.users[spec.preparer]
        clerk = self.users[spec.author] if spec.author != "commerce" else None
        with clock.at(at("quote")):
            quotation = services.quotation_create(need=need, acting_user=preparer, note=spec.quote_note)
        first_quoted = at("send")
        with clock.at(first_quoted):
            quotation = services.quotation_send(quotation=quotation, acting_user=preparer)
        self.created["quotations"] += 1
        Need.objects.filter(pk=need.pk).update(first_quoted_at=first_quoted, updated_at=first_quoted)
        announce(Need, [need.pk])
        stamps = {"created_at": at("quote")}
        if quotation.sent_at is not None:  # to the municipality; not yet when it awaits the deputy
            stamps["sent_at"] = first_quoted
        suffix = ""
        if spec.first_rejected:
            quotation, stamps = self._chain(spec, quotation, stamps, at, clerk, until="sent")
            stamps["decided_at"] = at("clerk")
            with clock.at(stamps["decided_at"]):
                services.quotation_reject(quotation=quotation, acting_user=clerk, reason=spec.first_rejected)
            self._stamp(Quotation, quotation.pk, **stamps,
                        valid_until=self._valid_until(quotation, stamps["created_at"]))
            price, reason = spec.revision
            lines = [services.LineInput(need_line=line, unit_price=price, price_reason=reason)
                     for line in need.lines.order_by("pk")]
            with clock.at(at("revise")):
                quotation = services.quotation_create(need=need, acting_user=preparer, lines=lines,
                                                      note=spec.quote_note)
            with clock.at(at("resend")):
                quotation = services.quotation_send(quotation=quotation, acting_user=preparer)
            self.created["quotations"] += 1
            stamps = {"created_at": at("revise")}
            if quotation.sent_at is not None:
                stamps["sent_at"] = at("resend")
            suffix = "2"
        quotation, stamps = self._chain(spec, quotation, stamps, at, clerk, suffix=suffix)
        self._stamp(Quotation, quotation.pk, **stamps,
                    valid_until=self._valid_until(quotation, stamps["created_at"]))
        if quotation.status == QuotationStatus.APPROVED:
            Need.objects.filter(pk=need.pk).update(approved_at=stamps["decided_at"],
                                                   updated_at=stamps["decided_at"])
            announce(Need, [need.pk])
            self._order(spec, quotation, stamps["decided_at"], at)

    def _chain(self, spec: DemoNeed, quotation: Quotation, stamps: dict, at, clerk, *, until: str = "",
               suffix: str = "") -> tuple[Quotation, dict]:
        """The approval chain as far as the story goes: deputy, clerk, mayor."""
        if quotation.status == QuotationStatus.AWAITING_DEPUTY:
            if not spec.reaches("awaiting_mayor") and not until:
                return quotation, stamps
            stamps["deputy_approved_at"] = stamps["sent_at"] = at(f"deputy{suffix}")
            with clock.at(stamps["deputy_approved_at"]):
                quotation = services.quotation_deputy_approve(quotation=quotation,
                                                              acting_user=self.users["ceo"])
        if until == "sent" or not spec.reaches("awaiting_mayor") or clerk is None:
            return quotation, stamps
        stamps["clerk_approved_at"] = at(f"clerk{suffix}")
        with clock.at(stamps["clerk_approved_at"]):
            quotation = services.quotation_approve(quotation=quotation, acting_user=clerk)
        if quotation.status == QuotationStatus.AWAITING_MAYOR:
            if not spec.reaches("approved"):
                return quotation, stamps
            mayor = self.users[f"{spec.author}-mayor"]
            stamps["mayor_approved_at"] = at(f"mayor{suffix}")
            with clock.at(stamps["mayor_approved_at"]):
                quotation = services.quotation_approve(quotation=quotation, acting_user=mayor)
        stamps["decided_at"] = max(v for v in stamps.values() if isinstance(v, dt.datetime))
        return quotation, stamps

    # ------------------------------------------------------------ orders

    def _order(self, spec: DemoNeed, quotation: Quotation, placed: dt.datetime, at) -> None:
        order = Order.objects.get(quotation=quotation)
        self.created["orders"] += 1
        # The promised lead time counted from the day of the approval, as order_place counts it from today.
        due = order.due_date and timezone.localtime(placed).date() + (order.due_date - self.today)
        self._stamp(Order, order.pk, created_at=placed, due_date=due)
        order.refresh_from_db()
        if not spec.reaches("in_fulfilment"):
            return
        recorder = self.users[spec.preparer]
        started = max(placed + dt.timedelta(hours=2), at("start"))
        with clock.at(started):
            services.order_start(order=order, acting_user=recorder)
        self._stamp(Order, order.pk, updated_at=started)
        began = at("submit", -PACE["submit"])
        clerk = self.users[spec.author]
        lines = list(order.lines.order_by("pk"))
        last_answer = None
        for step in spec.deliveries:
            moment = began + dt.timedelta(days=step.day)
            with clock.at(moment):
                delivery = services.delivery_record(
                    order=order, acting_user=recorder, delivered_on=timezone.localtime(moment).date(),
                    quantities={line.pk: quantity
                                for line, quantity in zip(lines, step.quantities, strict=True)},
                    note=step.note,
                )
            self.created["deliveries"] += 1
            self._stamp(Delivery, delivery.pk, created_at=moment)
            if step.answer is None:
                continue
            answered = moment + dt.timedelta(days=step.answered_after)
            with clock.at(answered):
                if step.answer == "receive":
                    services.receipt_confirm(delivery=delivery, acting_user=clerk)
                else:
                    services.receipt_reject(delivery=delivery, acting_user=clerk, reason=step.reason)
            receipt = Receipt.objects.get(delivery=delivery)
            self._stamp(Receipt, receipt.pk, created_at=answered)
            self._stamp(Delivery, delivery.pk, created_at=moment, updated_at=answered)
            last_answer = answered
        order.refresh_from_db()
        if order.closed_at is not None and last_answer is not None:
            self._stamp(Order, order.pk, closed_at=last_answer)
            Need.objects.filter(pk=order.need_id).update(closed_at=last_answer, updated_at=last_answer)
            announce(Need, [order.need_id])
            if spec.rating and spec.reaches("rated"):
                score, comment = spec.rating
                rated = last_answer + dt.timedelta(days=spec.rated_after)
                with clock.at(rated):
                    rating = services.order_rate(order=order, acting_user=clerk, score=score, comment=comment)
                self.created["ratings"] += 1
                self._stamp(Rating, rating.pk, created_at=rated)


@transaction.atomic
def load_commerce_demo(*, organization: Organization, acting_user) -> Counter:
    """The needs, quotations, orders and ratings of the demo organization, then its group purchases and
    complaints; what was created."""
    loader = _Loader(organization, acting_user)
    loader.settings()
    for spec in sorted(NEEDS, key=lambda s: -s.started):  # the oldest first: ratings feed later rankings
        if loader.ready(spec):
            loader.story(spec)
    load_pools(loader)
    load_complaints(loader)
    return loader.created
