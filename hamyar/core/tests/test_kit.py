"""The foundation every app copies: one transition function, one page action, one list filter."""

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import models
from django.http import HttpResponse
from django.test import RequestFactory
from pydantic import ValidationError

from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.core.filters import ListFilter
from hamyar.core.forms import JalaliDateField
from hamyar.core.lifecycle import Lifecycle, Step, transition
from hamyar.core.models import AuditEvent
from hamyar.core.pages import page_action
from hamyar.core.roles import Role
from hamyar.directory.choices import MunicipalityKind
from hamyar.directory.models import Municipality
from hamyar.needs.choices import NeedKind, NeedStatus
from hamyar.needs.models import Need


class Act(models.TextChoices):
    SEND = "send", "Send"
    CLOSE = "close", "Close"


TOY = Lifecycle(
    name="toy", actions=Act, code="toy_state",
    steps={
        Act.SEND: Step(frozenset({NeedStatus.DRAFT}), NeedStatus.SUBMITTED,
                       frozenset({Role.MUNICIPALITY_USER, Role.COMMERCE_OFFICER}),
                       targets=frozenset({NeedStatus.TRIAGED})),
        Act.CLOSE: Step(frozenset({NeedStatus.SUBMITTED}), NeedStatus.CANCELLED,
                        frozenset({Role.COMMERCE_OFFICER})),
    },
)


@pytest.fixture
def need(tenant):
    return Need.objects.create(
        organization=tenant.org, municipality=tenant.district9, kind=NeedKind.SERVICE, domain=tenant.green,
        title="هرس درختان", number="N-T-1", status=NeedStatus.DRAFT, created_by=tenant.users["district9"])


def _events(need):
    return AuditEvent.objects.filter(action__startswith="toy.", object_id=str(need.pk)).count()


def test_a_step_sets_the_target_and_writes_one_event(tenant, need, django_capture_on_commit_callbacks):
    told = []
    with django_capture_on_commit_callbacks(execute=True):
        with transition(TOY, need, Act.SEND, acting_user=tenant.users["district9"]) as move:
            move.on_commit(lambda: told.append(move.obj.status))
            assert told == []
    need.refresh_from_db()
    assert need.status == NeedStatus.SUBMITTED
    assert _events(need) == 1
    assert told == [NeedStatus.SUBMITTED]


def test_the_callers_instance_shows_the_new_state(tenant, need):
    with transition(TOY, need, Act.SEND, acting_user=tenant.users["district9"]):
        pass
    assert need.status == NeedStatus.SUBMITTED


def test_a_body_may_choose_a_declared_other_target(tenant, need):
    with transition(TOY, need, Act.SEND, acting_user=tenant.users["commerce"]) as move:
        move.obj.status = NeedStatus.TRIAGED
    need.refresh_from_db()
    assert need.status == NeedStatus.TRIAGED


def test_a_body_may_not_choose_an_undeclared_state(tenant, need):
    commerce = tenant.users["commerce"]
    with pytest.raises(ValueError), transition(TOY, need, Act.SEND, acting_user=commerce) as move:
        move.obj.status = NeedStatus.FULFILLED
    need.refresh_from_db()
    assert need.status == NeedStatus.DRAFT
    assert _events(need) == 0


@pytest.mark.parametrize(("user", "error"), [
    ("district10", NotFound),        # another municipality: outside the scope looks absent
    ("supplier", NotFound),
    ("executive", PermissionDenied),  # sees it, may not take the step
])
def test_outside_the_scope_is_404_and_a_wrong_role_403(tenant, need, user, error):
    with pytest.raises(error), transition(TOY, need, Act.SEND, acting_user=tenant.users[user]):
        pass
    assert _events(need) == 0


def test_another_tenant_cannot_reach_the_row(tenant, other_tenant, need):
    with pytest.raises(NotFound), transition(TOY, need, Act.SEND, acting_user=other_tenant.users["commerce"]):
        pass


def test_a_step_from_a_state_not_among_its_sources_is_409(tenant, need):
    with pytest.raises(ApplicationError) as caught, transition(TOY, need, Act.CLOSE,
                                                               acting_user=tenant.users["commerce"]):
        pass
    assert (caught.value.status, caught.value.code) == (409, "toy_state")
    assert _events(need) == 0


def test_a_refusal_in_the_body_writes_nothing(tenant, need):
    clerk = tenant.users["district9"]
    with pytest.raises(InvalidInput), transition(TOY, need, Act.SEND, acting_user=clerk) as move:
        move.obj.title = "changed"
        raise InvalidInput("no")
    need.refresh_from_db()
    assert (need.status, need.title, _events(need)) == (NeedStatus.DRAFT, "هرس درختان", 0)


def test_a_lifecycle_without_a_step_for_each_action_is_refused():
    with pytest.raises(ValueError, match="close"):
        Lifecycle(name="half", actions=Act, steps={Act.SEND: TOY.step(Act.SEND)})


def test_allowed_actions_are_the_buttons_of_a_role():
    assert TOY.allowed_actions(NeedStatus.SUBMITTED, Role.COMMERCE_OFFICER) == [Act.CLOSE]
    assert TOY.allowed_actions(NeedStatus.SUBMITTED, Role.MUNICIPALITY_USER) == []


# ---------------------------------------------------------------- page action

def _post(user):
    request = RequestFactory().post("/x")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


class Reason(forms.Form):
    reason = forms.CharField(required=False)

    def add_service_error(self, error):
        self.add_error("reason", error.message)


@pytest.mark.django_db
def test_page_action_redirects_on_success_and_shows_a_refusal_at_its_status(tenant):
    request = _post(tenant.users["commerce"])
    shown = []

    def show(error):
        shown.append(error)
        return HttpResponse("page")

    ok = page_action(request, lambda: None, redirect_to="/done", show=show, success="بله")
    assert (ok.status_code, ok["Location"]) == (302, "/done")
    made = page_action(request, lambda: 7, redirect_to=lambda row: f"/rows/{row}/", show=show)
    assert made["Location"] == "/rows/7/"

    def refuse():
        raise ApplicationError("نه", code="x_state")

    refused = page_action(request, refuse, redirect_to="/done", show=show)
    assert refused.status_code == 409 and shown[-1].code == "x_state"

    form = Reason({"reason": ""})
    form.is_valid()

    def invalid():
        raise InvalidInput("دلیل را بنویسید")

    placed = page_action(request, invalid, redirect_to="/done", show=show, forms=[form])
    assert placed.status_code == 422 and shown[-1] is None and form.errors["reason"] == ["دلیل را بنویسید"]

    def hidden():
        raise NotFound()

    with pytest.raises(NotFound):
        page_action(request, hidden, redirect_to="/done", show=show)


# ---------------------------------------------------------------- list filter

class MunicipalityFilter(ListFilter):
    q = forms.CharField(required=False, max_length=50, label="نام")
    parent = forms.ModelChoiceField(Municipality.objects.all(), required=False)
    created_from = JalaliDateField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", "—"), *MunicipalityKind.choices])
    population_at_least = forms.IntegerField(required=False, min_value=0, label="کمترین جمعیت")

    lookups = {"q": "name__contains", "population_at_least": "population__gte",
               "created_from": "created_at__date__gte"}


def test_one_filter_serves_the_page_form_the_selector_and_the_api(tenant):
    rows = Municipality.objects.filter(organization=tenant.org)
    page = MunicipalityFilter({"q": "مشهد", "population_at_least": "300000", "kind": ""})
    assert {m.name for m in page.apply(rows)} == {"مشهد", "منطقه ۹ مشهد"}

    query = MunicipalityFilter.query_schema()(q="مشهد", population_at_least="300000", kind="")
    values = query.model_dump(exclude_none=True)
    assert values == {"q": "مشهد", "population_at_least": 300000}
    assert list(MunicipalityFilter.filter_queryset(rows, values)) == list(page.apply(rows))


def test_the_api_refuses_a_filter_value_with_the_forms_message():
    schema = MunicipalityFilter.query_schema()
    with pytest.raises(ValidationError) as caught:
        schema(population_at_least="-5", kind="village-x")
    fields = {error["loc"][0]: error for error in caught.value.errors()}
    assert set(fields) == {"population_at_least", "kind"}
    page = MunicipalityFilter({"population_at_least": "-5"})
    assert not page.is_valid()
    assert fields["population_at_least"]["msg"] == page.errors["population_at_least"][0]
    assert page.values() == {}


def test_a_jalali_day_and_an_id_are_read_alike_by_page_and_api(tenant):
    rows = Municipality.objects.filter(organization=tenant.org)
    query = MunicipalityFilter.query_schema()(created_from="1300/01/01", parent=str(tenant.mashhad.pk))
    values = query.model_dump(exclude_none=True)
    page = MunicipalityFilter({"created_from": "۱۳۰۰/۰۱/۰۱", "parent": tenant.mashhad.pk})
    assert set(MunicipalityFilter.filter_queryset(rows, values)) == set(page.apply(rows)) == {
        tenant.district9, tenant.district10}


def test_an_id_beyond_any_key_finds_nothing(tenant):
    values = MunicipalityFilter.query_schema()(parent=str(2**70)).model_dump(exclude_none=True)
    assert list(MunicipalityFilter.filter_queryset(Municipality.objects.all(), values)) == []


def test_the_api_schema_documents_the_choices():
    properties = MunicipalityFilter.query_schema().model_json_schema()["properties"]
    assert set(properties["kind"]["enum"]) == set(MunicipalityKind.values)
