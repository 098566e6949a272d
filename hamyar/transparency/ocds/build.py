"""Contracting processes as OCDS 1.1 releases, computed from the current rows on demand.

Why computed and not stored: every fact a release states is already kept, with the time it was
recorded, by the apps below (a need's `submitted_at`, a quotation's `sent_at`, an order's and a
delivery's `created_at`, a change order's `decided_at`, a payment's `created_at`…). Each of those
events becomes one release, dated when it was recorded and holding only what that event added or
changed; OCDS merging (identifier merge of `awards`, `contracts`, `amendments`, `milestones`,
`transactions`) compiles them into the record. A release's `id` is its ocid, its first tag and a hash of
its content, so it stays the same for as long as what it says is unchanged, and a change (a new
quotation, a delivery, an approved change order) is a new release. Stored `Release` rows written by
`core.changes` listeners would need every service to announce every row it writes (most do not yet) and
a back-fill for the history; computing needs neither, cannot drift from the rows, and changes with the
publication policy at once. What it costs: a request reads the organization's processes (a fixed number
of queries, not one per process), which the bulk file and the page size keep bounded.

Nothing here reads a user: parties are the municipality (buyer), the organization (procuring entity,
payee) and providers (tenderers, suppliers); every text passes through the `Redactor`.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q

from hamyar.commerce.choices import DeliveryStatus, QuotationStatus
from hamyar.commerce.group_models import GroupPurchase, Participant
from hamyar.commerce.models import Delivery, Order, Quotation, Receipt, unit_label
from hamyar.directory.models import Municipality, Organization, Provider, ServiceDomain
from hamyar.finance.models import Payment
from hamyar.needs.choices import AssignmentKind, NeedKind, NeedStatus
from hamyar.needs.models import Assignment, Need, NeedLine
from hamyar.projects.choices import ChangeOrderStatus, ProjectStatus
from hamyar.projects.models import ChangeOrder, Milestone, Project

from ..choices import ProcessKind
from .privacy import Redactor
from .releases import Process, Stage, clean, deep_update, digest, money, ocds_date, release_hash

__all__ = ["Process", "build_processes"]

DOMAIN_SCHEME = "X-HAMYAR-DOMAIN"
LEGAL_ID_SCHEME = "IR-NLID"  # شناسه ملی اشخاص حقوقی: the 11-digit national ID of a legal entity
CATEGORY = {NeedKind.GOODS: "goods", NeedKind.SERVICE: "services", NeedKind.PROJECT: "works"}
KIND_OF_NEED = {NeedKind.GOODS: ProcessKind.GOODS, NeedKind.SERVICE: ProcessKind.SERVICES,
                NeedKind.PROJECT: ProcessKind.WORKS}
# Release texts are data in Persian (the release's `language`), not interface messages: they do not
# follow the reader's language, so a release says the same (and keeps its id) for every reader.
GROUP_METHOD = "خرید تجمیعی: نیاز یکسان شهرداری‌ها با نرخ پلکانی فهرست بهای تأمین‌کننده، به نمایندگی سازمان"
COMPETING_METHOD = "استعلام پیش‌فاکتور رقابتی از ارائه‌دهندگان توانمند"
DIRECT_METHOD = "ارجاع به ارائه‌دهنده برتر بر پایه نقشه توانمندی"
PROJECT_METHOD = "واگذاری به واحد ستادی یا شرکت وابسته سازمان"


class _Builder:
    """Reads one organization's processes in a fixed number of queries and turns them into releases."""

    def __init__(self, organization: Organization, redactor: Redactor | None = None) -> None:
        self.org = organization
        self.prefix = f"{settings.HAMYAR_OCID_PREFIX}-{organization.slug}"
        self.redactor = redactor or Redactor.for_organization(organization.pk)
        org_id = organization.pk
        self.domains = {d.pk: d for d in ServiceDomain.objects.filter(organization_id=org_id)}
        self.municipalities = {m.pk: m for m in Municipality.objects.filter(organization_id=org_id)}
        self.providers = {p.pk: p for p in Provider.objects.filter(organization_id=org_id)}
        self.org_party_id = f"HMY-ORG-{organization.slug}"
        # Payments reach a contract through their invoice: a delivery's order, or a milestone's project.
        self.payments_of_order: dict[int, list[Payment]] = defaultdict(list)
        self.payments_of_project: dict[int, list[Payment]] = defaultdict(list)
        payments = (Payment.objects.filter(organization_id=org_id)
                    .select_related("invoice__delivery", "invoice__payment_request")
                    .exclude(invoice__status="void").order_by("created_at", "pk"))
        for payment in payments:
            invoice = payment.invoice
            if invoice.delivery is not None:
                self.payments_of_order[invoice.delivery.order_id].append(payment)
            elif invoice.payment_request is not None:
                self.payments_of_project[invoice.payment_request.project_id].append(payment)
        self.deliveries_of_order: dict[int, list[Delivery]] = defaultdict(list)
        for delivery in (Delivery.objects.filter(organization_id=org_id).order_by("created_at", "pk")):
            self.deliveries_of_order[delivery.order_id].append(delivery)
        self.receipts = {r.delivery_id: r for r in Receipt.objects.filter(organization_id=org_id)}

    # ------------------------------------------------------------ parties

    def text(self, value: str | None) -> str:
        return self.redactor.text(value)

    def organization_party(self) -> dict[str, Any]:
        return {"id": self.org_party_id, "name": self.text(self.org.name),
                "identifier": {"scheme": "X-HAMYAR", "id": self.org.slug,
                               "legalName": self.text(self.org.name)},
                "address": {"region": self.org.province, "countryName": "ایران"}}

    def municipality_party(self, pk: int) -> dict[str, Any]:
        municipality = self.municipalities[pk]
        parent = self.municipalities.get(municipality.parent_id) if municipality.parent_id else None
        return {"id": f"HMY-MUN-{digest(self.org.pk, 'municipality', pk)}",
                "name": self.text(municipality.name),
                "address": {"locality": self.text(parent.name if parent else municipality.name),
                            "region": self.org.province, "countryName": "ایران"}}

    def provider_party(self, pk: int) -> dict[str, Any]:
        # A provider is a legal entity or one of the organization's own units: never a natural person, so
        # its legal ID may be published; its contact person, mobile and e-mail never are.
        provider = self.providers[pk]
        party: dict[str, Any] = {"name": self.text(provider.name)}
        if provider.legal_id:
            party["id"] = f"{LEGAL_ID_SCHEME}-{provider.legal_id}"
            party["identifier"] = {"scheme": LEGAL_ID_SCHEME, "id": provider.legal_id,
                                   "legalName": party["name"]}
        else:
            party["id"] = f"HMY-PRV-{digest(self.org.pk, 'provider', pk)}"
        if provider.city:
            party["address"] = {"locality": self.text(provider.city), "countryName": "ایران"}
        return party

    def ref(self, party: dict[str, Any]) -> dict[str, Any]:
        return {"id": party["id"], "name": party["name"]}

    # ------------------------------------------------------------ shared pieces

    def classification(self, domain_id: int) -> dict[str, Any]:
        domain = self.domains[domain_id]
        return {"scheme": DOMAIN_SCHEME, "id": domain.code, "description": self.text(domain.name)}

    def payment_stages(self, contract_id: str, payments: Iterable[Payment], municipality_id: int,
                       payer: dict[str, Any] | None = None) -> list[Stage]:
        """Each payment received against the contract's invoices: a transaction, municipality → org."""
        payer = payer or self.municipality_party(municipality_id)
        payee = self.organization_party()
        stages: list[Stage] = []
        count: defaultdict[str, int] = defaultdict(int)
        for payment in payments:
            count[payment.invoice.number] += 1
            transaction = {"id": f"{payment.invoice.number}-{count[payment.invoice.number]}",
                           "date": ocds_date(payment.paid_on), "value": money(payment.amount),
                           "payer": self.ref(payer), "payee": self.ref(payee)}
            stages.append(Stage(payment.created_at, ["implementation"],
                                {"contracts": [{"id": contract_id, "awardID": None,
                                                "implementation": {"transactions": [transaction]}}]},
                                {payer["id"]: {"payer"}, payee["id"]: {"payee"}}))
        return stages

    def delivery_stages(self, order: Order, contract_id: str, award_id: str) -> list[Stage]:
        """Each delivery of an order: a delivery milestone, met or not met once the municipality answers."""
        stages = []
        for delivery in self.deliveries_of_order.get(order.pk, []):
            milestone = {"id": delivery.number, "title": f"تحویل {delivery.number}", "type": "delivery",
                         "dueDate": ocds_date(delivery.delivered_on), "status": "scheduled"}
            stages.append(Stage(delivery.created_at, ["implementation"], {"contracts": [
                {"id": contract_id, "awardID": award_id, "implementation": {"milestones": [milestone]}}]}))
            receipt = self.receipts.get(delivery.pk)
            if receipt is not None and delivery.status != DeliveryStatus.AWAITING_RECEIPT:
                answer = {"id": delivery.number, "status": "met" if receipt.accepted else "notMet",
                          "dateMet": ocds_date(delivery.delivered_on) if receipt.accepted else None,
                          "description": "" if receipt.accepted else self.text(receipt.reason),
                          "dateModified": ocds_date(max(receipt.created_at, delivery.created_at))}
                stages.append(Stage(max(receipt.created_at, delivery.created_at), ["implementation"],
                                    {"contracts": [{"id": contract_id, "awardID": award_id,
                                                    "implementation": {"milestones": [answer]}}]}))
        return stages

    def order_contract(self, order: Order, award_id: str, title: str) -> Stage:
        contract = {"id": order.number, "awardID": award_id, "title": self.text(title), "status": "active",
                    "value": money(order.total), "dateSigned": ocds_date(order.created_at),
                    "period": {"startDate": ocds_date(order.created_at),
                               "endDate": ocds_date(order.due_date)}}
        return Stage(order.created_at, ["contract"], {"contracts": [contract]})

    def finish(self, ocid: str, kind: ProcessKind, domain_id: int, title: str, stages: list[Stage],
               buyer: dict[str, Any], parties: dict[str, dict[str, Any]]) -> Process | None:
        """Stages → releases: same instant folded into one, roles accumulated, ids from the content."""
        if not stages:
            return None
        stages.sort(key=lambda stage: stage.when)
        folded: list[Stage] = []
        for stage in stages:
            when = stage.when.replace(microsecond=0)
            if folded and folded[-1].when == when:
                last = folded[-1]
                last.tags += [tag for tag in stage.tags if tag not in last.tags]
                deep_update(last.content, stage.content)
                for party_id, roles in stage.roles.items():
                    last.roles.setdefault(party_id, set()).update(roles)
            else:
                folded.append(Stage(when, list(stage.tags), stage.content,
                                    {k: set(v) for k, v in stage.roles.items()}))
        roles_so_far: dict[str, set[str]] = defaultdict(set)
        releases = []
        for stage in folded:
            stage.roles.setdefault(buyer["id"], set()).add("buyer")
            for party_id, roles in stage.roles.items():
                roles_so_far[party_id] |= roles
            release = {
                "ocid": ocid, "id": "", "date": ocds_date(stage.when), "tag": stage.tags,
                "initiationType": "tender", "language": "fa",
                "parties": [{**parties[party_id], "roles": sorted(roles_so_far[party_id])}
                            for party_id in sorted(stage.roles)],
                "buyer": self.ref(buyer), **stage.content,
            }
            release = clean(release)
            release["id"] = f"{ocid}-{stage.tags[0]}-{release_hash(release)[:12]}"
            releases.append(release)
        return Process(ocid=ocid, kind=kind, domain_id=domain_id, title=self.text(title), releases=releases)

    # ------------------------------------------------------------ needs (and their projects)

    def need_processes(self, projects: dict[int, Project]) -> list[Process]:
        org_id = self.org.pk
        # A need pooled into a group purchase is published with its pool, not on its own.
        pooled = Participant.objects.filter(Q(status="joined") | Q(order__isnull=False),
                                            organization_id=org_id, need__isnull=False)
        needs = list(Need.objects.filter(organization_id=org_id, submitted_at__isnull=False)
                     .exclude(pk__in=pooled.values("need_id")).order_by("submitted_at", "pk"))
        # Every row of the organization, grouped here: no IN list that grows with the needs.
        of_org = {"organization_id": org_id}
        lines: dict[int, list[NeedLine]] = defaultdict(list)
        for line in NeedLine.objects.filter(**of_org).select_related("item"):
            lines[line.need_id].append(line)
        quotations: dict[int, list[Quotation]] = defaultdict(list)
        for quotation in (Quotation.objects.filter(**of_org).exclude(status=QuotationStatus.DRAFT)
                          .order_by("created_at", "pk")):
            quotations[quotation.need_id].append(quotation)
        orders = {order.quotation_id: order for order in Order.objects.filter(**of_org)}
        competing = set(Assignment.objects.filter(**of_org, kind=AssignmentKind.COMPETING)
                        .values_list("need_id", flat=True))
        reasons = dict(Assignment.objects.filter(**of_org, kind=AssignmentKind.PRIMARY, is_active=True)
                       .values_list("need_id", "reason"))
        found = []
        for need in needs:
            offers = quotations[need.pk]
            is_competing = need.pk in competing or any(q.is_competing for q in offers)
            process = self.need_process(need, lines[need.pk], offers, orders, is_competing,
                                        reasons.get(need.pk, ""), projects.get(need.pk))
            if process is not None:
                found.append(process)
        return found

    def need_items(self, need: Need, lines: list[NeedLine]) -> list[dict[str, Any]]:
        classification = self.classification(need.domain_id)
        if not lines:
            return [{"id": "1", "description": self.text(need.title), "classification": classification}]
        return [{"id": str(number),
                 "description": self.text(line.description or (line.item.name if line.item else "")),
                 "classification": classification, "quantity": line.quantity,
                 "unit": {"name": unit_label(line.unit)}}
                for number, line in enumerate(lines, start=1)]

    def need_process(self, need: Need, lines: list[NeedLine], quotations: list[Quotation],
                     orders: dict[int, Order], is_competing: bool, assignment_reason: str,
                     project: Project | None) -> Process | None:
        ocid = f"{self.prefix}-{need.number}"
        buyer = self.municipality_party(need.municipality_id)
        organization = self.organization_party()
        parties = {buyer["id"]: buyer, organization["id"]: organization}
        category = CATEGORY[NeedKind(need.kind)]
        tender_id = need.number
        submitted = need.submitted_at
        assert submitted is not None  # only submitted needs are read
        stages = [Stage(submitted, ["planning"], {
            "planning": {"rationale": self.text(need.description),
                         "budget": {"description": self.text(need.title),
                                    "amount": money(need.budget_estimate)}},
            "tender": {"id": tender_id, "title": self.text(need.title), "status": "planning",
                       "mainProcurementCategory": category, "items": self.need_items(need, lines),
                       "procuringEntity": self.ref(organization)},
        }, {organization["id"]: {"procuringEntity"}})]
        method = ("limited", COMPETING_METHOD) if is_competing else ("direct", DIRECT_METHOD)
        tenderers: list[int] = []
        first_offer = None
        for quotation in quotations:
            offered = quotation.sent_at or quotation.created_at
            first_offer = first_offer or offered
            party = self.provider_party(quotation.provider_id)
            parties[party["id"]] = party
            if quotation.provider_id not in tenderers:
                tenderers.append(quotation.provider_id)
            stages.append(Stage(max(offered, submitted), ["tender"], {"tender": {
                "id": tender_id, "status": "active", "procurementMethod": method[0],
                "procurementMethodDetails": method[1], "tenderers": [self.ref(party)],
                "numberOfTenderers": len(tenderers), "tenderPeriod": {"startDate": ocds_date(first_offer)},
            }}, {party["id"]: {"tenderer"}}))
        approved = next((q for q in quotations if q.status == QuotationStatus.APPROVED), None)
        award_id = None
        if approved is not None:
            award_id = approved.number
            supplier = self.provider_party(approved.provider_id)
            when = max(approved.decided_at or need.approved_at or approved.updated_at, submitted)
            stages.append(Stage(when, ["award"], {
                "tender": {"id": tender_id, "status": "complete",
                           "awardPeriod": {"endDate": ocds_date(when)}},
                "awards": [{"id": award_id, "title": self.text(need.title), "status": "active",
                            "date": ocds_date(when), "value": money(approved.total),
                            "suppliers": [self.ref(supplier)],
                            "description": self.text(approved.choice_reason or assignment_reason)}],
            }, {supplier["id"]: {"supplier"}}))
            order = orders.get(approved.pk)
            if order is not None:
                stages.append(self.order_contract(order, award_id, need.title))
                stages += self.delivery_stages(order, order.number, award_id)
                stages += self.payment_stages(order.number, self.payments_of_order.get(order.pk, []),
                                              need.municipality_id, buyer)
        if project is not None:
            stages += self.project_stages(project, tender_id, award_id, parties, organization, buyer)
        if need.status in (NeedStatus.REJECTED, NeedStatus.CANCELLED):
            status = "cancelled" if need.status == NeedStatus.CANCELLED else "unsuccessful"
            closed = max(need.closed_at or need.updated_at, submitted)
            stages.append(Stage(closed, ["tenderCancellation"],
                                {"tender": {"id": tender_id, "status": status}}))
        for stage in stages:  # awardID is required on a contract: filled where a stage only adds to one
            for contract in stage.content.get("contracts", []):
                if contract.get("awardID") is None:
                    contract["awardID"] = award_id or tender_id
        return self.finish(ocid, KIND_OF_NEED[NeedKind(need.kind)], need.domain_id, need.title, stages,
                           buyer, parties)

    # ------------------------------------------------------------ projects

    def project_stages(self, project: Project, tender_id: str, award_id: str | None,
                       parties: dict[str, dict[str, Any]], organization: dict[str, Any],
                       buyer: dict[str, Any]) -> list[Stage]:
        """A project's contract, its amendments (approved change orders), milestones, payments and end."""
        supplier = self.provider_party(project.provider_id)
        parties[supplier["id"]] = supplier
        stages: list[Stage] = []
        if project.contracted_at is None:
            return stages
        signed = project.contracted_at
        if award_id is None:
            award_id = project.number
            stages.append(Stage(signed, ["tender", "award"], {
                "tender": {"id": tender_id, "status": "complete", "procurementMethod": "direct",
                           "procurementMethodDetails": PROJECT_METHOD, "tenderers": [self.ref(supplier)],
                           "numberOfTenderers": 1},
                "awards": [{"id": award_id, "title": self.text(project.title), "status": "active",
                            "date": ocds_date(signed), "value": money(project.contract_amount),
                            "suppliers": [self.ref(supplier)]}],
            }, {supplier["id"]: {"tenderer", "supplier"}}))
        contract_id = project.number
        stages.append(Stage(signed, ["contract"], {"contracts": [{
            "id": contract_id, "awardID": award_id, "title": self.text(project.title),
            "description": self.text(project.description), "status": "active",
            "value": money(project.contract_amount), "dateSigned": ocds_date(signed),
            "period": {"startDate": ocds_date(project.start_date), "endDate": ocds_date(project.end_date)},
        }]}, {supplier["id"]: {"supplier"}}))
        amount = project.contract_amount
        for change in getattr(project, "approved_changes", []):
            amount += change.amount_change
            when = max(change.decided_at or change.updated_at, signed)
            contract: dict[str, Any] = {"id": contract_id, "awardID": award_id, "value": money(amount),
                                        "amendments": [{"id": str(change.number), "date": ocds_date(when),
                                                        "rationale": self.text(change.reason),
                                                        "description": self.text(change.description)}]}
            if change.new_end_date:
                contract["period"] = {"endDate": ocds_date(change.new_end_date)}
            stages.append(Stage(when, ["contractAmendment"], {"contracts": [contract]}))
        for milestone in getattr(project, "published_milestones", []):
            planned = max(milestone.created_at, signed)
            stages.append(Stage(planned, ["implementation"], {"contracts": [{
                "id": contract_id, "awardID": award_id, "implementation": {"milestones": [{
                    "id": f"M{milestone.sequence}", "title": self.text(milestone.title), "type": "delivery",
                    "dueDate": ocds_date(milestone.due_date), "status": "scheduled",
                    "value": money(milestone.amount)}]}}]}))
            if milestone.completed_at is not None:
                when = max(milestone.completed_at, planned)
                stages.append(Stage(when, ["implementation"], {"contracts": [{
                    "id": contract_id, "awardID": award_id, "implementation": {"milestones": [{
                        "id": f"M{milestone.sequence}", "status": "met",
                        "dateMet": ocds_date(milestone.completed_at),
                        "dateModified": ocds_date(when)}]}}]}))
        for stage in self.payment_stages(contract_id, self.payments_of_project.get(project.pk, []),
                                         project.municipality_id, buyer):
            stage.when = max(stage.when, signed)
            stage.content["contracts"][0]["awardID"] = award_id
            stages.append(stage)
        ended = {ProjectStatus.HANDED_OVER: project.handed_over_at,
                 ProjectStatus.TERMINATED: project.updated_at}.get(ProjectStatus(project.status))
        if ended is not None:
            stages.append(Stage(max(ended, signed), ["contractTermination"], {"contracts": [{
                "id": contract_id, "awardID": award_id, "status": "terminated"}]}))
        return stages

    def projects(self) -> list[Project]:
        projects = list(Project.objects.filter(organization_id=self.org.pk).order_by("created_at", "pk"))
        changes: dict[int, list[ChangeOrder]] = defaultdict(list)
        approved = ChangeOrder.objects.filter(organization_id=self.org.pk, status=ChangeOrderStatus.APPROVED)
        for change in approved.order_by("decided_at", "number"):
            changes[change.project_id].append(change)
        milestones: dict[int, list[Milestone]] = defaultdict(list)
        for milestone in Milestone.objects.filter(organization_id=self.org.pk).order_by("sequence"):
            milestones[milestone.project_id].append(milestone)
        for project in projects:
            project.approved_changes = changes[project.pk]  # type: ignore[attr-defined]
            project.published_milestones = milestones[project.pk]  # type: ignore[attr-defined]
        return projects

    def project_process(self, project: Project) -> Process | None:
        """A project that did not come from a need: a works process of its own, from its planning."""
        ocid = f"{self.prefix}-{project.number}"
        buyer = self.municipality_party(project.municipality_id)
        organization = self.organization_party()
        parties = {buyer["id"]: buyer, organization["id"]: organization}
        stages = [Stage(min(project.created_at, project.contracted_at or project.created_at), ["planning"], {
            "planning": {"budget": {"description": self.text(project.title),
                                    "amount": money(project.contract_amount)}},
            "tender": {"id": project.number, "title": self.text(project.title), "status": "planning",
                       "mainProcurementCategory": "works", "procuringEntity": self.ref(organization),
                       "items": [{"id": "1", "description": self.text(project.title),
                                  "classification": self.classification(project.domain_id)}]},
        }, {organization["id"]: {"procuringEntity"}})]
        stages += self.project_stages(project, project.number, None, parties, organization, buyer)
        return self.finish(ocid, ProcessKind.WORKS, project.domain_id, project.title, stages, buyer, parties)

    # ------------------------------------------------------------ group purchases

    def group_processes(self) -> list[Process]:
        org_id = self.org.pk
        groups = list(GroupPurchase.objects.filter(organization_id=org_id)
                      .prefetch_related("items__item").order_by("created_at", "pk"))
        shares: dict[int, list[Participant]] = defaultdict(list)
        for participant in (Participant.objects.filter(organization_id=org_id, order__isnull=False)
                            .select_related("order").order_by("pk")):
            shares[participant.group_purchase_id].append(participant)
        found = []
        for group in groups:
            process = self.group_process(group, shares[group.pk])
            if process is not None:
                found.append(process)
        return found

    def group_process(self, group: GroupPurchase, shares: list[Participant]) -> Process | None:
        """A pool: its window is the tender, the supplier order the award, each share a contract.

        The buyer is the organization, which buys for the pool as the supplier's agent; each municipality
        pays for its own share (role `payer`).
        """
        ocid = f"{self.prefix}-{group.number}"
        organization = self.organization_party()
        supplier = self.provider_party(group.provider_id)
        parties = {organization["id"]: organization, supplier["id"]: supplier}
        classification = self.classification(group.domain_id)
        items = [{"id": str(number), "description": self.text(entry.item.name),
                  "classification": classification,
                  "unit": {"name": unit_label(entry.item.unit)}}
                 for number, entry in enumerate(group.items.all(), start=1)]
        tender_id = group.number
        stages = [Stage(group.created_at, ["tender"], {"tender": {
            "id": tender_id, "title": self.text(group.title), "description": self.text(group.description),
            "status": "active", "procurementMethod": "direct", "procurementMethodDetails": GROUP_METHOD,
            "mainProcurementCategory": "goods", "items": items, "procuringEntity": self.ref(organization),
            "tenderers": [self.ref(supplier)], "numberOfTenderers": 1,
            "tenderPeriod": {"startDate": ocds_date(group.opens_on), "endDate": ocds_date(group.closes_on)},
        }}, {organization["id"]: {"procuringEntity"}, supplier["id"]: {"tenderer"}})]
        if group.ordered_at is not None:
            pooled = [{"id": str(number), "quantity": entry.quantity,
                       "unit": {"name": unit_label(entry.item.unit), "value": money(entry.unit_price)}}
                      for number, entry in enumerate(group.items.all(), start=1)]
            saving = group.saving
            description = f"{group.pooled_quantity} واحد تجمیع‌شده با نرخ پلکانی"
            if saving > 0:
                description += f"؛ صرفه‌جویی در برابر خرید جداگانه: {saving} ریال (پیش از مالیات)"
            stages.append(Stage(max(group.ordered_at, group.created_at), ["award"], {
                "tender": {"id": tender_id, "status": "complete", "items": pooled},
                "awards": [{"id": group.order_number or tender_id, "title": self.text(group.title),
                            "status": "active", "date": ocds_date(group.ordered_at),
                            "value": money(group.total),
                            "suppliers": [self.ref(supplier)], "description": description}],
            }, {supplier["id"]: {"supplier"}}))
            award_id = group.order_number or tender_id
            for share in shares:
                order = share.order
                assert order is not None
                payer = self.municipality_party(share.municipality_id)
                parties[payer["id"]] = payer
                share_title = f"{group.title} — {self.municipalities[share.municipality_id].name}"
                contract = self.order_contract(order, award_id, share_title)
                contract.roles[payer["id"]] = {"payer"}
                stages.append(contract)
                stages += self.delivery_stages(order, order.number, award_id)
                for stage in self.payment_stages(order.number, self.payments_of_order.get(order.pk, []),
                                                 share.municipality_id, payer):
                    stage.content["contracts"][0]["awardID"] = award_id
                    stages.append(stage)
        elif group.status == "cancelled":
            stages.append(Stage(max(group.updated_at, group.created_at), ["tenderCancellation"],
                                {"tender": {"id": tender_id, "status": "cancelled"}}))
        return self.finish(ocid, ProcessKind.GROUP_PURCHASE, group.domain_id, group.title, stages,
                           organization, parties)


def build_processes(organization: Organization, *, kinds: Iterable[str] | None = None,
                    redactor: Redactor | None = None) -> list[Process]:
    """Every contracting process of the organization (of `kinds`, all when None), oldest first.

    The publication policy is applied by the caller (`selectors.published_processes`); this builds.
    """
    wanted = set(kinds) if kinds is not None else {kind.value for kind in ProcessKind}
    builder = _Builder(organization, redactor)
    found: list[Process] = []
    projects = builder.projects() if ProcessKind.WORKS in wanted else []
    by_need = {project.need_id: project for project in projects if project.need_id is not None}
    if wanted & {ProcessKind.GOODS, ProcessKind.SERVICES, ProcessKind.WORKS}:
        found += [p for p in builder.need_processes(by_need) if p.kind in wanted]
    found += [builder.project_process(project) for project in projects if project.need_id is None]  # type: ignore[misc]
    if ProcessKind.GROUP_PURCHASE in wanted:
        found += builder.group_processes()
    processes = [process for process in found if process is not None]
    processes.sort(key=lambda process: (process.releases[0]["date"], process.ocid))
    return processes
