"""The satisfaction survey's pages: a municipality answers the open round; management reads the results
and the organization admin opens a round on demand."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.core.errors import ApplicationError
from hamyar.core.pages import page, place_service_error
from hamyar.core.roles import MUNICIPALITY_ROLES, Role
from hamyar.core.scoping import role_of

from . import selectors, services
from .forms import SurveyForm, SurveyOpenForm
from .tables import Column, Table, xlsx_or_none
from .verdict_models import CRITERIA, SurveyRound


@page(roles=MUNICIPALITY_ROLES, model=SurveyRound)
def survey(request: HttpRequest) -> HttpResponse:
    """The open round's form for the user's municipality (its earlier answers filled in)."""
    user = request.user
    round_ = selectors.survey_open_round(user=user)
    if round_ is None:
        return render(request, "insights/survey.html", {"round": None, "criteria": CRITERIA})
    answers = selectors.survey_mine(user=user, round_=round_)
    domains = selectors.survey_domains_of(user=user)
    form = SurveyForm(request.POST or None, domains=domains, answers=answers)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.survey_answer(acting_user=user, round_=round_, scores=form.scores(),
                                       comment=form.cleaned_data["comment"], domains=form.domains)
            except ApplicationError as error:
                if not place_service_error(error, [form]):
                    form.add_error(None, str(error.message))
                status = error.status
            else:
                messages.success(request, _("Thank you: your municipality's answers were recorded."))
                return redirect("insights:survey")
        else:
            status = 422
    return render(request, "insights/survey.html",
                  {"round": round_, "form": form, "answered": None in answers, "criteria": CRITERIA},
                  status=status)


def _results_tables(results: list[selectors.RoundResult]) -> list[Table]:
    criteria = [Column(label, number=True, width=12) for _name, label in CRITERIA]
    rounds = Table("survey-rounds", _("Results by survey"),
                   [Column(_("Survey"), width=36), Column(_("Municipalities answered"), number=True),
                    *criteria],
                   [[str(r.round.title), r.municipalities, *(r.averages[n] for n, _l in CRITERIA)]
                    for r in results])
    latest = results[0] if results else None
    domains = Table("survey-domains", _("By domain, latest survey"),
                    [Column(_("Service domain"), width=30), Column(_("Answers"), number=True), *criteria],
                    [[row["name"], row["answers"], *(row[n] for n, _l in CRITERIA)]
                     for row in (latest.by_domain if latest else [])])
    return [rounds, domains]


@page(roles=selectors.VERDICT_READERS, model=SurveyRound)
def survey_results(request: HttpRequest) -> HttpResponse:
    """Averages per round and per domain, and what municipalities wrote, for management."""
    results = selectors.survey_results(user=request.user)
    tables = _results_tables(results)
    sheet = xlsx_or_none(request, tables)
    if sheet is not None:
        return sheet
    return render(request, "insights/survey_results.html", {
        "results": results, "tables": tables, "criteria": CRITERIA,
        "open_form": SurveyOpenForm() if role_of(request.user) == Role.ORG_ADMIN else None,
    })


@require_POST
@page(roles=[Role.ORG_ADMIN], model=SurveyRound)
def survey_open(request: HttpRequest) -> HttpResponse:
    """The organization admin asks every municipality now."""
    form = SurveyOpenForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.survey_round_open(acting_user=request.user, **form.cleaned_data)
        except ApplicationError as error:
            if not place_service_error(error, [form]):
                form.add_error(None, str(error.message))
            status = error.status
        else:
            messages.success(request, _("The survey is open: every municipality was told."))
            return redirect(reverse("insights:survey_results"))
    results = selectors.survey_results(user=request.user)
    return render(request, "insights/survey_results.html", {
        "results": results, "tables": _results_tables(results), "criteria": CRITERIA, "open_form": form,
    }, status=status)
