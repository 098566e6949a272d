"""The municipalities' verdict on the organization: who may open a round and answer it, what is refused
(and then nothing is written), the averages management reads (hand-computed), the public trend that never
names a municipality and hides small rounds, the twice-yearly schedule, and the pages."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from conftest import make_user
from hamyar.accounts.models import Notification
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.core.roles import Role
from hamyar.insights import selectors, services
from hamyar.insights.models import MunicipalityMonth, SurveyAnswer, SurveyRound
from hamyar.insights.services import OVERALL, jalali_month

TODAY = timezone.localdate


def scores(r: int, p: int, q: int, f: int) -> dict[str, int]:
    return {"responsiveness": r, "price": p, "quality": q, "fairness": f}


@pytest.fixture
def survey(tenant) -> SurveyRound:
    return services.survey_round_open(acting_user=tenant.users["admin"], title="نظرسنجی آزمایشی",
                                      opens_on=TODAY(), closes_on=TODAY() + dt.timedelta(days=10))


@pytest.fixture
def neyshabur_user(tenant):
    return make_user(tenant.org, "kr-ney", Role.MUNICIPALITY_USER, municipality=tenant.neyshabur)


def answer(user, round_, overall, *, comment="", domains=None, per_domain=None):
    given = {OVERALL: overall, **(per_domain or {})}
    return services.survey_answer(acting_user=user, round_=round_, scores=given, comment=comment,
                                  domains=domains or {})


# ---------------------------------------------------------------- opening a round


def test_the_admin_opens_a_round_and_every_municipality_user_is_told(tenant, survey):
    assert survey.organization_id == tenant.org.pk and not survey.scheduled
    told = set(Notification.objects.filter(url="/insights/survey/").values_list("recipient_id", flat=True))
    assert told == {tenant.users["district9"].pk, tenant.users["district10"].pk, tenant.district9_mayor.pk}


@pytest.mark.parametrize("opens, closes, field", [
    (0, -1, "closes_on"),  # ends before it starts
    (-20, -5, "closes_on"),  # already over
    (0, 90, "closes_on"),  # longer than 90 days
])
def test_bad_dates_are_refused_by_field(tenant, opens, closes, field):
    with pytest.raises(InvalidInput) as refused:
        services.survey_round_open(acting_user=tenant.users["admin"], title="ن",
                                   opens_on=TODAY() + dt.timedelta(days=opens),
                                   closes_on=TODAY() + dt.timedelta(days=closes))
    assert field in refused.value.extra["fields"]
    assert not SurveyRound.objects.exists()


def test_a_round_cannot_overlap_another_nor_be_opened_by_others(tenant, survey):
    with pytest.raises(ApplicationError) as refused:
        services.survey_round_open(acting_user=tenant.users["admin"], title="دوم",
                                   opens_on=TODAY() + dt.timedelta(days=5),
                                   closes_on=TODAY() + dt.timedelta(days=20))
    assert refused.value.code == "survey_overlaps"
    for who in ("commerce", "executive", "district9", "supplier"):
        with pytest.raises(PermissionDenied):
            services.survey_round_open(acting_user=tenant.users[who], title="سوم", opens_on=TODAY(),
                                       closes_on=TODAY())
    assert SurveyRound.objects.count() == 1


# ---------------------------------------------------------------- answering


def test_a_municipality_answers_and_answering_again_replaces_it(tenant, survey):
    clerk = tenant.users["district9"]
    answer(clerk, survey, scores(4, 3, 4, 5), comment="خوب")
    answer(tenant.district9_mayor, survey, scores(2, 2, 2, 2))  # the same municipality: replaced
    rows = list(SurveyAnswer.objects.filter(round=survey))
    assert [(r.municipality_id, r.domain_id, r.responsiveness, r.comment) for r in rows] == [
        (tenant.district9.pk, None, 2, "")]


@pytest.mark.parametrize("bad", [0, 6, "4", True, None, 3.5])
def test_a_score_outside_1_to_5_is_refused_and_nothing_is_written(tenant, survey, bad):
    answer(tenant.users["district9"], survey, scores(4, 4, 4, 4))
    given = {**scores(4, 4, 4, 4), "quality": bad}
    with pytest.raises(InvalidInput) as refused:
        answer(tenant.users["district9"], survey, given)
    assert f"{OVERALL}-quality" in refused.value.extra["fields"]
    assert SurveyAnswer.objects.get(round=survey).quality == 4  # the earlier answer stands


def test_refusals(tenant, other_tenant, survey):
    clerk = tenant.users["district9"]
    with pytest.raises(InvalidInput):  # the organization as a whole must be scored
        services.survey_answer(acting_user=clerk, round_=survey, scores={}, domains={})
    with pytest.raises(InvalidInput):  # a domain not offered
        services.survey_answer(acting_user=clerk, round_=survey, domains={},
                               scores={OVERALL: scores(3, 3, 3, 3), str(tenant.green.pk): scores(3, 3, 3, 3)})
    with pytest.raises(InvalidInput):
        answer(clerk, survey, scores(3, 3, 3, 3), comment="ا" * 2001)
    with pytest.raises(PermissionDenied):
        answer(tenant.users["supplier"], survey, scores(3, 3, 3, 3))
    with pytest.raises(NotFound):  # another organization's round
        answer(other_tenant.users["district9"], survey, scores(3, 3, 3, 3))
    SurveyRound.objects.filter(pk=survey.pk).update(closes_on=TODAY() - dt.timedelta(days=1),
                                                    opens_on=TODAY() - dt.timedelta(days=5))
    survey.refresh_from_db()
    with pytest.raises(ApplicationError) as closed:
        answer(clerk, survey, scores(3, 3, 3, 3))
    assert closed.value.code == "survey_closed"
    assert not SurveyAnswer.objects.exists()


def test_the_domains_asked_are_those_ordered_in_over_the_last_six_months(tenant):
    this = jalali_month(timezone.now())
    index = (this // 100) * 12 + this % 100 - 1

    def month(back: int) -> int:
        i = index - back
        return (i // 12) * 100 + i % 12 + 1

    for domain, back, orders in ((tenant.green, 0, 1), (tenant.furniture, 5, 2), (tenant.lighting, 6, 1)):
        MunicipalityMonth.objects.create(organization=tenant.org, municipality=tenant.district9,
                                         domain=domain, month=month(back), orders=orders)
    MunicipalityMonth.objects.create(organization=tenant.org, municipality=tenant.district10,
                                     domain=tenant.lighting, month=this, orders=3)
    asked = selectors.survey_domains_of(user=tenant.users["district9"])
    assert [d.pk for d in asked] == sorted([tenant.green.pk, tenant.furniture.pk],
                                           key=lambda pk: {tenant.green.pk: "فضای سبز",
                                                           tenant.furniture.pk: "مبلمان شهری"}[pk])


# ---------------------------------------------------------------- results


@pytest.fixture
def answered(tenant, survey, neyshabur_user):
    """Three municipalities answer; two also judge furniture."""
    furniture = {str(tenant.furniture.pk): tenant.furniture}
    answer(tenant.users["district9"], survey, scores(4, 2, 5, 3), comment="پاسخ دیر",
           domains=furniture, per_domain={str(tenant.furniture.pk): scores(5, 1, 4, 4)})
    answer(tenant.users["district10"], survey, scores(3, 3, 4, 4), domains=furniture,
           per_domain={str(tenant.furniture.pk): scores(2, 2, 2, 2)})
    answer(neyshabur_user, survey, scores(5, 3, 4, 4))
    return survey


def test_management_reads_hand_computed_averages(tenant, answered):
    [result] = selectors.survey_results(user=tenant.users["executive"])
    assert result.municipalities == 3
    # responsiveness (4+3+5)/3 = 4.0; price (2+3+3)/3 = 2.67 → 2.7; quality 13/3 = 4.33 → 4.3; fairness 11/3.
    assert result.averages == {"responsiveness": Decimal("4.0"), "price": Decimal("2.7"),
                               "quality": Decimal("4.3"), "fairness": Decimal("3.7")}
    assert result.by_domain == [{"domain_id": tenant.furniture.pk, "name": "مبلمان شهری", "answers": 2,
                                 "responsiveness": Decimal("3.5"), "price": Decimal("1.5"),
                                 "quality": Decimal("3.0"), "fairness": Decimal("3.0")}]
    assert [a.comment for a in result.comments] == ["پاسخ دیر"]


def test_another_organization_and_the_municipalities_see_no_results(tenant, other_tenant, answered):
    assert selectors.survey_results(user=other_tenant.users["executive"]) == []
    for who in ("district9", "supplier", "finance"):
        with pytest.raises(PermissionDenied):
            selectors.survey_results(user=tenant.users[who])


def test_the_public_trend_hides_small_rounds_and_names_no_one(tenant, survey, neyshabur_user):
    answer(tenant.users["district9"], survey, scores(4, 4, 4, 4))
    answer(tenant.users["district10"], survey, scores(2, 2, 2, 2))
    assert services and selectors.verdict_trend(organization_id=tenant.org.pk) == []  # two: too few
    answer(neyshabur_user, survey, scores(3, 3, 3, 3), comment="نام ما")
    [row] = selectors.verdict_trend(organization_id=tenant.org.pk)
    assert row["municipalities"] == 3 and row["responsiveness"] == Decimal("3.0")
    assert "نام ما" not in str(row) and "نیشابور" not in str(row)


# ---------------------------------------------------------------- twice a year


def test_the_schedule_opens_one_round_per_half_year(tenant, other_tenant):
    farvardin = dt.date(2026, 4, 1)  # 1405/01/12
    assert services.survey_rounds_schedule(farvardin) == 2  # one per organization
    assert services.survey_rounds_schedule(farvardin + dt.timedelta(days=40)) == 0  # same half
    assert services.survey_rounds_schedule(dt.date(2026, 10, 1)) == 2  # 1405/07/09: the second half
    rounds = SurveyRound.objects.filter(organization=tenant.org).order_by("opens_on")
    assert [(r.opens_on, r.closes_on, r.scheduled) for r in rounds] == [
        (farvardin, farvardin + dt.timedelta(days=29), True),
        (dt.date(2026, 10, 1), dt.date(2026, 10, 30), True)]
    assert rounds[0].title == "نظرسنجی رضایت، نیمهٔ نخست ۱۴۰۵"  # in the site's language, whoever ran it


# ---------------------------------------------------------------- pages


def client_of(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="fa")
    client.force_login(user)
    return client


def test_a_municipality_answers_on_its_page_and_its_home_stops_asking(tenant, survey):
    clerk = client_of(tenant.users["district9"])
    assert 'id="survey-prompt"' in clerk.get("/").content.decode()
    page = clerk.get("/insights/survey/")
    assert page.status_code == 200 and 'id="survey-form"' in page.content.decode()
    bad = clerk.post("/insights/survey/", {"overall-responsiveness": "4", "overall-price": "9",
                                           "overall-quality": "4", "overall-fairness": "4"})
    assert bad.status_code == 422 and not SurveyAnswer.objects.exists()
    done = clerk.post("/insights/survey/", {"overall-responsiveness": "4", "overall-price": "۳",
                                            "overall-quality": "4", "overall-fairness": "5",
                                            "comment": "ممنون"})
    assert done.status_code == 302
    row = SurveyAnswer.objects.get()
    assert (row.price, row.fairness, row.comment) == (3, 5, "ممنون")
    assert 'id="survey-prompt"' not in clerk.get("/").content.decode()


def test_the_results_page_and_its_sheets(tenant, answered):
    ceo = client_of(tenant.users["executive"])
    page = ceo.get("/insights/survey/results/")
    html = page.content.decode()
    assert page.status_code == 200 and ("۲٫۷" in html or "۲.۷" in html)
    assert 'id="survey-open-form"' not in html  # only the admin opens a round
    sheet = ceo.get("/insights/survey/results/?export=survey-rounds")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("نظرسنجی آزمایشی", 3, 4)
    assert ceo.get("/insights/survey/results/?export=nothing").status_code == 404
    assert client_of(tenant.users["supplier"]).get("/insights/survey/results/").status_code == 403
    assert client_of(tenant.users["district9"]).get("/insights/survey/results/").status_code == 403


def test_the_admin_opens_a_round_from_the_page(tenant):
    admin = client_of(tenant.users["admin"])
    assert 'id="survey-open-form"' in admin.get("/insights/survey/results/").content.decode()
    bad = admin.post("/insights/survey/open/", {"title": "فوری", "opens_on": "1405/13/01",
                                                "closes_on": "1405/09/30"})
    assert bad.status_code == 422 and not SurveyRound.objects.exists()
    today = timezone.localdate()
    done = admin.post("/insights/survey/open/", {"title": "فوری", "opens_on": today.isoformat(),
                                                 "closes_on": (today + dt.timedelta(days=7)).isoformat()})
    assert done.status_code == 302 and SurveyRound.objects.get().title == "فوری"


def test_the_public_page_shows_the_trend_to_anyone(tenant, answered):
    page = Client(HTTP_ACCEPT_LANGUAGE="fa").get("/transparency/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="verdict-1"' in html and "نظرسنجی آزمایشی" in html
    assert "۴٫۰" in html or "۴.۰" in html  # responsiveness (4+3+5)/3
    assert "پاسخ دیر" not in html and "نیشابور" not in html  # no comment, no municipality


def test_the_executive_dashboard_shows_the_latest_verdict(tenant, answered):
    html = client_of(tenant.users["executive"]).get("/insights/").content.decode()
    assert 'id="verdict-card"' in html and 'data-criterion="price"' in html
    assert "۲٫۷" in html or "۲.۷" in html  # price (2+3+3)/3
    finance = client_of(tenant.users["finance"]).get("/insights/").content.decode()
    assert 'id="verdict-card"' not in finance  # finance reads the dashboard, not the verdict
