"""Personal data never leaves in a release: national codes, mobile numbers and the names of natural persons.

The releases are built from structured fields that carry no person (a party is a municipality, the
organization or a provider, never a user or a contact person), but free text written by people (a
need's description, a reason, a change order's scope) may name someone or quote a number. Every text
field of a release passes through a `Redactor`, which masks, as whole words:

- the names of the people the organization knows: its members' first and last names (and full
  names), and its providers' contact persons;
- the phone and mobile numbers and e-mail addresses of its providers' contacts;
- anything shaped like an Iranian mobile number (09xxxxxxxxx, +989…) or a valid 10-digit national code.

Masking errs on the side of hiding: a place named like a person loses that word too.
"""

import re
from collections.abc import Iterable

from hamyar.accounts.models import User
from hamyar.core.text import normalize
from hamyar.core.validators import is_national_code
from hamyar.directory.models import Provider

__all__ = ["MASK", "Redactor"]

MASK = "[…]"
# Letters of a word: a name is masked only where it stands as a word of its own (not "علی" in "فعلی").
_WORD_EDGE_BEFORE = r"(?<![\w\u200c])"
_WORD_EDGE_AFTER = r"(?![\w\u200c])"
_MOBILE = re.compile(r"(?<!\d)(?:\+98|0098|0)?9\d{2}[\s-]?\d{3}[\s-]?\d{4}(?!\d)")
_TEN_DIGITS = re.compile(r"(?<!\d)\d{3}-?\d{6}-?\d(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Titles people carry before their names; a contact "مهندس حمید نوروزی" is masked also as "حمید نوروزی".
_TITLES = ("مهندس", "دکتر", "آقای", "خانم", "سرکار خانم", "جناب آقای")


def _terms_of(names: Iterable[str]) -> set[str]:
    terms: set[str] = set()
    for name in names:
        name = normalize(name)
        if not name:
            continue
        terms.add(name)
        for title in _TITLES:
            if name.startswith(title + " "):
                terms.add(name.removeprefix(title + " ").strip())
    return {term for term in terms if len(term) >= 2}


class Redactor:
    """Masks the personal data of one organization's people in text that is about to be published."""

    def __init__(self, names: Iterable[str] = (), numbers: Iterable[str] = ()) -> None:
        terms = _terms_of(names)
        # Each word of a full name too: a comment may give only the surname.
        terms |= {
            word for term in list(terms) for word in term.split() if len(word) >= 2 and word not in _TITLES
        }
        literal = sorted(terms, key=len, reverse=True)
        self._names = (
            re.compile(_WORD_EDGE_BEFORE + "(?:" + "|".join(map(re.escape, literal)) + ")" + _WORD_EDGE_AFTER)
            if literal
            else None
        )
        self._numbers = sorted(
            {normalize(n) for n in numbers if n and len(normalize(n)) >= 5}, key=len, reverse=True
        )

    @classmethod
    def for_organization(cls, organization_id: int) -> "Redactor":
        """The redactor of an organization: its members' names, its providers' contact persons and numbers."""
        names: list[str] = []
        for first, last in User.objects.filter(membership__organization_id=organization_id).values_list(
            "first_name", "last_name"
        ):
            names += [first, last, f"{first} {last}"]
        numbers: list[str] = []
        for contact, mobile, phone, email in Provider.objects.filter(
            organization_id=organization_id
        ).values_list("contact_name", "mobile", "phone", "email"):
            names.append(contact)
            numbers += [mobile, phone, email]
        return cls(names, numbers)

    def text(self, value: str | None) -> str:
        """`value` as it may be published: normalized, personal data masked."""
        text = normalize(value or "", multiline=True)
        if not text:
            return ""
        for number in self._numbers:
            text = text.replace(number, MASK)
        text = _EMAIL.sub(MASK, text)
        text = _MOBILE.sub(MASK, text)
        text = _TEN_DIGITS.sub(
            lambda m: MASK if is_national_code(m.group(0).replace("-", "")) else m.group(0), text
        )
        if self._names is not None:
            text = self._names.sub(MASK, text)
        return text
