"""The API answers as its own OpenAPI document says, and the document names every schema once.

Schemathesis reads the document the app serves and sends generated requests through the WSGI
app (no live server), as six roles — with their own bearer tokens where the role may hold one, with a
browser session (cookie and CSRF token) where it may not — against real rows: path ids
are drawn from the rows of the model each route serves, ids in bodies from the rows they name.
Every answer must be documented (status, content type, body schema) and none may be a 5xx.
"""

import enum
import json
import os
import typing
import uuid
import zlib
from collections import Counter, defaultdict

import pytest
import schemathesis
from django.apps import apps
from django.conf import settings as settings_module
from django.core import signals
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from ninja import Router, Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hamyar.accounts.services import api_token_create
from hamyar.api import api
from hamyar.commerce.services import quotation_create, quotation_send
from hamyar.core.apikit import HamyarAPI, InputSchema
from hamyar.core.roles import API_TOKEN_ROLES
from hamyar.core.scoping import membership_of
from hamyar.finance.tests.finance_data import tenant_catalog
from hamyar.needs.tests.helpers import assigned, goods_need, project_need, submitted, triaged

from . import scope_rows

# The document as clients read it: JSON, with string status codes.
DOCUMENT = json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
ROLES = ["district9", "commerce", "finance", "supplier", "project_manager", "executive"]
# Cases per route and role (CI asks for more: `HAMYAR_FUZZ_EXAMPLES`, and at least
# `HAMYAR_FUZZ_MIN_CASES` in all); a route that answers a file (PDF, xlsx: slow to make) gets one.
EXAMPLES, FILE_EXAMPLES = int(os.environ.get("HAMYAR_FUZZ_EXAMPLES", "2")), 1
MIN_CASES = int(os.environ.get("HAMYAR_FUZZ_MIN_CASES", "0"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
TOKEN_NAME = "schemathesis"
# Ids in request bodies, by field name: drawn from these models' rows so writes can succeed.
BODY_REFERENCES = {
    "item": "catalog.catalogitem", "need": "needs.need", "need_line": "needs.needline",
    "municipality": "directory.municipality", "parent": "directory.municipality",
    "domain": "directory.servicedomain", "domains": "directory.servicedomain",
    "site": "directory.municipalasset", "provider": "directory.provider", "supplier": "directory.provider",
    "agreement": "directory.agencyagreement", "milestone": "projects.milestone",
    "delivery": "commerce.delivery", "payment_request": "projects.paymentrequest",
}


# ---------------------------------------------------------------- one name per schema


def _schema_classes(annotation: typing.Any, found: set[type]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        found.add(annotation)
        return
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _schema_classes(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _schema_classes(argument, found)


def _classes_by_component_name() -> dict[str, set[type]]:
    """Every schema class a route reads or answers, by the name its component gets in the document."""
    found: set[type] = set()
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    _schema_classes(model, found)
    by_name: dict[str, set[type]] = defaultdict(set)
    for cls in found:
        # Ninja's wrappers of a route's parameters and answers are flattened, never components.
        if not hasattr(cls, "__ninja_param_source__") and cls.__name__ != "NinjaResponseSchema":
            by_name[cls.__name__].add(cls)
    return by_name


def test_no_two_schema_classes_share_a_component_name():
    by_name = _classes_by_component_name()
    shared = {name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
              for name, classes in by_name.items() if len(classes) > 1}
    assert shared == {}
    # The document's components are exactly these classes (and the error body every route shares).
    assert set(DOCUMENT["components"]["schemas"]) == set(by_name) | {"ErrorOut"}


def test_the_document_refuses_two_different_schemas_of_one_name():
    def module_with_line(field: str) -> type[Schema]:
        attributes = {"__annotations__": {field: int}, "__module__": f"clash.{field}"}
        return type("LineIn", (InputSchema,), attributes)

    first, second = Router(), Router()

    @first.post("/needs")
    def need(request, lines: list[module_with_line("item")]) -> None: ...

    @second.post("/quotations")
    def quotation(request, lines: list[module_with_line("unit_price")]) -> None: ...

    clash = HamyarAPI(urls_namespace="clash-test")
    clash.add_router("/a", first)
    clash.add_router("/b", second)
    with pytest.raises(ImproperlyConfigured, match="LineIn"):
        clash.get_openapi_schema(path_prefix="")


def _component(ref: dict) -> dict:
    return DOCUMENT["components"]["schemas"][ref["$ref"].rsplit("/", 1)[-1]]


def test_a_need_is_written_with_its_own_lines_not_a_quotations():
    body = DOCUMENT["paths"]["/api/v1/needs"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    need_in = _component(body)
    line = need_in["properties"]["lines"]
    line_ref = next(option for option in line.get("anyOf", [line]) if option.get("type") == "array")["items"]
    assert set(_component(line_ref)["properties"]) == {"item", "quantity"}
    quotation = _component(DOCUMENT["paths"]["/api/v1/commerce/quotations/{id}"]["get"]["responses"]["200"]
                           ["content"]["application/json"]["schema"])
    assert "unit_price" in _component(quotation["properties"]["lines"]["items"])["properties"]


OPERATIONS = [(method, path, op) for path, ops in DOCUMENT["paths"].items() for method, op in ops.items()]


@pytest.mark.parametrize(("method", "path", "op"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_every_route_documents_the_errors_it_can_answer(method, path, op):
    responses = op["responses"]
    errors = {int(status) for status, answer in responses.items() if int(status) >= 400}
    # A public route (`auth=None`: transparency's) has no one to refuse: no 401, no 403.
    assert ({401, 403, 404} if "security" in op else {404}) <= errors
    if method != "get":
        assert {409, 422} <= errors, "a write can be refused for the object's state and for bad input"
    if "requestBody" in op:
        assert 413 in errors
    if "multipart/form-data" in op.get("requestBody", {}).get("content", {}):
        assert 507 in errors, "an upload can meet a full disk"
    for status in errors:
        assert responses[str(status)]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"}
    error_out = DOCUMENT["components"]["schemas"]["ErrorOut"]
    assert set(error_out["properties"]) == {"detail", "code", "fields"}
    success = [int(status) for status in responses if int(status) < 300]
    assert len(success) == 1
    if method == "post":
        assert "Idempotency-Key" in {p["name"] for p in op["parameters"] if p["in"] == "header"}


# ---------------------------------------------------------------- the API against its document


def _more_rows(tenant) -> None:
    """Needs and quotations in the early states, so transitions have rows they can move."""
    catalog = tenant_catalog(tenant)
    goods_need(tenant, catalog)
    submitted(tenant, goods_need(tenant, catalog))
    triaged(tenant, project_need(tenant))
    need = assigned(tenant, goods_need(tenant, catalog))
    quotation = quotation_create(need=need, acting_user=tenant.users["supplier"])
    quotation_send(quotation=quotation, acting_user=tenant.users["supplier"])
    quotation_create(need=assigned(tenant, goods_need(tenant, catalog)), acting_user=tenant.users["supplier"])


@pytest.fixture
def wsgi_app():
    """Django's WSGI app, kept on the test's database connection (as Django's test client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _ids(tenant, label: str) -> list[int]:
    rows = apps.get_model(label).objects.order_by("pk")
    if label == "accounts.apitoken":  # revoking the tokens this test signs in with would end the test
        rows = rows.exclude(name=TOKEN_NAME)
    if label == "accounts.membership":
        rows = rows.exclude(user__in=[tenant.users[role] for role in ROLES])
    return list(rows.values_list("pk", flat=True)[:60])


def _with_real_references(data: st.DataObject, value: typing.Any,
                          references: dict[str, list[int]]) -> typing.Any:
    """`value` with the ids of known fields replaced by ids of real rows (in scope or not)."""
    if isinstance(value, list):
        return [_with_real_references(data, item, references) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        ids = references.get(key)
        if ids and isinstance(item, int | float) and not isinstance(item, bool):
            item = data.draw(st.sampled_from(ids))
        elif ids and isinstance(item, list):
            item = data.draw(st.lists(st.sampled_from(ids), min_size=len(item), max_size=len(item)))
        result[key] = _with_real_references(data, item, references)
    return result


def _foreign_ids(other_tenant, label: str | None) -> set[int]:
    """The ids of the other organization's rows of a route's model (none for a route of no model)."""
    if not label:
        return set()
    model = apps.get_model(label)
    if not any(f.name == "organization" for f in model._meta.fields):
        return set()
    return set(model.objects.filter(organization=other_tenant.org).values_list("pk", flat=True))


def _answers_a_file(op: dict) -> bool:
    return any(media != "application/json"
               for answer in op["responses"].values() for media in answer.get("content", {}))


def _credentials(user) -> dict[str, str]:
    """The headers that sign `user` in: a bearer token for a role that may hold one, else a session.

    A municipality user or a project manager uses the API from the browser: its session cookie, and
    for writes the CSRF token in the cookie and the header, as the pages' scripts send them."""
    if membership_of(user).role in API_TOKEN_ROLES:
        return {"Authorization": f"Bearer {api_token_create(acting_user=user, name=TOKEN_NAME)[1]}"}
    client = Client()
    client.force_login(user)
    csrf = uuid.uuid4().hex  # 32 characters: a valid unmasked CSRF secret
    session = settings_module.SESSION_COOKIE_NAME
    cookies = f"{session}={client.cookies[session].value}; {settings_module.CSRF_COOKIE_NAME}={csrf}"
    return {"Cookie": cookies, "X-CSRFToken": csrf}


def _ids_answered(body: typing.Any) -> set[int]:
    """The ids of the rows an answer hands out: its own, or its page's items'."""
    if not isinstance(body, dict):
        return set()
    found = {body["id"]} if isinstance(body.get("id"), int) else set()
    items = body.get("items")
    if isinstance(items, list):
        found |= {item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), int)}
    return found


def _fuzz(operation, strategy, examples: int, path_ids: list[int], references: dict[str, list[int]],
          secret_owner: str, credentials: dict[str, str], app,
          foreign: set[int] = frozenset()) -> list[tuple[int, str]]:
    """A bounded run of generated calls to one route as one user: (status, failure) each. A read that
    hands out a row of the other organization (`foreign`: ids of the route's model there) fails."""
    answers: list[tuple[int, str]] = []

    # Seeded by route and user: the same cases on every run, but not the same cases for every user.
    @seed(zlib.crc32(f"{operation.label} {secret_owner}".encode()))
    @settings(max_examples=examples, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy, data=st.data())
    def call(case, data):
        if path_ids:
            case.path_parameters["id"] = data.draw(st.sampled_from(path_ids))
        if isinstance(case.body, dict | list):
            case.body = _with_real_references(data, case.body, references)
        headers = {**(case.headers or {}), **credentials}
        if "Idempotency-Key" in headers:
            # A generated key repeats across cases; on another request it is rightly refused (422).
            headers["Idempotency-Key"] = uuid.uuid4().hex
        case.headers = headers
        response = case.call(app=app)
        leaked: set[int] = set()
        if foreign and response.status_code < 300 and operation.method.upper() == "GET":
            try:
                leaked = _ids_answered(response.json()) & foreign
            except ValueError:  # a file, not JSON
                leaked = set()
        try:
            case.validate_response(response, checks=CHECKS)
        except BaseException as error:  # a group of failed checks: keep going, report them all
            answers.append((response.status_code, f"{error}\n{response.text[:300]}"))
        else:
            answers.append((response.status_code,
                            f"CROSS-TENANT READ of {sorted(leaked)}" if leaked else ""))

    call()
    return answers


def test_the_api_answers_as_its_document_says(tenant, other_tenant, wsgi_app, record_property):
    app = wsgi_app
    scope_rows.build_rows_of_every_kind(tenant, other_tenant)
    _more_rows(tenant)
    credentials = {role: _credentials(tenant.users[role]) for role in ROLES}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    references = {field: _ids(tenant, label) for field, label in BODY_REFERENCES.items()}
    statuses: dict[str, Counter] = defaultdict(Counter)
    failures: list[str] = []

    for result in schema.get_all_operations():
        operation = result.ok()
        op = DOCUMENT["paths"][operation.path][operation.method.lower()]
        path_ids = _ids(tenant, op["x-hamyar-model"]) if "{id}" in operation.path else []
        foreign = _foreign_ids(other_tenant, op.get("x-hamyar-model"))
        strategy = operation.as_strategy()
        examples = FILE_EXAMPLES if _answers_a_file(op) else EXAMPLES
        for role in ROLES:
            answers = _fuzz(operation, strategy, examples, path_ids, references, role, credentials[role], app,
                            foreign)
            for status, failure in answers:
                statuses[operation.label][status] += 1
                if failure:
                    failures.append(f"{role}: {operation.label} → {status}\n{failure}")

    cases = sum(sum(counter.values()) for counter in statuses.values())
    answered_2xx = {label for label, counter in statuses.items() if any(200 <= s < 300 for s in counter)}
    server_errors = sum(n for counter in statuses.values() for s, n in counter.items() if s >= 500)
    leaks = sum("CROSS-TENANT READ" in failure for failure in failures)
    record_property("schemathesis_cases", cases)
    print(f"\nschemathesis: {cases} cases over {len(statuses)} operations as {len(ROLES)} roles, "
          f"{len(answered_2xx)} operations answered 2xx; {server_errors} server errors, "
          f"{len(failures) - leaks} answers outside the schema, {leaks} cross-tenant reads")
    print(json.dumps({label: dict(counter) for label, counter in sorted(statuses.items())}))
    assert failures == [], "\n\n".join(failures[:20])
    assert cases >= MIN_CASES, f"only {cases} cases, {MIN_CASES} asked"
    assert len(statuses) == len(OPERATIONS)
    # The rows are real: reads of each kind reach them, and writes get through.
    for path in ["needs/{id}", "commerce/quotations/{id}", "commerce/orders/{id}", "projects/{id}",
                 "finance/invoices/{id}", "catalog/items/{id}"]:
        assert f"GET /api/v1/{path}" in answered_2xx, path
    assert len(answered_2xx) >= len(OPERATIONS) // 2


def test_a_read_handing_out_rows_is_seen_by_their_ids():
    """What the fuzzing's cross-tenant check reads: an answer's own id and its page's items'."""
    assert _ids_answered({"id": 7, "municipality": 3}) == {7}
    assert _ids_answered({"items": [{"id": 4}, {"id": 9, "need": 2}], "next_cursor": None}) == {4, 9}
    assert _ids_answered([{"id": 1}]) == set() and _ids_answered({"detail": "x"}) == set()
