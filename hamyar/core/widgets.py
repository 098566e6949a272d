"""The one file input of the site, in Persian.

A browser draws its own file input with its own words ("Choose File", "No file chosen") in the browser's
language, whatever the page's. This widget hides the native control (it stays focusable and is what the
form sends) behind a label styled as a button, «انتخاب فایل», and a line naming the chosen file or saying
«فایلی انتخاب نشده»; the field's own label stays the input's accessible name. Hand-written forms include
the same markup: web/partials/file_input.html.
"""

from django import forms


class FileInput(forms.FileInput):
    """A required or optional file field, drawn by web/partials/file_input.html."""

    template_name = "core/widgets/file_input.html"

    def __init__(self, attrs: dict | None = None):
        attrs = dict(attrs or {})
        classes = set(attrs.pop("class", "").split()) - {"form-control"}
        attrs["class"] = " ".join(sorted(classes | {"file-pick-input"}))
        super().__init__(attrs)
