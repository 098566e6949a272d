"""Reads of the municipalities' verdict: the round a municipality is asked to answer and what it answered,
the results for management (per round, per domain, with the comments), and the trend for the public
page (per round, only where enough municipalities answered that no one's scores can be read off)."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count
from django.utils import timezone

from hamyar.accounts.models import User
from hamyar.core.roles import MUNICIPALITY_ROLES, Role
from hamyar.core.scoping import require_role, role_of, scope
from hamyar.directory.models import ServiceDomain

from ..models import MunicipalityMonth
from ..services.rollups import jalali_month
from ..verdict_models import CRITERIA, SurveyAnswer, SurveyRound
from .dashboard import fresh

__all__ = [
    "PUBLIC_MINIMUM",
    "VERDICT_READERS",
    "RoundResult",
    "survey_asked",
    "survey_domains_of",
    "survey_latest",
    "survey_mine",
    "survey_open_round",
    "survey_results",
    "verdict_trend",
]

VERDICT_READERS = frozenset({Role.ORG_ADMIN, Role.EXECUTIVE, Role.COMMERCE_OFFICER})
PUBLIC_MINIMUM = 3  # municipalities that answered a round before its averages are published
RECENT_MONTHS = 6  # the domains a municipality is asked about: those it ordered in lately


def _one_place(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def survey_open_round(*, user: User) -> SurveyRound | None:
    """The round open today in the user's organization, if any."""
    today = timezone.localdate()
    return (scope(SurveyRound.objects.all(), user).filter(opens_on__lte=today, closes_on__gte=today)
            .order_by("-opens_on", "-pk").first())


def survey_asked(*, user: User) -> SurveyRound | None:
    """The open round the user's municipality has not answered yet: its home asks for it."""
    round_ = survey_open_round(user=user)
    if round_ is None or scope(SurveyAnswer.objects.filter(round=round_), user).exists():
        return None
    return round_


def _months_back(month: int, count: int) -> int:
    """The Jalali month `count` months before `month` (both yyyymm)."""
    index = (month // 100) * 12 + month % 100 - 1 - count
    return (index // 12) * 100 + index % 12 + 1


def survey_domains_of(*, user: User) -> list[ServiceDomain]:
    """The domains the user's municipality ordered in over the last six months: what it can judge."""
    membership = require_role(user, *MUNICIPALITY_ROLES)
    fresh(membership.organization_id)
    since = _months_back(jalali_month(timezone.now()), RECENT_MONTHS - 1)
    ids = (scope(MunicipalityMonth.objects.all(), user)
           .filter(municipality_id=membership.municipality_id, month__gte=since, orders__gt=0)
           .values("domain_id"))
    return list(scope(ServiceDomain.objects.filter(pk__in=ids), user).order_by("name", "pk"))


def survey_mine(*, user: User, round_: SurveyRound) -> dict[int | None, SurveyAnswer]:
    """The user's municipality's answers to the round, by domain (None: the organization as a whole)."""
    membership = require_role(user, *MUNICIPALITY_ROLES)
    rows = scope(SurveyAnswer.objects.filter(round=round_, municipality_id=membership.municipality_id), user)
    return {row.domain_id: row for row in rows}


@dataclass
class RoundResult:
    round: SurveyRound
    municipalities: int  # that answered
    averages: dict[str, Decimal | None]  # criterion → average of the overall answers
    by_domain: list[dict[str, Any]] = field(default_factory=list)  # name, answers, one average per criterion
    comments: list[SurveyAnswer] = field(default_factory=list)

    @property
    def scores(self) -> list[tuple[str, Any, Decimal | None]]:
        """(criterion, its label, the average), in the survey's order."""
        return [(name, label, self.averages.get(name)) for name, label in CRITERIA]


def _domain_row(row: dict[str, Any]) -> dict[str, Any]:
    return {"domain_id": row["domain_id"], "name": row["domain__name"], "answers": row["n"],
            **{name: _one_place(row[name]) for name, _label in CRITERIA}}


def survey_results(*, user: User, rounds: int = 6) -> list[RoundResult]:
    """The latest rounds, newest first, with the averages of their overall answers; the latest also per
    domain and with its comments. Four queries, however many municipalities answered."""
    require_role(user, *VERDICT_READERS)
    answers = scope(SurveyAnswer.objects.all(), user)
    latest_rounds = list(scope(SurveyRound.objects.all(), user).order_by("-opens_on", "-pk")[:rounds])
    if not latest_rounds:
        return []
    overall: dict[int, dict[str, Any]] = {row["round_id"]: dict(row) for row in (
        answers.filter(round__in=latest_rounds, domain__isnull=True).order_by().values("round_id")
        .annotate(n=Count("pk"), **{name: Avg(name) for name, _label in CRITERIA}))}
    results = [RoundResult(round=round_, municipalities=overall.get(round_.pk, {}).get("n", 0),
                           averages={name: _one_place(overall.get(round_.pk, {}).get(name))
                                     for name, _label in CRITERIA})
               for round_ in latest_rounds]
    latest = results[0]
    per_domain = (answers.filter(round=latest.round, domain__isnull=False).order_by()
                  .values("domain_id", "domain__name")
                  .annotate(n=Count("pk"), **{name: Avg(name) for name, _label in CRITERIA})
                  .order_by("domain__name"))
    latest.by_domain = [_domain_row(dict(row)) for row in per_domain]
    latest.comments = list(answers.filter(round=latest.round, domain__isnull=True).exclude(comment="")
                           .select_related("municipality").order_by("municipality__name"))
    return results


def survey_latest(*, user: User) -> RoundResult | None:
    """The latest round with the averages of its overall answers, for a dashboard card (None for a role
    that may not read the results, or before any round)."""
    if role_of(user) not in VERDICT_READERS:
        return None
    round_ = scope(SurveyRound.objects.all(), user).order_by("-opens_on", "-pk").first()
    if round_ is None:
        return None
    overall = scope(SurveyAnswer.objects.filter(round=round_, domain__isnull=True), user).aggregate(
        n=Count("pk"), **{name: Avg(name) for name, _label in CRITERIA})
    return RoundResult(round=round_, municipalities=overall["n"],
                       averages={name: _one_place(overall[name]) for name, _label in CRITERIA})


def verdict_trend(*, organization_id: int) -> list[dict[str, Any]]:
    """Per closed or open round, oldest first, the averages of the overall answers, for anyone: rounds
    that fewer than three municipalities answered are left out, and no municipality is named."""
    rows = []
    grouped = (SurveyAnswer.objects.filter(organization_id=organization_id, domain__isnull=True).order_by()
               .values("round_id", "round__title", "round__opens_on")
               .annotate(n=Count("pk"), **{name: Avg(name) for name, _label in CRITERIA})
               .order_by("round__opens_on", "round_id"))
    for row in grouped:
        if row["n"] >= PUBLIC_MINIMUM:
            found: dict[str, Any] = dict(row)
            rows.append({"title": found["round__title"], "opens_on": found["round__opens_on"],
                         "municipalities": found["n"],
                         **{name: _one_place(found[name]) for name, _label in CRITERIA}})
    return rows

