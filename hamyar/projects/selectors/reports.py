"""A project's progress reports, site photos and documents."""

from django.db.models import Prefetch

from hamyar.accounts.models import User
from hamyar.core.scoping import scoped_get

from ..models import ProgressEntry, ProgressPhoto, ProgressReport, Project, ProjectDocument


def report_list(*, project: Project) -> list[ProgressReport]:
    """The project's progress reports, newest first, each with its entries and photos."""
    return list(
        project.reports.select_related("reported_by")
        .prefetch_related(
            Prefetch("entries", queryset=ProgressEntry.objects.select_related("milestone")
                     .order_by("milestone__sequence", "pk")),
            Prefetch("photos", queryset=ProgressPhoto.objects.order_by("pk")),
        )
        .order_by("-reported_on", "-pk")
    )


def report_get(*, user: User, pk: int) -> ProgressReport:
    return scoped_get(ProgressReport.objects.select_related("project", "reported_by"), user, pk=pk)


def photo_get(*, user: User, pk: int) -> ProgressPhoto:
    """A photo of a report the user may see; anything else (another municipality, tenant) is NotFound."""
    return scoped_get(ProgressPhoto.objects.select_related("report", "report__project"), user, pk=pk)


def document_list(*, project: Project) -> list[ProjectDocument]:
    """The project's documents, newest first, with who uploaded them.

    The project was read through a selector, so the user may see them.
    """
    return list(project.documents.select_related("uploaded_by").order_by("-created_at", "-pk"))


def document_get(*, user: User, pk: int) -> ProjectDocument:
    """A document of a project the user may see; anything else (another municipality, tenant) is NotFound."""
    return scoped_get(ProjectDocument.objects.select_related("project"), user, pk=pk)


__all__ = [
    "document_get",
    "document_list",
    "photo_get",
    "report_get",
    "report_list",
]
