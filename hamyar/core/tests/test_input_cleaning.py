"""No text input keeps a control character: the normalizer drops them, and every way text comes in —
every CharField of every form, every string of every API input schema — goes through it.

Forms and schemas are discovered, so a new form or schema is checked the day it is added.
"""

import importlib
import itertools
import pkgutil
import re
import typing
import uuid

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

import hamyar
from hamyar.api import api
from hamyar.core.apikit import InputSchema
from hamyar.core.text import normalize, strip_controls
from hamyar.directory.models import MunicipalAsset, ServiceDomain

# What must never be stored: C0 (but tab, LF, CR), DEL, C1, lone surrogates, noncharacters.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                       "\ufffe\uffff\U0010ffff]")
# Every class of control character, one of each edge, and the bidi overrides.
SAMPLES = ["\x08", "\x01", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9f", "\x0b", "\x0c", "\ud800", "\udfff",
           "\ufdd0", "\ufffe", "\U0010ffff", "\u202e", "\u2066", "\t"]
CONTROLS = [c for c in SAMPLES if c not in {"\u202e", "\u2066", "\t"}]
controls = st.sampled_from(SAMPLES) | st.characters(codec=None, categories=["Cc", "Cs", "Cn"])
dirty_text = st.lists(st.one_of(controls, st.sampled_from(["نیمکت", " ", "پارک", "LED", "۱۲", "\n"])),
                      min_size=1, max_size=12).map("".join)

# What a browser can send in a form: UTF-8, so no lone surrogate.
typed_text = dirty_text.map(lambda v: re.sub("[\ud800-\udfff]", "", v))


@given(dirty_text, st.booleans())
def test_the_normalizer_keeps_no_control_character(value, multiline):
    cleaned = normalize(value, multiline=multiline)
    assert not FORBIDDEN.search(cleaned)
    assert "\u202e" not in cleaned and "\u2066" not in cleaned
    assert normalize(cleaned, multiline=multiline) == cleaned
    if not multiline:
        assert "\t" not in cleaned and "\n" not in cleaned


def test_a_tab_is_a_space_in_one_line_and_a_backspace_is_gone():
    assert normalize("نیمکت\tپارکی\x08") == "نیمکت پارکی"
    assert normalize("خط\x0bیک\nخط دو", multiline=True) == "خطیک\nخط دو"
    assert strip_controls("رمز\x00\x08\t۱") == "رمز\t۱"


# ---------------------------------------------------------------- every form


def _all_modules() -> None:
    for module in pkgutil.walk_packages(hamyar.__path__, "hamyar."):
        if ".tests" in module.name or ".migrations" in module.name or module.name.endswith("settings"):
            continue
        if module.name.rsplit(".", 1)[-1] in {"forms", "order_forms", "views", "api", "admin"} \
                or ".views." in module.name or ".api." in module.name:
            importlib.import_module(module.name)


def _subclasses(cls: type) -> list[type]:
    found, todo = [], [cls]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


_all_modules()
FORM_FIELDS = sorted(
    {(f"{form.__module__}.{form.__qualname__}", name): field
     for form in _subclasses(forms.BaseForm) if form.__module__.startswith("hamyar.")
     for name, field in form.base_fields.items() if isinstance(field, forms.CharField)}.items())


def test_every_form_of_the_project_was_found():
    assert len({form for (form, _), _field in FORM_FIELDS}) >= 20
    assert len(FORM_FIELDS) >= 40


@pytest.mark.parametrize(("where", "field"), FORM_FIELDS, ids=[f"{f}.{n}" for (f, n), _ in FORM_FIELDS])
def test_every_charfield_of_every_form_drops_control_characters(where, field):
    for sample in CONTROLS:
        try:
            cleaned = field.clean(f"نیمکت{sample}۱۲{sample}")
        except ValidationError:
            continue  # refused is as good as cleaned
        assert not FORBIDDEN.search(str(cleaned)), (where, repr(sample), repr(cleaned))


# ---------------------------------------------------------------- every API input schema


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _has_text(model: type[BaseModel]) -> bool:
    def text(annotation) -> bool:
        return annotation is str or any(text(a) for a in typing.get_args(annotation))
    return any(text(f.annotation) for f in model.model_fields.values())


def _body_schemas() -> dict[str, type[BaseModel]]:
    """Every model a route reads from a request body, and the models nested in them."""
    found: dict[str, type[BaseModel]] = {}
    for path_view in itertools.chain.from_iterable(r.path_operations.values() for _, r in api._routers):
        for operation in path_view.operations:
            for model in operation.models:
                if model.__ninja_param_source__ not in {"body", "form"}:
                    continue
                todo = [m for f in model.model_fields.values() for m in _models_in(f.annotation)]
                while todo:
                    schema = todo.pop()
                    if schema.__qualname__ not in found or found[schema.__qualname__] is not schema:
                        found[f"{schema.__module__}.{schema.__qualname__}"] = schema
                        todo += [m for f in schema.model_fields.values() for m in _models_in(f.annotation)]
    return found


BODY_SCHEMAS = _body_schemas()


def test_every_request_body_is_read_through_the_cleaning_input_schema():
    assert len(BODY_SCHEMAS) >= 20
    bare = [name for name, schema in BODY_SCHEMAS.items() if _has_text(schema)
            and not issubclass(schema, InputSchema)]
    assert bare == []


@pytest.mark.parametrize("name", sorted(n for n, s in BODY_SCHEMAS.items() if _has_text(s)))
def test_every_string_of_every_input_schema_loses_its_control_characters(name):
    """Validated field by field: the other fields' errors do not matter, the value kept does."""
    schema = BODY_SCHEMAS[name]
    for field_name, field in schema.model_fields.items():
        alias = field.alias or field_name
        for sample in CONTROLS:
            cleaned = schema._clean_text({alias: f"پارک{sample}۹", "list": [f"a{sample}"]})
            assert cleaned == {alias: "پارک۹", "list": ["a"]}


@pytest.fixture
def admin_client(tenant):
    client = Client()
    client.force_login(tenant.users["admin"])
    return client


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=dirty_text.filter(lambda v: normalize(v)), name_en=dirty_text)
def test_a_domain_created_through_the_api_is_stored_clean(admin_client, tenant, name, name_en):
    code = f"d-{uuid.uuid4().hex[:8]}"
    response = admin_client.post("/api/v1/domains", {"code": f"{code}\x08", "name": name, "name_en": name_en},
                                 content_type="application/json")
    assert response.status_code in {201, 422}, response.content
    if response.status_code == 201:
        domain = ServiceDomain.objects.get(pk=response.json()["id"])
        for value in (domain.code, domain.name, domain.name_en):
            assert not FORBIDDEN.search(value) and "\u202e" not in value
        assert domain.code == code


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=typed_text.filter(lambda v: normalize(v)), description=typed_text)
def test_an_asset_written_through_its_form_is_stored_clean(admin_client, tenant, name, description):
    before = set(MunicipalAsset.objects.values_list("pk", flat=True))
    response = admin_client.post(f"/directory/municipalities/{tenant.district9.pk}/assets/new/",
                                 {"name": name, "kind": "park", "description": description})
    assert response.status_code in {302, 422}
    for asset in MunicipalAsset.objects.exclude(pk__in=before):
        assert not FORBIDDEN.search(asset.name + asset.description)
        assert "\t" not in asset.name
