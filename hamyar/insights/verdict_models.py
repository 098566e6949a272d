"""The municipalities' verdict on the organization itself: a short satisfaction survey, twice a year and
on demand, answered once per municipality (and changed while the round is open)."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hamyar.core.models import TenantModel

__all__ = ["CRITERIA", "SurveyAnswer", "SurveyRound"]

# What a municipality scores, 1–5: how fast the organization answered, its prices, the quality of what
# it delivered, and whether it treated the municipality as fairly as the others.
CRITERIA = (
    ("responsiveness", _("Responsiveness")),
    ("price", _("Price")),
    ("quality", _("Quality")),
    ("fairness", _("Fairness")),
)

_SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class SurveyRound(TenantModel):
    """One asking of every municipality: open from its first to its last day (inclusive)."""

    title = models.CharField(_("title"), max_length=100)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    scheduled = models.BooleanField(_("scheduled"), default=False)  # else opened on demand
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("opened by"))

    scope_paths = {"municipality": "*", "provider": None}

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")),
                                   name="survey_round_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today: dt.date) -> bool:
        return self.opens_on <= today <= self.closes_on


class SurveyAnswer(TenantModel):
    """A municipality's scores in a round: on the organization as a whole (no domain) or on one domain
    it dealt with."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="answers",
                              verbose_name=_("survey"))
    municipality = models.ForeignKey("directory.Municipality", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("municipality"))
    domain = models.ForeignKey("directory.ServiceDomain", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("service domain"))
    responsiveness = models.PositiveSmallIntegerField(_("responsiveness"), validators=_SCORE)
    price = models.PositiveSmallIntegerField(_("price"), validators=_SCORE)
    quality = models.PositiveSmallIntegerField(_("quality"), validators=_SCORE)
    fairness = models.PositiveSmallIntegerField(_("fairness"), validators=_SCORE)
    comment = models.TextField(_("comment"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("answered by"))

    scope_paths = {"municipality": "municipality", "provider": None}

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["round_id", "municipality_id", "domain_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "municipality", "domain"], name="survey_answer_once"),
            models.UniqueConstraint(fields=["round", "municipality"], condition=models.Q(domain__isnull=True),
                                    name="survey_answer_overall_once"),
            *(models.CheckConstraint(condition=models.Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                                     name=f"survey_answer_{name}_1_5") for name, _label in CRITERIA),
        ]
