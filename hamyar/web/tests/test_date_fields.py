"""Every date box on every page gets the Jalali picker, and none holds a sample date that reads like a value.

The class of fault is "a date box without the picker": a JalaliDateField drawn by another widget, a box
written by hand in a template, a box on a page. Each is looked for everywhere: the forms of every app,
every template, and the boxes of real pages.
"""

import datetime as dt
import importlib
import inspect
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

import hamyar
from hamyar.core.forms import JalaliDateField, JalaliDateInput
from hamyar.core.jalali import parse_jalali_date

ROOT = Path(hamyar.__file__).parent
MARKER = JalaliDateInput.MARKER


def form_modules() -> list:
    """Every module of the project that holds page forms: forms.py, order_forms.py, a forms/ package, and
    the list filters (filters.py), which are forms too."""
    modules = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        if parts[-1] in ("forms", "filters") or parts[-1].endswith("_forms") or "forms" in parts[:-1]:
            modules.append(importlib.import_module(".".join(("hamyar", *parts))))
    return modules


def form_classes() -> list[type[forms.BaseForm]]:
    return [obj for module in form_modules() for _, obj in inspect.getmembers(module, inspect.isclass)
            if issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__]


FORMS = form_classes()
DATE_FIELDS = sorted({(form.__name__, name) for form in FORMS for name, field in form.base_fields.items()
                      if isinstance(field, JalaliDateField)})


def test_the_search_finds_the_forms_of_every_app_and_their_date_fields():
    found = {f"{form.__module__}.{form.__name__}" for form in FORMS}
    assert {"hamyar.needs.forms.NeedForm", "hamyar.commerce.order_forms.DeliveryForm",
            "hamyar.finance.forms.StatementForm", "hamyar.catalog.forms.PriceImportForm",
            "hamyar.commerce.forms.QuotationForm", "hamyar.projects.forms.ProjectForm"} <= found
    assert {("NeedForm", "desired_date"), ("DeliveryForm", "delivered_on"), ("StatementForm", "start"),
            ("PriceImportForm", "valid_from"), ("CommissionCalculateForm", "period_end")} <= set(DATE_FIELDS)


def _form_id(form) -> str:
    return f"{form.__module__.removeprefix('hamyar.')}.{form.__name__}"


@pytest.mark.parametrize("form", FORMS, ids=_form_id)
def test_every_date_field_of_every_form_is_drawn_by_the_picker_widget(form):
    for name, field in form.base_fields.items():
        # A Gregorian date field would take 2026/12/02 as it stands and show no Jalali picker.
        assert not isinstance(field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField), name
        if isinstance(field, JalaliDateField):
            assert isinstance(field.widget, JalaliDateInput), f"{form.__name__}.{name}"
            html = str(form.base_fields[name].widget.render(name, None, attrs={"id": f"id_{name}"}))
            assert MARKER in html and f'aria-describedby="id_{name}_format"' in html, html


# ----- templates: a date box written by hand ------------------------------------------------------------

INPUT = re.compile(r"<input\b.*?>", re.S)
NOT_A_BOX = re.compile(r'type="(hidden|checkbox|radio|file|submit|button|search)"')
DATE_LIKE = re.compile(r'\|jdate|name="[^"]*(date|_on|_from|_until|_to|start|end)"|\bid="[^"]*(date|-due)"')


def hand_written_date_boxes(source: str) -> list[str]:
    """A template's <input> tags that hold a date (by name or a |jdate value) but lack the marker."""
    faults = []
    for tag in INPUT.findall(source):
        if re.search(r'type="(date|datetime-local|month|week)"', tag):
            faults.append(tag)  # the browser's own Gregorian picker
        elif not NOT_A_BOX.search(tag) and DATE_LIKE.search(tag) and MARKER not in tag:
            faults.append(tag)
    return faults


@pytest.mark.parametrize("snippet, faulty", [
    ('<input class="form-control" name="due_date" id="c1-due" value="{{ c.due_date|jdate }}">', True),
    ('<input type="text" name="{{ field.html_name }}" value="{{ field.value|jdate }}">', True),
    ('<input type="date" name="when">', True),
    ('<input name="delivered_on" data-jdp>', False),
    ('<input type="hidden" name="start" value="{{ start|jdate }}">', False),
    ('<input name="q" type="search">', False),
])
def test_the_template_check_tells_a_hand_written_date_box(snippet, faulty):
    assert bool(hand_written_date_boxes(snippet)) is faulty


def test_no_template_has_a_hand_written_date_box_without_the_picker():
    templates = sorted(ROOT.glob("*/templates/**/*.html"))
    assert len(templates) > 50
    faults = {str(path.relative_to(ROOT)): found for path in templates
              if (found := hand_written_date_boxes(path.read_text(encoding="utf-8")))}
    assert faults == {}


# ----- the widget and the {% date_input %} tag, on generated dates ---------------------------------------

DATES = st.dates(min_value=dt.date(1922, 3, 21), max_value=dt.date(2120, 3, 20))
LANGUAGES = st.sampled_from(["fa", "en"])


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs: list[dict] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "input":
            self.inputs.append(attrs)


def _parse(html: str) -> _Inputs:
    parser = _Inputs()
    parser.feed(html)
    return parser


def _assert_a_picker_box(box: dict, ids: set[str]) -> None:
    assert MARKER in box, box
    # The placeholder names the format; no digit in it could be read as a filled-in date.
    assert not re.search(r"[0-9۰-۹]", box.get("placeholder", "")), box
    hints = (box.get("aria-describedby") or "").split()
    assert any(hint.endswith("_format") and hint in ids for hint in hints), box


@hypothesis_settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=DATES, language=LANGUAGES)
def test_a_date_shown_in_a_picker_box_reads_back_as_the_same_day(day, language):
    class Form(forms.Form):
        when = JalaliDateField()

    template = Template('{% load hamyar_web %}{% date_input "when" day id="when-1" size="sm" %}')
    with translation.override(language):
        for html in (str(Form(initial={"when": day})["when"]), template.render(Context({"day": day}))):
            page = _parse(html)
            (box,) = page.inputs
            _assert_a_picker_box(box, page.ids)
            assert parse_jalali_date(box["value"]) == day
            digits = re.sub(r"\D", "", box["value"])
            assert digits.isascii() is (language == "en")


def test_the_format_hint_is_persian_on_a_persian_page_and_english_on_an_english_one():
    with translation.override("fa"):
        html = str(JalaliDateInput().render("d", "", attrs={"id": "id_d"}))
        assert 'placeholder="سال/ماه/روز"' in html and "سال/ماه/روز؛ کلید ↓ تقویم را باز می‌کند." in html
    with translation.override("en"):
        html = str(JalaliDateInput().render("d", "", attrs={"id": "id_d"}))
        assert 'placeholder="yyyy/mm/dd"' in html and "Year/month/day" in html


# ----- real pages: every date box carries the picker ---------------------------------------------------

DATE_NAMES = {name for _, name in DATE_FIELDS}


def _date_boxes(html: str) -> tuple[list[dict], set[str]]:
    page = _parse(html)
    boxes = [box for box in page.inputs if box.get("type", "text") == "text"
             and (box.get("name") in DATE_NAMES or re.fullmatch(r"[0-9۰-۹]{4}/[0-9۰-۹]{2}/[0-9۰-۹]{2}",
                                                                 box.get("value") or ""))]
    return boxes, page.ids


@pytest.fixture
def pages(tenant):
    from hamyar.projects.tests.project_data import full_project

    project = full_project(tenant)
    return [
        ("district9", reverse("needs:need_create"), {"desired_date"}),
        ("finance", reverse("finance:invoice_list"), {"issued_from", "issued_to"}),
        ("finance", reverse("finance:statement_detail", args=[tenant.district9.pk]), {"start", "end"}),
        ("finance", reverse("finance:commission_list"), {"period_start", "period_end"}),
        ("commerce", reverse("catalog:import_create"), {"valid_from", "valid_until"}),
        ("commerce", reverse("projects:project_create"), {"start_date", "end_date"}),
        ("commerce", reverse("projects:project_detail", args=[project.pk]), {"due_date", "new_end_date"}),
    ]


def test_every_date_box_of_the_pages_carries_the_picker(client, tenant, pages):
    for user, url, expected in pages:
        client.force_login(tenant.users[user])
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        boxes, ids = _date_boxes(html)
        assert expected <= {box.get("name") for box in boxes}, url
        for box in boxes:
            _assert_a_picker_box(box, ids)
        # The page loads the picker and its words.
        assert "vendor/jalalidatepicker/jalalidatepicker.min.js" in html and "web/datepicker.js" in html
        assert 'id="jdp-text"' in html
