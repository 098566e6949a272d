"""The public API: what the organization has published, for anyone, without a token.

Every route here is declared `auth=None` (public). `router` is the transparency reader; `ocds_router`
(mounted at /api/v1/ocds/) serves the Open Contracting Data Standard: release and record packages of an
organization (named by its short name), filtered by date and paged by a keyset cursor, one record by its
ocid, and the bulk file of every release as JSON lines. Only what the organization's publication
policy publishes is served.
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from hamyar.core.apikit import PageQuery, file_download
from hamyar.core.errors import InvalidInput, NotFound
from hamyar.core.throttle import PublicReadThrottle
from hamyar.directory.models import Organization

from . import selectors

# Public routes share the public pages' budget per client address (core.throttle).
router = Router(tags=["transparency"], throttle=PublicReadThrottle())
ocds_router = Router(tags=["ocds"], throttle=PublicReadThrottle())

OCDS_VERSION = "1.1"


class PublishedOut(Schema):
    items: list[dict[str, Any]]
    next_cursor: str | None = None


@router.get("/", response={200: PublishedOut}, auth=None)
def list_published(request: HttpRequest) -> Any:
    """The organizations that publish, for anyone: each one's name, short name, public page and OCDS
    records (one page: there are at most a few dozen organizations)."""
    items = [{"name": organization.name, "slug": organization.slug,
              "page": request.build_absolute_uri(reverse("transparency:processes", args=[organization.slug])),
              "records": request.build_absolute_uri(reverse("api:record_package", args=[organization.slug]))}
             for organization in selectors.public_organizations()]
    return {"items": items, "next_cursor": None}


# ---------------------------------------------------------------- OCDS


class DateRangeQuery(PageQuery):
    since: datetime | None = Field(None, description="Only what is dated at or after this time (ISO 8601; a "
                                                     "bare date is midnight in Tehran).")
    until: datetime | None = Field(None, description="Only what is dated before this time.")


class ReleasePackageOut(Schema):
    uri: str
    version: str
    publishedDate: str
    publisher: dict[str, Any]
    releases: list[dict[str, Any]]
    next_cursor: str | None = None


class RecordPackageOut(Schema):
    uri: str
    version: str
    publishedDate: str
    publisher: dict[str, Any]
    records: list[dict[str, Any]]
    next_cursor: str | None = None


NOT_PUBLISHED = _("Nothing is published at this address.")


def _organization(slug: str) -> Organization:
    organization = selectors.published_organization(slug=slug)
    if organization is None:
        raise NotFound(NOT_PUBLISHED, code="not_published")
    return organization


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if timezone.is_naive(value):
        return value.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return value


def _in_range(moment: str, query: DateRangeQuery) -> bool:
    when = datetime.fromisoformat(moment)
    since, until = _aware(query.since), _aware(query.until)
    return (since is None or when >= since) and (until is None or when < until)


def _keyset(items: list[tuple[datetime, str, Any]], query: PageQuery, salt: str
            ) -> tuple[list[Any], str | None]:
    """One page of (time, id, item) rows in that order, after the signed cursor (as `apikit.paginate`
    does for querysets: stable while rows are added, the same cost at any depth)."""
    items = sorted(items, key=lambda row: (row[0], row[1]))
    if query.cursor:
        try:
            position = signing.loads(query.cursor, salt=salt)
        except signing.BadSignature:
            position = None
        valid = (isinstance(position, list) and len(position) == 2
                 and all(isinstance(part, str) for part in position))
        if not valid:
            message = _("This page cursor is not valid; start again from the first page.")
            raise InvalidInput(message, code="invalid_cursor", extra={"fields": {"cursor": [message]}})
        after = (datetime.fromisoformat(position[0]), position[1])
        items = [row for row in items if (row[0], row[1]) > after]
    page = items[: query.limit]
    next_cursor = None
    if len(items) > query.limit:
        next_cursor = signing.dumps([page[-1][0].isoformat(), page[-1][1]], salt=salt)
    return [row[2] for row in page], next_cursor


def _envelope(request: HttpRequest, organization: Organization) -> dict[str, Any]:
    return {"uri": request.build_absolute_uri(), "version": OCDS_VERSION,
            "publishedDate": timezone.now().replace(microsecond=0).isoformat(),
            "publisher": {"name": organization.name, "scheme": "X-HAMYAR", "uid": organization.slug}}


@ocds_router.get("/{slug}/releases", response={200: ReleasePackageOut}, auth=None)
def release_package(request: HttpRequest, slug: str, query: Query[DateRangeQuery]) -> Any:
    """A release package: the published releases dated in [since, until), oldest first, a page at a time."""
    organization = _organization(slug)
    rows = [(datetime.fromisoformat(release["date"]), release["id"], release)
            for process in selectors.public_published_processes(organization=organization)
            for release in process.releases if _in_range(release["date"], query)]
    releases, next_cursor = _keyset(rows, query, f"hamyar.ocds.releases:{organization.slug}")
    return {**_envelope(request, organization), "releases": releases, "next_cursor": next_cursor}


@ocds_router.get("/{slug}/records", response={200: RecordPackageOut}, auth=None)
def record_package(request: HttpRequest, slug: str, query: Query[DateRangeQuery]) -> Any:
    """A record package: each published process whose latest release is dated in [since, until), with its
    releases and compiled release, by the date of that latest release, a page at a time."""
    organization = _organization(slug)
    rows = [(datetime.fromisoformat(process.date), process.ocid, process)
            for process in selectors.public_published_processes(organization=organization)
            if _in_range(process.date, query)]
    processes, next_cursor = _keyset(rows, query, f"hamyar.ocds.records:{organization.slug}")
    return {**_envelope(request, organization), "records": [process.record() for process in processes],
            "next_cursor": next_cursor}


@ocds_router.get("/{slug}/records/{ocid}", response={200: RecordPackageOut}, auth=None)
def record_detail(request: HttpRequest, slug: str, ocid: str) -> Any:
    """One published process's record (in a record package), by its ocid."""
    organization = _organization(slug)
    published = selectors.public_published_processes(organization=organization)
    process = next((p for p in published if p.ocid == ocid), None)
    if process is None:
        raise NotFound(NOT_PUBLISHED, code="not_published")
    return {**_envelope(request, organization), "records": [process.record()], "next_cursor": None}


@ocds_router.get("/{slug}/releases.jsonl", response={200: None}, auth=None,
                 openapi_extra=file_download("application/jsonl",
                                             description="Every published release, one a line."))
def release_bulk(request: HttpRequest, slug: str) -> Any:
    """The newest bulk file: every published release of the organization, one JSON object a line."""
    organization = _organization(slug)
    export = selectors.ocds_export_latest(organization=organization)
    if export is None:
        raise NotFound(_("No bulk file has been built yet."), code="not_built")
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:  # the storage lost it: as if none was built
        raise NotFound(_("No bulk file has been built yet."), code="not_built") from None
    response = FileResponse(handle, content_type="application/jsonl; charset=utf-8",
                            as_attachment=True, filename=f"{organization.slug}-ocds-releases.jsonl")
    if export.finished_at is not None:
        response["Last-Modified"] = http_date(export.finished_at.timestamp())
    response["Digest"] = f"sha-256={export.sha256}"
    return response

