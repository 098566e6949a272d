"""Every file input is the one Persian widget: «انتخاب فایل», the chosen file's name or «فایلی انتخاب نشده»,
and a label naming the input — never the browser's own English "Choose File / No file chosen"."""

import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

import hamyar
from hamyar.catalog.forms import PriceImportForm
from hamyar.core.widgets import FileInput
from hamyar.directory.models import Provider
from hamyar.projects.forms import DocumentForm, ProgressReportForm

ROOT = Path(hamyar.__file__).parent
PARTIAL = "web/partials/file_input.html"


def _all_form_classes() -> list[type[forms.BaseForm]]:
    seen, todo = [], [forms.Form, forms.ModelForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("hamyar."):
                seen.append(sub)
    return seen


def test_no_template_writes_its_own_file_input():
    written = [str(p.relative_to(ROOT)) for p in ROOT.glob("*/templates/**/*.html")
               if 'type="file"' in p.read_text() and not str(p).endswith(PARTIAL)]
    assert written == []


def test_every_file_field_of_every_form_uses_the_persian_widget():
    import hamyar.urls  # noqa: F401  every app's forms are imported by its views

    fields = [(cls.__name__, name) for cls in _all_form_classes()
              for name, field in cls.base_fields.items() if isinstance(field, forms.FileField)]
    assert len(fields) >= 3
    plain = [(cls.__name__, name) for cls in _all_form_classes() for name, field in cls.base_fields.items()
             if isinstance(field, forms.FileField) and not isinstance(field.widget, FileInput)]
    assert plain == []


def _check(html: str, input_id: str) -> None:
    tag = re.search(rf'<input type="file"[^>]*id="{input_id}"[^>]*>', html)
    assert tag, html
    assert 'class="file-pick-input"' in tag.group(0)
    assert f'aria-describedby="{input_id}-chosen"' in tag.group(0)
    labels = re.findall(rf'<label[^>]*for="{input_id}"[^>]*>(.*?)</label>', html, re.S)
    assert any("انتخاب فایل" in label for label in labels)
    named = "aria-label=" in tag.group(0) or any("انتخاب فایل" not in label for label in labels)
    assert named, "the input needs a label saying what file it takes"
    assert re.search(rf'id="{input_id}-chosen"[^>]*>فایلی انتخاب نشده<', html)
    assert "Choose File" not in html and "No file chosen" not in html


def test_the_forms_file_inputs_are_persian_and_labelled(tenant):
    with translation.override("fa"):
        price = PriceImportForm(providers=Provider.objects.filter(pk=tenant.supplier.pk))
        _check(f"{price['file'].label_tag()}{price['file']}", price["file"].id_for_label)
        report = ProgressReportForm(milestones=[])
        _check(f"{report['photo'].label_tag()}{report['photo']}", report["photo"].id_for_label)
        document = DocumentForm()
        _check(f"{document['file'].label_tag()}{document['file']}", document["file"].id_for_label)


def test_the_need_pages_attachment_input_is_persian_and_labelled():
    with translation.override("fa"):
        html = render_to_string(PARTIAL, {"name": "file", "id": "attachment-file", "label": "فایل پیوست",
                                          "accept": ".pdf", "required": True})
    _check(html, "attachment-file")
    assert 'aria-label="فایل پیوست"' in html and " required" in html


def test_the_chosen_files_name_is_shown_by_the_sites_script():
    script = Path(settings.BASE_DIR / "hamyar/web/static/web/file-input.js").read_text()
    assert "file-pick-input" in script and "-chosen" in script
