"""Progress reports: the physical percent per milestone, notes and site photos."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import NotFound
from hamyar.core.scoping import in_scope, require_role
from hamyar.core.text import normalize

from .. import images, progress
from ..choices import WORKERS, MilestoneStatus, ProjectStatus
from ..models import Milestone, ProgressEntry, ProgressPhoto, ProgressReport, Project
from .common import (
    HUNDRED,
    MAX_PHOTOS,
    invalid,
    is_date,
    municipality_users,
    not_now,
    officers,
    project_lock,
    tell,
)
from .milestones import recompute

# ---------------------------------------------------------------- progress reports


def _clean_entries(project: Project, entries: Any, notes: str, errors: dict[str, list]
                   ) -> list[tuple[Milestone, Decimal]]:
    if not isinstance(entries, list | tuple) or not entries:
        errors["entries"] = [_("Give the physical percent of at least one milestone.")]
        return []
    milestones = {m.pk: m for m in Milestone.objects.select_for_update().filter(project=project)}
    cleaned, seen = [], set()
    for entry in entries:
        milestone, percent = (entry.get("milestone"), entry.get("percent")) if isinstance(entry, dict) else (
            None, None)
        pk = milestone.pk if isinstance(milestone, Milestone) else milestone
        if isinstance(pk, bool) or pk not in milestones:
            errors["entries"] = [_("Choose milestones of this project.")]
            return []
        row = milestones[pk]
        if pk in seen:
            errors["entries"] = [_("Milestone “%(milestone)s” is listed twice.") % {"milestone": row.title}]
            return []
        seen.add(pk)
        try:
            value = Decimal(str(percent)) if not isinstance(percent, bool) and percent is not None else None
        except (InvalidOperation, ValueError):
            value = None
        if value is None or not value.is_finite() or not 0 <= value <= HUNDRED or value != value.quantize(
                Decimal("0.01")):
            errors["entries"] = [_("Each percent is a number from 0 to 100, with up to two decimals.")]
            return []
        if row.status == MilestoneStatus.PENDING and value != row.percent:
            errors["entries"] = [_("Milestone “%(milestone)s” has not started; start it before reporting "
                                   "its progress.") % {"milestone": row.title}]
            return []
        if row.status == MilestoneStatus.COMPLETED and value != row.percent:
            errors["entries"] = [_("Milestone “%(milestone)s” is completed; its progress is 100%%.")
                                 % {"milestone": row.title}]
            return []
        if value < row.percent and not notes:
            errors["notes"] = [_("The progress of “%(milestone)s” goes down from %(old)s%% to %(new)s%%; "
                                 "explain why in the notes.")
                               % {"milestone": row.title, "old": progress.two_places(row.percent),
                                  "new": progress.two_places(value)}]
            return []
        cleaned.append((row, value))
    return cleaned


def progress_report_create(*, project: Project, acting_user: User, reported_on: dt.date | None = None,
                           entries: list[dict] | None = None, percents: dict | None = None, notes: str = "",
                           photos: list | None = None, captions: list[str] | None = None) -> ProgressReport:
    """The executing provider's project manager (or an officer) reports the physical percent per
    milestone, with notes and site photos; the milestones' percents and the project's weighted
    progress follow.

    `entries` are {"milestone": Milestone or id, "percent": 0–100} (or `percents`, {milestone id:
    percent}); `photos` are uploaded files, or {"file": …, "caption": …} (else `captions` in order).
    """
    # Checked before the photos are read and re-encoded, and the state again under the lock.
    if not in_scope(project, acting_user):
        raise NotFound()
    require_role(acting_user, *WORKERS)
    if entries is None:
        entries = [{"milestone": pk, "percent": value} for pk, value in (percents or {}).items()]
    captions = list(captions or [])
    uploads, texts = [], []
    for index, photo in enumerate(photos or []):
        if isinstance(photo, dict):
            uploads.append(photo.get("file"))
            texts.append(photo.get("caption") or "")
        else:
            uploads.append(photo)
            texts.append(captions[index] if index < len(captions) else "")
    photos, captions = uploads, texts
    errors: dict[str, list] = {}
    text = normalize(notes or "", multiline=True)
    if len(text) > 10_000:
        errors["notes"] = [_("Keep the notes under 10,000 characters.")]
    today = timezone.localdate()
    day = reported_on or today
    if not is_date(day):
        errors["reported_on"] = [_("Enter a valid date.")]
    elif day > today:
        errors["reported_on"] = [_("The report date cannot be in the future.")]
    elif day < project.start_date:
        errors["reported_on"] = [_("The report date cannot be before the project's start.")]
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = [_("Attach at most 10 photos to one report.")]
    if errors:
        raise invalid(errors)
    # Photos are checked and re-encoded before anything is written; a bad one refuses the report.
    prepared = []
    for index, upload in enumerate(photos):
        try:
            prepared.append(images.prepare(upload))
        except images.ImageRejected as error:
            message = _("Photo %(n)s: %(problem)s") % {"n": index + 1, "problem": error.message}
            raise invalid({"photos": [message]}) from None
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = project_lock(project)
            if locked.status != ProjectStatus.IN_PROGRESS:
                raise not_now(locked, _("Report progress"))
            last = ProgressReport.objects.filter(project=locked).aggregate(d=Max("reported_on"))["d"]
            if last is not None and day < last:
                raise invalid({"reported_on": [_("The report date cannot be before the last report's.")]})
            cleaned = _clean_entries(locked, entries, text, errors)
            if errors:
                raise invalid(errors)
            for row, value in cleaned:
                row.percent = value
                row.save(update_fields=["percent", "updated_at"])
            recompute(locked)
            locked.save(update_fields=["physical_progress", "updated_at"])
            report = ProgressReport.objects.create(
                organization_id=locked.organization_id, project=locked, reported_on=day, notes=text,
                physical_progress=locked.physical_progress, reported_by=acting_user)
            ProgressEntry.objects.bulk_create(
                ProgressEntry(organization_id=locked.organization_id, report=report, milestone=row,
                              percent=value)
                for row, value in cleaned)
            photo_rows = []
            for index, image in enumerate(prepared):
                caption = normalize(captions[index] if index < len(captions) else "")[:200]
                photo = ProgressPhoto(organization_id=locked.organization_id, report=report,
                                      original_name=image.original_name, caption=caption, width=image.width,
                                      height=image.height, size=image.size)
                photo.image.save(image.name, image.content(), save=False)
                if photo.image.name:  # the name the storage gave it
                    stored.append(photo.image.name)
                photo.thumbnail.save(image.thumbnail_name, image.thumbnail_content(), save=False)
                if photo.thumbnail.name:
                    stored.append(photo.thumbnail.name)
                photo.save()
                photo_rows.append(photo)
            after = snapshot(report)
            after["entries"] = [{"milestone": row.pk, "percent": str(progress.two_places(value))}
                                for row, value in cleaned]
            after["photos"] = [{"id": p.pk, "name": p.original_name, "size": p.size} for p in photo_rows]
            audit_record(actor=acting_user, action="progress_report.create", obj=report, after=after)
            tell(locked, [*officers(locked), *municipality_users(locked)],
                  _("Project %(number)s reported %(percent)s%% physical progress.")
                  % {"number": locked.number, "percent": progress.two_places(locked.physical_progress)})
    except BaseException:
        storage = ProgressPhoto._meta.get_field("image").storage
        for name in stored:
            storage.delete(name)
        raise
    project.refresh_from_db()
    return report


__all__ = [
    "progress_report_create",
]
