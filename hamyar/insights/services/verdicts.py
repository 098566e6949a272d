"""The municipalities' verdict on the organization: opening a survey round (twice a year by the periodic
task, or on demand by the organization admin) and a municipality's answers to it."""

import datetime as dt
from collections.abc import Mapping

import jdatetime
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hamyar.accounts.models import User
from hamyar.accounts.services import notification_recipients, notify
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, NotFound, field_error
from hamyar.core.roles import MUNICIPALITY_ROLES, Role
from hamyar.core.scoping import require_role
from hamyar.core.text import normalize, to_persian_digits
from hamyar.directory.models import Organization, ServiceDomain

from ..verdict_models import CRITERIA, SurveyAnswer, SurveyRound

__all__ = ["OVERALL", "survey_answer", "survey_round_open", "survey_rounds_schedule"]

OVERALL = "overall"  # the key of the answer on the organization as a whole
LONGEST_ROUND_DAYS = 90
SCHEDULED_ROUND_DAYS = 30
MAX_COMMENT = 2000


def _open_round(*, organization_id: int, title: str, opens_on: dt.date, closes_on: dt.date, scheduled: bool,
                acting_user: User | None) -> SurveyRound:
    round_ = SurveyRound.objects.create(organization_id=organization_id, title=title, opens_on=opens_on,
                                        closes_on=closes_on, scheduled=scheduled, opened_by=acting_user)
    audit_record(actor=acting_user, action="survey.open", obj=round_, after=snapshot(round_))
    recipients = notification_recipients(organization_id=organization_id, roles=sorted(MUNICIPALITY_ROLES))
    notify(organization_id=organization_id, recipients=recipients,
           subject=_("Your verdict on the organization is asked: %(title)s") % {"title": title},
           body=_("Four questions on responsiveness, price, quality and fairness; open until the day shown "
                  "on the survey."),
           url=reverse("insights:survey"))
    return round_


def survey_round_open(*, acting_user: User, title: str, opens_on: object, closes_on: object) -> SurveyRound:
    """The organization admin asks every municipality now (on demand), for at most 90 days."""
    membership = require_role(acting_user, Role.ORG_ADMIN)
    title = normalize(title or "")
    if not title:
        raise field_error("title", _("Give the survey a title."))
    if len(title) > 100:
        raise field_error("title", _("At most 100 characters."))
    if not isinstance(opens_on, dt.date):
        raise field_error("opens_on", _("Enter the first day of the survey."))
    if not isinstance(closes_on, dt.date):
        raise field_error("closes_on", _("Enter the last day of the survey."))
    if closes_on < opens_on:
        raise field_error("closes_on", _("The last day cannot be before the first."))
    if closes_on < timezone.localdate():
        raise field_error("closes_on", _("The last day has already passed."))
    if (closes_on - opens_on).days >= LONGEST_ROUND_DAYS:
        raise field_error("closes_on", _("A survey stays open at most 90 days."))
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=membership.organization_id)
        overlapping = SurveyRound.objects.filter(organization_id=membership.organization_id,
                                                 opens_on__lte=closes_on, closes_on__gte=opens_on).first()
        if overlapping is not None:
            raise ApplicationError(_("The survey “%(title)s” is open on those days; wait until it closes.")
                                   % {"title": overlapping.title}, code="survey_overlaps")
        return _open_round(organization_id=membership.organization_id, title=title, opens_on=opens_on,
                           closes_on=closes_on, scheduled=False, acting_user=acting_user)


def _half_year(day: dt.date) -> tuple[int, int]:
    """(Jalali year, 1 or 2): the first half runs Farvardin–Shahrivar, the second Mehr–Esfand."""
    jalali = jdatetime.date.fromgregorian(date=day)
    return jalali.year, 1 if jalali.month <= 6 else 2


def survey_rounds_schedule(today: dt.date | None = None) -> int:
    """Open each organization's survey of the current half-year if it has none yet; returns how many.

    Twice a year, whatever the organization asked on demand meanwhile: the scheduled rounds are the
    series the dashboards compare over time. Safe to run again (the periodic task does, every few
    minutes)."""
    today = today or timezone.localdate()
    year, half = _half_year(today)
    opened = 0
    for organization_id in Organization.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            Organization.objects.select_for_update().get(pk=organization_id)
            scheduled = SurveyRound.objects.filter(organization_id=organization_id, scheduled=True)
            if any(_half_year(day) == (year, half) for day in scheduled.values_list("opens_on", flat=True)):
                continue
            with translation.override(settings.LANGUAGE_CODE):  # stored once, in the site's language
                label = _("first half") if half == 1 else _("second half")
                title = _("Satisfaction survey, %(half)s of %(year)s") % {
                    "half": label, "year": to_persian_digits(str(year))}
            _open_round(organization_id=organization_id, title=title, opens_on=today,
                        closes_on=today + dt.timedelta(days=SCHEDULED_ROUND_DAYS - 1), scheduled=True,
                        acting_user=None)
            opened += 1
    return opened


def _score(key: str, name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise field_error(f"{key}-{name}", _("Choose a score from 1 to 5."))
    return value


def survey_answer(*, acting_user: User, round_: SurveyRound, scores: Mapping[str, Mapping[str, object]],
                  comment: str = "",
                  domains: Mapping[str, ServiceDomain] | None = None) -> list[SurveyAnswer]:
    """A municipality user answers the open round for its municipality: the organization as a whole
    (`scores["overall"]`, required) and any of `domains` (by the same keys as `scores`). Answering again
    while the round is open replaces the municipality's answers."""
    membership = require_role(acting_user, *MUNICIPALITY_ROLES)
    if round_.organization_id != membership.organization_id:
        raise NotFound()
    if not round_.is_open(timezone.localdate()):
        raise ApplicationError(_("This survey is closed; its answers can no longer change."),
                               code="survey_closed")
    domains = domains or {}
    if OVERALL not in scores:
        raise field_error(f"{OVERALL}-responsiveness", _("Score the organization as a whole."))
    unknown = set(scores) - {OVERALL, *domains}
    if unknown:
        raise field_error("__all__", _("Score only the domains offered on the survey."))
    comment = normalize(comment or "", multiline=True)
    if len(comment) > MAX_COMMENT:
        raise field_error("comment", _("At most 2000 characters."))
    cleaned = {key: {name: _score(key, name, given.get(name)) for name, _label in CRITERIA}
               for key, given in scores.items()}
    with transaction.atomic():
        locked = SurveyRound.objects.select_for_update().get(pk=round_.pk)
        mine = SurveyAnswer.objects.filter(round=locked, municipality_id=membership.municipality_id)
        before = {row.domain_id: snapshot(row) for row in mine}
        mine.delete()
        answers = SurveyAnswer.objects.bulk_create([
            SurveyAnswer(organization_id=locked.organization_id, round=locked,
                         municipality_id=membership.municipality_id,
                         domain=None if key == OVERALL else domains[key], answered_by=acting_user,
                         comment=comment if key == OVERALL else "", **values)
            for key, values in cleaned.items()
        ])
        for answer in answers:
            audit_record(actor=acting_user, action="survey.answer", obj=answer,
                         before=before.get(answer.domain_id), after=snapshot(answer))
    return answers
