"""Where to grow and whom to visit, on hand-computed fixtures.

The recommendations: orders and needs placed in known Jalali months (counted back from the current one)
of a few domains whose providers' levels are known; after `rebuild` the ranked recommendations, their
figures and sentences are exactly those worked out below. The opportunities: three municipalities
with simple sizes and yearly amounts, whose least-squares rates and gaps are worked out by hand.
"""

import datetime as dt
import io
from decimal import Decimal
from fractions import Fraction
from itertools import count

import jdatetime
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from hamyar.commerce.choices import DeliveryStatus, OrderStatus, QuotationStatus
from hamyar.commerce.models import Delivery, Order, Quotation, Rating
from hamyar.core.errors import PermissionDenied
from hamyar.directory.models import Capability, Municipality, ServiceDomain
from hamyar.insights import selectors
from hamyar.insights.selectors.growth import FitBasis, RecommendationKind, _month_back, window_months
from hamyar.insights.services import jalali_month, rebuild
from hamyar.needs.choices import NeedKind, NeedStatus
from hamyar.needs.models import Need

_numbers = count(1)
MILLION = 1_000_000


def _moment(back: int) -> dt.datetime:
    """Noon on the first day of the Jalali month `back` months before the current one, in Tehran."""
    month = _month_back(jalali_month(timezone.localdate()), back)
    day = jdatetime.date(month // 100, month % 100, 1).togregorian()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _need(tenant, domain, municipality, back: int, *, gap: bool = False, budget: int | None = None) -> Need:
    """A need submitted `back` months ago (a gap: rejected, no provider could serve it)."""
    when = _moment(back)
    return Need.objects.create(
        organization=tenant.org, municipality=municipality, number=f"N-G-{next(_numbers):05d}",
        kind=NeedKind.SERVICE, domain=domain, title="نیاز آزمون", budget_estimate=budget,
        status=NeedStatus.REJECTED if gap else NeedStatus.FULFILLED, is_capability_gap=gap,
        created_by=tenant.users["district9"], submitted_at=when)


def _order(tenant, domain, provider, back: int, amount: int, *, municipality=None, score: int | None = None,
           late: bool = False, closed: bool = True) -> Order:
    """An order placed `back` months ago for `amount` Rial: closed (on time, or received 3 days past its
    due date when `late`) and rated `score`."""
    municipality = municipality or tenant.district9
    when = _moment(back)
    need = _need(tenant, domain, municipality, back)
    quotation = Quotation.objects.create(
        organization=tenant.org, need=need, provider=provider, number=f"Q-G-{next(_numbers):05d}",
        status=QuotationStatus.APPROVED, valid_until=when.date(), vat_percent=0, subtotal=amount,
        total=amount, prepared_by=tenant.users["commerce"])
    order = Order.objects.create(
        organization=tenant.org, quotation=quotation, need=need, municipality=municipality, provider=provider,
        number=f"O-G-{next(_numbers):05d}", status=OrderStatus.CLOSED if closed else OrderStatus.PLACED,
        total=amount, due_date=when.date() if late else None)
    Order.objects.filter(pk=order.pk).update(created_at=when)
    if late:
        Delivery.objects.create(organization=tenant.org, order=order, number=f"D-G-{next(_numbers):05d}",
                                status=DeliveryStatus.RECEIVED, recorded_by=tenant.users["commerce"],
                                delivered_on=when.date() + dt.timedelta(days=3))
    if score is not None:
        Rating.objects.create(organization=tenant.org, order=order, provider=provider, score=score,
                              on_time=not late, rated_by=tenant.users["district9"])
    return order


def _domain(tenant, code: str, name: str, parent=None) -> ServiceDomain:
    return ServiceDomain.objects.create(organization=tenant.org, code=code, name=name, parent=parent)


# ---------------------------------------------------------------- recommendations


@pytest.fixture
def grown(tenant, other_tenant):
    """The tenant's last 12 months, domain by domain (providers: the affiliate is level 5 in green space,
    the supplier level 4 in urban furniture, from conftest):

    - lighting: nobody able; gap needs from District 9 (300 M Rial, 1 month ago) and District 10 (200 M,
      3 months ago) → enter: 2 needs, 2 municipalities, 500 M, no provider;
    - waste: the staff unit at level 2; three gaps from Neyshabur (100 M, no estimate, 50 M) → enter: 3
      needs, 1 municipality, 150 M, best level 2;
    - parks, under green space: one gap, but the affiliate's level 5 in the parent covers it → nothing;
    - training: a gap 13 months ago, outside the window → nothing;
    - roads: the staff unit at level 3; one order of 5,000 M rated 3, on time → improve (rating 3.00);
      volume 0 → 1 but no earlier rating to compare → no "don't take more";
    - green space: 4 orders of 1,000 M, two in each half, rated 4, 4, 5, 5, one of them late → improve
      (on time 3 of 4 = 75%), rating 4.50;
    - urban furniture: 1 order of 500 M 8 months ago rated 5, then 2 of 500 M in the last 6 months rated
      4 and 3, all on time → don't take more (orders 1 → 2, rating 5.00 → 3.50); the window's rating 4.00
      and on-time 100% are above the bar.

    The other organization has a gap and late, badly rated orders of its own: none of it shows.
    """
    t = tenant
    lighting = t.lighting
    waste = _domain(t, "waste", "پسماند")
    parks = _domain(t, "parks", "بوستان‌ها", parent=t.green)
    training = _domain(t, "training", "آموزش")
    roads = _domain(t, "roads", "راه و معابر")
    Capability.objects.create(organization=t.org, provider=t.staff_unit, domain=waste, level=2,
                              monthly_capacity=5)
    Capability.objects.create(organization=t.org, provider=t.staff_unit, domain=roads, level=3,
                              monthly_capacity=5)
    _need(t, lighting, t.district9, 1, gap=True, budget=300 * MILLION)
    _need(t, lighting, t.district10, 3, gap=True, budget=200 * MILLION)
    _need(t, waste, t.neyshabur, 2, gap=True, budget=100 * MILLION)
    _need(t, waste, t.neyshabur, 5, gap=True)
    _need(t, waste, t.neyshabur, 9, gap=True, budget=50 * MILLION)
    _need(t, parks, t.district9, 4, gap=True, budget=900 * MILLION)
    _need(t, training, t.district9, 13, gap=True, budget=700 * MILLION)
    _order(t, roads, t.staff_unit, 2, 5_000 * MILLION, score=3)
    _order(t, t.green, t.affiliate, 10, 1_000 * MILLION, score=4)
    _order(t, t.green, t.affiliate, 7, 1_000 * MILLION, score=5, late=True)
    _order(t, t.green, t.affiliate, 4, 1_000 * MILLION, score=4)
    _order(t, t.green, t.affiliate, 0, 1_000 * MILLION, score=5)
    _order(t, t.furniture, t.supplier, 8, 500 * MILLION, score=5)
    _order(t, t.furniture, t.supplier, 3, 500 * MILLION, score=4)
    _order(t, t.furniture, t.supplier, 1, 500 * MILLION, score=3)
    o = other_tenant
    _need(o, o.lighting, o.district9, 1, gap=True, budget=999 * MILLION)
    _order(o, o.green, o.affiliate, 2, 7_000 * MILLION, score=1, late=True)
    rebuild(t.org.pk)
    rebuild(o.org.pk)
    return {"waste": waste, "roads": roads, "parks": parks, "training": training}


def _summary(recommendations) -> list[tuple]:
    return [(r.kind, r.figures.domain_id) for r in recommendations]


def test_recommendations_are_ranked_with_their_figures(tenant, grown):
    found = selectors.growth_recommendations(user=tenant.users["commerce"])
    assert _summary(found) == [
        (RecommendationKind.ENTER, tenant.lighting.pk),
        (RecommendationKind.ENTER, grown["waste"].pk),
        (RecommendationKind.IMPROVE, grown["roads"].pk),
        (RecommendationKind.IMPROVE, tenant.green.pk),
        (RecommendationKind.HOLD, tenant.furniture.pk),
    ]
    lighting, waste, roads, green, furniture = (r.figures for r in found)
    assert (lighting.gaps, lighting.gap_municipalities, lighting.gap_budget, lighting.best_level) == (
        2, 2, 500 * MILLION, None)
    assert (waste.gaps, waste.gap_municipalities, waste.gap_budget, waste.best_level) == (
        3, 1, 150 * MILLION, 2)
    assert (roads.window.orders, roads.window.amount, roads.window.rating, roads.window.on_time_percent) == (
        1, 5_000 * MILLION, Decimal("3.00"), Decimal("100.0"))
    assert (green.window.orders, green.window.amount, green.window.rating, green.window.on_time_percent) == (
        4, 4_000 * MILLION, Decimal("4.50"), Decimal("75.0"))
    assert (green.earlier.orders, green.recent.orders) == (2, 2)
    assert (furniture.earlier.orders, furniture.recent.orders) == (1, 2)
    assert (furniture.earlier.rating, furniture.recent.rating) == (Decimal("5.00"), Decimal("3.50"))
    assert (furniture.earlier.on_time_percent, furniture.recent.on_time_percent) == (Decimal("100.0"),
                                                                                     Decimal("100.0"))
    assert (furniture.window.rating, furniture.window.on_time_percent) == (Decimal("4.00"), Decimal("100.0"))
    assert (found[-1].rating_fell, found[-1].on_time_fell) == (True, False)
    assert found[-1].stake == 1_000 * MILLION


def test_a_gap_covered_by_a_parent_domain_or_outside_the_window_is_not_to_enter(tenant, grown):
    figures = {f.domain_id: f for f in selectors.domain_figures(user=tenant.users["executive"])}
    parks, training = figures[grown["parks"].pk], figures[grown["training"].pk]
    assert (parks.gaps, parks.best_level) == (1, 5)
    assert (training.gaps, training.gap_budget) == (0, 0)
    domains = {r.figures.domain_id for r in selectors.growth_recommendations(user=tenant.users["executive"])}
    assert grown["parks"].pk not in domains and grown["training"].pk not in domains


def test_the_sentences_say_the_figures_in_persian_digits(tenant, grown):
    found = selectors.growth_recommendations(user=tenant.users["commerce"])
    with translation.override("fa"):
        assert found[0].sentence == (
            "ورود به حوزهٔ «روشنایی»: در ۱۲ ماه گذشته ۲ نیاز از ۲ شهرداری ارائه‌دهنده‌ای نیافت، به برآورد "
            "بودجهٔ خودشان ۵۰۰٬۰۰۰٬۰۰۰ ریال، و هیچ ارائه‌دهنده‌ای در این حوزه سطح ۳ یا بالاتر ندارد "
            "(هیچ ارائه‌دهنده‌ای در آن توانمندی ثبت‌شده ندارد).")
        assert found[1].sentence.endswith("(بهترین ارائه‌دهندهٔ آن در سطح ۲ است).")
        assert found[3].sentence == (
            "بهبود کیفیت در «فضای سبز»: ۴ سفارش به ارزش ۴٬۰۰۰٬۰۰۰٬۰۰۰ ریال در ۱۲ ماه گذشته، با میانگین "
            "امتیاز ۴٫۵۰ از ۵ و ۷۵٫۰٪ بسته‌شده در موعد، در برابر حد ۳٫۵ و ۸۰٪.")
        assert found[4].sentence == (
            "در «مبلمان شهری» کار بیشتر نپذیرید: سفارش‌ها از ۱ به ۲ رسید (۶ ماه اخیر در برابر ۶ ماه پیش از "
            "آن) و در همین حال میانگین امتیاز از ۵٫۰۰ به ۳٫۵۰ رسید.")
    with translation.override("en"):
        assert found[4].sentence == (
            "Don't take more in مبلمان شهری: orders rose from 1 to 2 (the last 6 months against the 6 "
            "before) while the average rating fell from 5.00 to 3.50.")


def test_each_recommendation_links_to_its_records(tenant, grown):
    found = selectors.growth_recommendations(user=tenant.users["commerce"])
    lighting = tenant.lighting.pk
    assert [link.url for link in found[0].links] == [f"/needs/?domain={lighting}",
                                                     f"/needs/gaps/#domain-{lighting}"]
    assert [link.url for link in found[3].links] == [f"/needs/?domain={tenant.green.pk}"]


def test_another_organizations_data_never_shows(tenant, other_tenant, grown):
    found = selectors.growth_recommendations(user=other_tenant.users["commerce"])
    # Its own: the gap in its lighting, and its green space below the bar; nothing of the first tenant.
    assert _summary(found) == [(RecommendationKind.ENTER, other_tenant.lighting.pk),
                               (RecommendationKind.IMPROVE, other_tenant.green.pk)]
    assert (found[0].figures.gap_budget, found[1].figures.window.amount) == (999 * MILLION, 7_000 * MILLION)
    mine = selectors.growth_recommendations(user=tenant.users["commerce"])
    assert all(r.figures.gap_budget != 999 * MILLION for r in mine)


def test_recommendations_are_for_management_only(tenant, grown):
    for who in ("district9", "supplier", "finance", "project_manager"):
        with pytest.raises(PermissionDenied):
            selectors.growth_recommendations(user=tenant.users[who])
        with pytest.raises(PermissionDenied):
            selectors.opportunities(user=tenant.users[who])


def test_the_window_is_the_current_month_and_the_eleven_before():
    months = window_months(12, dt.date(2026, 12, 7))  # 16 Azar 1405
    assert months == [140410, 140411, 140412, 140501, 140502, 140503, 140504, 140505, 140506, 140507, 140508,
                      140509]


# ---------------------------------------------------------------- opportunities


def _sizes(tenant, area_of_neyshabur: int | None = 30) -> None:
    """District 9: 1,000 residents and 10 ha; District 10: 2,000 and 10 ha; Neyshabur: 1,000 and 30 ha
    (Mashhad, the city of the two districts, is left out of the fit)."""
    Municipality.objects.filter(pk=tenant.district9.pk).update(population=1000, area_ha=10)
    Municipality.objects.filter(pk=tenant.district10.pk).update(population=2000, area_ha=10)
    Municipality.objects.filter(pk=tenant.neyshabur.pk).update(population=1000, area_ha=area_of_neyshabur)


@pytest.fixture
def dealings(tenant, other_tenant):
    """Urban furniture this month: District 9 1,500,000 Rial, District 10 1,000,000 (two orders),
    Neyshabur 2,500,000; green space: District 9 600,000 six months ago. Mashhad 9,000,000 (left out).
    The other organization: 50,000,000 with its District 9 (never in the first's fit)."""
    t = tenant
    _order(t, t.furniture, t.supplier, 0, 1_500_000)
    _order(t, t.furniture, t.supplier, 0, 400_000, municipality=t.district10)
    _order(t, t.furniture, t.supplier, 1, 600_000, municipality=t.district10, closed=False)
    _order(t, t.furniture, t.supplier, 0, 2_500_000, municipality=t.neyshabur)
    _order(t, t.green, t.affiliate, 6, 600_000)
    _order(t, t.furniture, t.supplier, 0, 9_000_000, municipality=t.mashhad)
    _order(other_tenant, other_tenant.furniture, other_tenant.supplier, 0, 50_000_000)
    rebuild(t.org.pk)
    rebuild(other_tenant.org.pk)


def _rows(found) -> list[tuple]:
    return [(r.municipality_id, r.fit.domain_id, r.expected, r.actual, r.gap) for r in found.rows]


def test_opportunities_fit_population_and_area(tenant, dealings):
    """Furniture, y = (1.5, 1.0, 2.5) M, p = (1000, 2000, 1000), a = (10, 10, 30):
    Σp² = 6,000,000, Σa² = 1,100, Σpa = 60,000, Σpy = 6 × 10⁹, Σay = 10⁸; det = 6.6 × 10⁹ − 3.6 × 10⁹
    = 3 × 10⁹; per resident = (6 × 10⁹ × 1,100 − 10⁸ × 60,000) / det = 200; per hectare = (6 × 10⁶ ×
    10⁸ − 60,000 × 6 × 10⁹) / det = 80,000. Expected: 1,000,000, 1,200,000, 2,600,000; gaps −500,000,
    +200,000, +100,000. Green space: y = (0.6 M, 0, 0): Σpy = 6 × 10⁸, Σay = 6 × 10⁶; per hectare =
    (6 × 10⁶ × 6 × 10⁶ − 60,000 × 6 × 10⁸) / det = 0, per resident = (6 × 10⁸ × 1,100 − 6 × 10⁶ ×
    60,000) / det = 100: expected 100,000, 200,000, 100,000."""
    _sizes(tenant)
    found = selectors.opportunities(user=tenant.users["commerce"])
    assert (found.fitted, found.left_out) == (3, 1)
    fits = {fit.domain_id: fit for fit in found.fits}
    furniture, green = fits[tenant.furniture.pk], fits[tenant.green.pk]
    assert set(fits) == {tenant.furniture.pk, tenant.green.pk}
    assert (furniture.basis, furniture.exact_per_resident, furniture.exact_per_hectare) == (
        FitBasis.POPULATION_AREA, Fraction(200), Fraction(80_000))
    assert (furniture.per_resident, furniture.per_hectare, furniture.actual, furniture.municipalities) == (
        Decimal("200.00"), Decimal("80000.00"), 5_000_000, 3)
    assert (green.basis, green.exact_per_resident, green.exact_per_hectare) == (
        FitBasis.POPULATION_AREA, Fraction(100), Fraction(0))
    # Equal gaps: by municipality, then by domain name (فضای سبز before مبلمان شهری).
    assert _rows(found) == [
        (tenant.district10.pk, tenant.green.pk, 200_000, 0, 200_000),
        (tenant.district10.pk, tenant.furniture.pk, 1_200_000, 1_000_000, 200_000),
        (tenant.neyshabur.pk, tenant.green.pk, 100_000, 0, 100_000),
        (tenant.neyshabur.pk, tenant.furniture.pk, 2_600_000, 2_500_000, 100_000),
    ]


def test_opportunities_fall_back_to_population_when_an_area_is_unknown(tenant, dealings):
    """Furniture on population alone: 6 × 10⁹ / 6 × 10⁶ = 1,000 Rial per resident; expected 1,000,000,
    2,000,000, 1,000,000. Green space: 6 × 10⁸ / 6 × 10⁶ = 100."""
    _sizes(tenant, area_of_neyshabur=None)
    found = selectors.opportunities(user=tenant.users["executive"])
    furniture = next(fit for fit in found.fits if fit.domain_id == tenant.furniture.pk)
    assert (furniture.basis, furniture.exact_per_resident, furniture.per_hectare) == (
        FitBasis.AREA_UNKNOWN, Fraction(1000), None)
    assert _rows(found) == [
        (tenant.district10.pk, tenant.furniture.pk, 2_000_000, 1_000_000, 1_000_000),
        (tenant.district10.pk, tenant.green.pk, 200_000, 0, 200_000),
        (tenant.neyshabur.pk, tenant.green.pk, 100_000, 0, 100_000),
    ]


def test_opportunities_fall_back_to_population_when_area_is_proportional(tenant, dealings):
    """Areas of 10, 20 and 10 ha are a hundredth of the populations: the system is singular."""
    _sizes(tenant)
    Municipality.objects.filter(pk=tenant.district10.pk).update(area_ha=20)
    Municipality.objects.filter(pk=tenant.neyshabur.pk).update(area_ha=10)
    found = selectors.opportunities(user=tenant.users["admin"])
    furniture = next(fit for fit in found.fits if fit.domain_id == tenant.furniture.pk)
    assert (furniture.basis, furniture.exact_per_resident, furniture.exact_per_hectare) == (
        FitBasis.SINGULAR, Fraction(1000), None)


def test_opportunities_fall_back_to_population_when_a_rate_is_negative(tenant, dealings):
    """Neyshabur's furniture moved to District 10 (y = 1.5, 3.5, 0 M): per hectare would be
    (6 × 10⁶ × 5 × 10⁷ − 60,000 × 8.5 × 10⁹) / 3 × 10⁹ = −70,000 < 0, so population alone:
    8.5 × 10⁹ / 6 × 10⁶ = 4,250 / 3 Rial per resident."""
    _sizes(tenant)
    Order.objects.filter(municipality=tenant.neyshabur).update(municipality=tenant.district10)
    Need.objects.filter(municipality=tenant.neyshabur).update(municipality=tenant.district10)
    rebuild(tenant.org.pk)
    found = selectors.opportunities(user=tenant.users["commerce"])
    furniture = next(fit for fit in found.fits if fit.domain_id == tenant.furniture.pk)
    assert (furniture.basis, furniture.exact_per_resident) == (FitBasis.NEGATIVE, Fraction(4250, 3))
    assert furniture.per_resident == Decimal("1416.67")
    neyshabur = [r for r in found.rows if (r.municipality_id, r.fit.domain_id) == (tenant.neyshabur.pk,
                                                                                   tenant.furniture.pk)]
    assert [(r.expected, r.actual) for r in neyshabur] == [(1_416_667, 0)]


def test_opportunities_never_mix_organizations(tenant, other_tenant, dealings):
    _sizes(tenant)
    mine = selectors.opportunities(user=tenant.users["commerce"])
    theirs = selectors.opportunities(user=other_tenant.users["commerce"])
    assert {fit.domain_id for fit in theirs.fits} == {other_tenant.furniture.pk}
    assert {r.municipality_id for r in mine.rows} <= {tenant.district9.pk, tenant.district10.pk,
                                                      tenant.neyshabur.pk}
    assert {r.municipality_id for r in theirs.rows} <= {other_tenant.district10.pk, other_tenant.neyshabur.pk}
    assert sum(fit.actual for fit in mine.fits) == 5_600_000


# ---------------------------------------------------------------- pages


def test_the_gaps_page_shows_the_recommendations_and_exports_them(client, tenant, grown):
    client.force_login(tenant.users["executive"])
    response = client.get(reverse("needs:capability_gaps"), HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-kind="enter"') == 2 and html.count('data-kind="hold"') == 1
    assert "ورود به حوزهٔ «روشنایی»" in html
    assert f'id="domain-{tenant.lighting.pk}"' in html
    sheet = client.get(reverse("needs:capability_gaps") + "?export=recommendations")
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert [row[3:6] for row in rows if row[3] is not None and not isinstance(row[3], str)][:2] == [
        (2, 2, 500 * MILLION), (3, 1, 150 * MILLION)]


def test_the_opportunities_page_shows_the_rates_and_the_gaps(client, tenant, dealings):
    _sizes(tenant)
    client.force_login(tenant.users["commerce"])
    response = client.get(reverse("insights:opportunities"), HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="rate-{tenant.furniture.pk}"' in html and 'data-rate="200.00"' in html
    assert html.index(f'id="opportunity-{tenant.district10.pk}-{tenant.furniture.pk}"') < html.index(
        f'id="opportunity-{tenant.neyshabur.pk}-{tenant.furniture.pk}"')
    assert f'href="/directory/municipalities/{tenant.district10.pk}/"' in html
    sheet = client.get(reverse("insights:opportunities") + "?export=opportunities")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    gaps = [row[-1] for row in rows if isinstance(row[-1], int | float)]
    assert gaps == [200_000, 200_000, 100_000, 100_000]


@pytest.mark.parametrize("who", ["district9", "supplier", "finance", "project_manager"])
def test_the_pages_refuse_other_roles(client, tenant, who):
    client.force_login(tenant.users[who])
    assert client.get(reverse("insights:opportunities")).status_code == 403
    assert client.get(reverse("needs:capability_gaps")).status_code == 403


def test_the_menu_offers_opportunities_to_management_only(client, tenant):
    for who, shown in (("admin", True), ("commerce", True), ("executive", True), ("finance", False),
                       ("district9", False), ("supplier", False)):
        client.force_login(tenant.users[who])
        html = client.get(reverse("web:home")).content.decode()
        assert (f'href="{reverse("insights:opportunities")}"' in html) is shown, who


def test_the_pages_cost_the_same_queries_as_dealings_grow(client, tenant, grown, dealings):
    """Read from the cells: more orders, municipalities and domains add rows, not queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(tenant.users["commerce"])
    pages = [reverse("needs:capability_gaps"), reverse("insights:opportunities")]

    def cost() -> list[int]:
        counts = []
        for path in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            counts.append(len(queries))
        return counts

    few = cost()
    for i in range(6):
        domain = _domain(tenant, f"more-{i}", f"حوزه {i}")
        place = Municipality.objects.create(organization=tenant.org, name=f"شهر {i}", search_name=f"شهر {i}",
                                            kind="town", population=10_000 + i)
        _order(tenant, domain, tenant.supplier, i, 1_000_000, municipality=place, score=2)
        _need(tenant, domain, place, i, gap=True, budget=1_000)
    rebuild(tenant.org.pk)
    many = cost()
    assert many == few and max(many) <= 25
    # roads, green space, urban furniture and the six new domains
    assert len(selectors.opportunities(user=tenant.users["commerce"]).fits) == 3 + 6
