"""What the public page shows of a published process: a line in the list and the steps of its timeline,
read from its OCDS releases (never from the rows behind them, so the page shows exactly what the
organization publishes, already redacted).

Nothing here touches the database: `summarize` and `timeline` take a built `Process`.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamyar.core.jalali import format_jalali_date
from hamyar.core.text import search_key

from .choices import ProcessKind
from .ocds.releases import Process

__all__ = ["ProcessStage", "ProcessSummary", "Step", "summarize", "timeline"]

CLOSED_TENDER = {"cancelled", "unsuccessful", "withdrawn"}


class ProcessStage(models.TextChoices):
    PLANNING = "planning", pgettext_lazy("process stage", "Need registered")
    TENDER = "tender", pgettext_lazy("process stage", "Asking for quotations")
    CONTRACT = "contract", pgettext_lazy("process stage", "Under way")
    COMPLETED = "completed", pgettext_lazy("process stage", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("process stage", "Cancelled")


# What each OCDS release tag means to a reader of the page.
TAG_LABELS = {
    "planning": _("Need registered"),
    "planningUpdate": _("Need changed"),
    "tender": _("Quotations requested"),
    "tenderUpdate": _("Request changed"),
    "tenderAmendment": _("Request amended"),
    "tenderCancellation": _("Request closed without a contract"),
    "award": _("Supplier chosen"),
    "awardUpdate": _("Choice changed"),
    "awardCancellation": _("Choice cancelled"),
    "contract": _("Order or contract signed"),
    "contractUpdate": _("Contract changed"),
    "contractAmendment": _("Contract amended"),
    "implementation": _("Delivery and payment"),
    "implementationUpdate": _("Delivery and payment"),
    "contractTermination": _("Contract ended"),
}
MILESTONE_STATUS = {"scheduled": _("scheduled"), "met": _("done"), "notMet": _("not accepted"),
                    "partiallyMet": _("partly done")}
TENDER_STATUS = {"cancelled": _("cancelled"), "unsuccessful": _("closed without a contract"),
                 "withdrawn": _("withdrawn")}


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _amount(value: dict[str, Any] | None) -> int | None:
    return int(value["amount"]) if value and value.get("amount") is not None else None


@dataclass(frozen=True)
class ProcessSummary:
    """One published process as a line of the list; `key` is what a search is matched against."""

    ocid: str
    reference: str  # the organization's own number of the need, project or pool (N-1405-00001)
    title: str
    kind: ProcessKind
    domain_code: str
    domain_name: str
    buyers: tuple[tuple[str, str], ...]  # (party id, name) of each municipality, as published
    suppliers: tuple[str, ...]
    stage: ProcessStage
    value: int | None  # Rial: the contracts' total, else the awards', else the budget
    started: datetime | None
    updated: datetime | None
    releases: int
    key: str = field(repr=False, default="")


def _stage(compiled: dict[str, Any]) -> ProcessStage:
    tender = compiled.get("tender", {})
    contracts = compiled.get("contracts", [])
    if tender.get("status") in CLOSED_TENDER:
        return ProcessStage.CANCELLED
    if contracts:
        def finished(contract: dict[str, Any]) -> bool:
            milestones = contract.get("implementation", {}).get("milestones", [])
            return contract.get("status") == "terminated" or (
                bool(milestones) and all(m.get("status") == "met" for m in milestones))
        return ProcessStage.COMPLETED if all(finished(c) for c in contracts) else ProcessStage.CONTRACT
    if tender.get("status") in {"active", "complete"}:
        return ProcessStage.TENDER
    return ProcessStage.PLANNING


def _value(compiled: dict[str, Any]) -> int | None:
    for amounts in ([_amount(c.get("value")) for c in compiled.get("contracts", [])],
                    [_amount(a.get("value")) for a in compiled.get("awards", [])],
                    [_amount(compiled.get("planning", {}).get("budget", {}).get("amount"))]):
        known = [amount for amount in amounts if amount is not None]
        if known:
            return sum(known)
    return None


def summarize(process: Process, domains: dict[int, tuple[str, str]]) -> ProcessSummary:
    """The list line of a process; `domains` gives each domain id its (code, name)."""
    compiled = process.record()["compiledRelease"]
    tender = compiled.get("tender", {})
    buyers = tuple((party["id"], party["name"]) for party in compiled.get("parties", [])
                   if party["id"].startswith("HMY-MUN-"))
    suppliers = tuple(dict.fromkeys(supplier["name"] for award in compiled.get("awards", [])
                                    for supplier in award.get("suppliers", [])))
    items = " ".join(item.get("description", "") for item in tender.get("items", []))
    code, name = domains.get(process.domain_id, ("", ""))
    reference = tender.get("id", process.ocid)
    key = search_key(" ".join([process.title, reference, name, items, *(b for _i, b in buyers), *suppliers]))
    return ProcessSummary(
        ocid=process.ocid, reference=reference, title=process.title, kind=ProcessKind(process.kind),
        domain_code=code, domain_name=name, buyers=buyers, suppliers=suppliers, stage=_stage(compiled),
        value=_value(compiled), started=_when(process.releases[0]["date"]),
        updated=_when(process.releases[-1]["date"]), releases=len(process.releases), key=key)


@dataclass(frozen=True)
class Fact:
    """One thing a step says: a label and, where there is one, an amount in Rial or a date."""

    text: str
    amount: int | None = None
    when: datetime | None = None


@dataclass(frozen=True)
class Step:
    """One release of the process as a step of its timeline."""

    when: datetime | None
    labels: tuple[str, ...]
    facts: tuple[Fact, ...]
    release_id: str


def _tender_facts(tender: dict[str, Any]) -> list[Fact]:
    facts = []
    for item in tender.get("items", []):
        unit = item.get("unit", {}).get("name", "")
        quantity = item.get("quantity")
        text = item.get("description", "")
        if quantity is not None:
            text = f"{text}: {quantity:g} {unit}".strip()
        facts.append(Fact(text))
    if tender.get("tenderers"):
        names = "، ".join(t["name"] for t in tender["tenderers"])
        facts.append(Fact(str(_("Asked: %(names)s")) % {"names": names}))
    if tender.get("status") in TENDER_STATUS:
        facts.append(Fact(str(TENDER_STATUS[tender["status"]])))
    return facts


def _contract_facts(contract: dict[str, Any]) -> list[Fact]:
    facts = []
    if contract.get("value"):
        due = _when(contract.get("period", {}).get("endDate"))
        text = (str(_("Order %(number)s signed, to be delivered by %(date)s")) % {
            "number": contract["id"], "date": format_jalali_date(due, persian_digits=False)} if due else
            str(_("Order %(number)s signed")) % {"number": contract["id"]})
        facts.append(Fact(text, amount=_amount(contract["value"])))
    implementation = contract.get("implementation", {})
    for milestone in implementation.get("milestones", []):
        status = MILESTONE_STATUS.get(milestone.get("status", ""), "")
        title = milestone.get("title") or milestone["id"]
        facts.append(Fact(f"{title} — {status}" if status else title, amount=_amount(milestone.get("value")),
                          when=_when(milestone.get("dateMet") or milestone.get("dueDate"))))
    for transaction in implementation.get("transactions", []):
        facts.append(Fact(str(_("Payment")), amount=_amount(transaction.get("value")),
                          when=_when(transaction.get("date"))))
    for amendment in contract.get("amendments", []):
        said = [amendment.get(key) for key in ("rationale", "description") if amendment.get(key)]
        facts.append(Fact(" — ".join(said) if said else str(_("Amended"))))
    if contract.get("status") == "terminated":
        facts.append(Fact(str(_("Contract ended"))))
    return facts


def timeline(process: Process) -> list[Step]:
    """Each release, oldest first, as the step a reader follows: when, what happened, and the amounts."""
    steps = []
    for release in process.releases:
        facts: list[Fact] = []
        budget = release.get("planning", {}).get("budget", {})
        if budget.get("amount"):
            facts.append(Fact(str(_("Budget")), amount=_amount(budget["amount"])))
        if release.get("planning", {}).get("rationale"):
            facts.append(Fact(release["planning"]["rationale"]))
        if "tender" in release and "planning" not in release.get("tag", []):
            facts.extend(_tender_facts(release["tender"]))
        for award in release.get("awards", []):
            names = "، ".join(s["name"] for s in award.get("suppliers", []))
            text = str(_("Awarded to %(names)s")) % {"names": names} if names else str(_("Awarded"))
            facts.append(Fact(text, amount=_amount(award.get("value"))))
        for contract in release.get("contracts", []):
            facts.extend(_contract_facts(contract))
        labels = tuple(str(TAG_LABELS.get(tag, tag)) for tag in release.get("tag", []))
        steps.append(Step(_when(release.get("date")), tuple(dict.fromkeys(labels)), tuple(facts),
                          release["id"]))
    return steps
