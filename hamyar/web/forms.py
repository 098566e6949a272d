"""The form renderer: Django's widget templates, with the few the shell overrides looked up first."""

from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property

OVERRIDES = Path(__file__).parent / "form_templates"


class FormRenderer(DjangoTemplates):
    """Choice labels (a select's options, a radio's or checkbox's labels) come from stored names, which the
    normalizer keeps in Latin digits: a Persian page shows them in Persian digits, as every other number."""

    @cached_property
    def engine(self) -> Any:
        return self.backend({
            "APP_DIRS": True,
            "DIRS": [OVERRIDES, Path(django.forms.__file__).parent / self.backend.app_dirname],
            "NAME": "hamyarforms",
            "OPTIONS": {},
        })
