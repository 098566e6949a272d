"""Writes of the organization's search synonyms; the items holding their words are indexed again."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import InvalidInput, NotFound
from hamyar.core.roles import Role
from hamyar.core.scoping import in_scope, require_role
from hamyar.core.services import save_audited
from hamyar.core.text import normalize
from hamyar.directory.models import Organization

from ..models import CatalogItem, SearchSynonym
from ..search.synonyms import items_with_keys, synonym_key, synonym_table
from .items import item_search_text

__all__ = ["MAX_EQUIVALENTS", "SYNONYM_EDITORS", "synonym_create", "synonym_remove"]

SYNONYM_EDITORS = (Role.ORG_ADMIN, Role.COMMERCE_OFFICER)
MAX_EQUIVALENTS = 10
_MIN_KEY = 3
_MAX_KEY = 60


def _synonym_keys(term: str, equivalents: Iterable[str]) -> tuple[str, list[str], list[str]]:
    """The term and equivalents normalized, and their keys (the term's first); InvalidInput per field."""
    errors: dict[str, list] = {}
    term = normalize(term or "")
    term_key = synonym_key(term)
    if not term_key:
        errors["term"] = [_("Write the term, e.g. LED.")]
    elif not _MIN_KEY <= len(term_key) <= _MAX_KEY:
        errors["term"] = [_("A term has 3 to 60 letters or digits (spaces are not counted).")]
    kept: list[str] = []
    keys = [term_key]
    for raw in equivalents:
        text = normalize(raw or "")
        key = synonym_key(text)
        if not key:
            continue
        if not _MIN_KEY <= len(key) <= _MAX_KEY:
            errors["equivalents"] = [_("“%(word)s”: an equivalent has 3 to 60 letters or digits.")
                                     % {"word": text}]
            break
        if key not in keys:
            keys.append(key)
            kept.append(text)
    if "equivalents" not in errors:
        if not kept and term_key:
            errors["equivalents"] = [
                _("Write at least one equivalent that is spelt differently from the term.")]
        elif len(kept) > MAX_EQUIVALENTS:
            errors["equivalents"] = [_("A term has at most 10 equivalents.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, extra={"fields": errors})
    return term, kept, keys


def _synonym_reindex(organization_id: int, keys: Iterable[str]) -> int:
    """Write again the search text of the items a synonym with `keys` applied or applies to.

    The search triggers then bring the FTS tables (SQLite) and the trigram structures
    (PostgreSQL) in step, as for any edit of an item.
    """
    ids = items_with_keys(organization_id, keys)
    if not ids:
        return 0
    table = synonym_table(organization_id)
    changed: list[CatalogItem] = []
    items = CatalogItem.objects.filter(pk__in=ids).select_related(
        "provider", "domain", "domain__parent", "domain__parent__parent")
    for item in items.iterator(chunk_size=1000):
        text = item_search_text(item, table)
        if text != item.search_text:
            item.search_text = text
            changed.append(item)
    CatalogItem.objects.bulk_update(changed, ["search_text"], batch_size=1000)
    return len(changed)


def _lock_synonyms(organization_id: int) -> None:
    """One synonym writer per organization at a time: the check that a key is not taken holds."""
    Organization.objects.select_for_update().filter(pk=organization_id).exists()


def synonym_create(*, acting_user: User, term: str, equivalents: Iterable[str]) -> SearchSynonym:
    """A term and its equivalents for the organization's search; the items holding them are indexed again."""
    membership = require_role(acting_user, *SYNONYM_EDITORS)
    if isinstance(equivalents, str):  # one equivalent, not its letters
        equivalents = [equivalents]
    term, kept, keys = _synonym_keys(term, list(equivalents))
    with transaction.atomic():
        _lock_synonyms(membership.organization_id)
        taken: dict[str, SearchSynonym] = {}
        for other in SearchSynonym.objects.filter(organization_id=membership.organization_id):
            taken.update(dict.fromkeys(other.keys, other))
        clash = next((k for k in keys if k in taken), None)
        if clash is not None:
            field = "term" if clash == keys[0] else "equivalents"
            message = _("“%(word)s” is already in the synonyms of “%(term)s”; change that one instead.") % {
                "word": ([term, *kept])[keys.index(clash)], "term": taken[clash].term}
            raise InvalidInput(message, extra={"fields": {field: [message]}})
        synonym = SearchSynonym(organization_id=membership.organization_id, term=term, equivalents=kept,
                                term_key=keys[0], keys=keys, created_by=acting_user)
        save_audited(synonym, acting_user=acting_user, action="search_synonym.create")
        _synonym_reindex(membership.organization_id, keys)
    return synonym


def synonym_remove(*, synonym: SearchSynonym, acting_user: User) -> None:
    """Remove a synonym; the items that held its words are indexed again without it."""
    require_role(acting_user, *SYNONYM_EDITORS)
    if not in_scope(synonym, acting_user):
        raise NotFound()
    with transaction.atomic():
        _lock_synonyms(synonym.organization_id)
        locked = SearchSynonym.objects.filter(pk=synonym.pk).first()
        if locked is None:
            raise NotFound()
        before = snapshot(locked)
        keys = list(locked.keys)
        audit_record(actor=acting_user, action="search_synonym.remove", obj=locked, before=before)
        locked.delete()
        _synonym_reindex(synonym.organization_id, keys)
