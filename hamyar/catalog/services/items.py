"""Writes of catalog items, one at a time: normalized, and indexed for the search, on write."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core.audit import snapshot
from hamyar.core.errors import InvalidInput
from hamyar.core.roles import Role
from hamyar.core.scoping import in_scope
from hamyar.core.services import save_audited
from hamyar.core.text import normalize, search_key

from ..models import CatalogItem
from ..search.synonyms import SynonymTable, synonym_table
from .common import provider_membership

__all__ = ["CATALOG_EDITORS", "item_create", "item_prepare", "item_search_text", "item_update"]

CATALOG_EDITORS = (Role.ORG_ADMIN, Role.COMMERCE_OFFICER, Role.SUPPLIER_USER, Role.PROJECT_MANAGER)


def item_search_text(item: CatalogItem, synonyms: SynonymTable | None = None) -> str:
    """Everything a clerk may type to find the item, normalized once on write, with the
    equivalents of the organization's synonyms found in it (`synonyms`: loaded when None)."""
    values = [item.name, item.code, item.description, item.provider.name, item.domain.name]
    domain = item.domain.parent
    while domain is not None:
        values.append(domain.name)
        domain = domain.parent
    for key, value in (item.attributes or {}).items():
        values.extend([str(key), str(value)])
    text = search_key(" ".join(v for v in values if v))
    if synonyms is None:
        synonyms = synonym_table(item.organization_id)
    return " ".join([text, *synonyms.equivalents_in(text)])


def item_prepare(item: CatalogItem, data: dict[str, Any], synonyms: SynonymTable | None = None) -> None:
    """`data` set on the item, normalized, with its search name and text (shared with the sheet's apply)."""
    for key, value in data.items():
        if key in {"name", "code"} and isinstance(value, str):
            value = normalize(value)
        if key == "description" and isinstance(value, str):
            value = normalize(value, multiline=True)
        if key == "attributes":
            if not isinstance(value, dict):
                raise InvalidInput(_("Attributes must be pairs of a name and a value."))
            value = {normalize(str(k)): normalize(str(v)) for k, v in value.items() if str(k).strip()}
        setattr(item, key, value)
    item.search_name = search_key(item.name)
    item.search_text = item_search_text(item, synonyms)


def item_create(*, acting_user: User, data: dict[str, Any]) -> CatalogItem:
    provider = data.get("provider")
    membership = provider_membership(acting_user, provider, CATALOG_EDITORS)
    domain = data.get("domain")
    if domain is None or not in_scope(domain, acting_user):
        raise InvalidInput(_("Choose the service domain of the item."))
    item = CatalogItem(organization=membership.organization)
    item_prepare(item, data)
    return save_audited(item, acting_user=acting_user, action="catalog_item.create")


def item_update(*, item: CatalogItem, acting_user: User, data: dict[str, Any]) -> CatalogItem:
    provider_membership(acting_user, item.provider, CATALOG_EDITORS)
    data = {k: v for k, v in data.items() if k not in {"provider", "organization"}}
    if "domain" in data and (data["domain"] is None or not in_scope(data["domain"], acting_user)):
        raise InvalidInput(_("Choose the service domain of the item."))
    before = snapshot(item)
    item_prepare(item, data)
    return save_audited(item, acting_user=acting_user, action="catalog_item.update", before=before)
