"""Progress reports with their site photos, and the project's documents."""

import mimetypes
from pathlib import PurePath

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.core.access import ALL_ROLES
from hamyar.core.pages import page

from .. import selectors, services
from ..choices import OFFICERS, WORKERS, MilestoneStatus
from ..forms import DocumentForm, ProgressReportForm
from ..models import ProgressPhoto, Project, ProjectDocument
from .detail import act_on_project, submit_form

# ---------------------------------------------------------------- progress reports and photos


@page(roles=WORKERS, model=Project)
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A progress report: the physical percent of each milestone not completed, notes and a photo."""
    project = selectors.project_get(user=request.user, pk=pk)
    milestones = [m for m in selectors.milestone_list(project=project)
                  if m.status != MilestoneStatus.COMPLETED]
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = ProgressReportForm(data, files, milestones=milestones)
    context = {"project": project, "form": form}
    if request.method != "POST":
        return render(request, "projects/report_form.html", context)

    def file_report(data: dict) -> object:
        photos = [{"file": data["photo"], "caption": data.get("caption", "")}] if data.get("photo") else []
        return services.progress_report_create(
            project=project, acting_user=request.user, reported_on=data["reported_on"],
            notes=data.get("notes", ""), percents=form.percents(), photos=photos)

    return submit_form(request, form, file_report, template="projects/report_form.html", context=context,
                       redirect_to=reverse("projects:project_detail", args=[pk]),
                       success=_("The progress report was filed."))


def _serve(photo: ProgressPhoto, field: str) -> HttpResponse:
    stored = getattr(photo, field)
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    name = PurePath(stored.name).name
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@page(roles=ALL_ROLES, model=ProgressPhoto)
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A site photo, only for those who may read its project (another municipality: 404)."""
    return _serve(selectors.photo_get(user=request.user, pk=pk), "image")


@page(roles=ALL_ROLES, model=ProgressPhoto)
def photo_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    return _serve(selectors.photo_get(user=request.user, pk=pk), "thumbnail")


# ---------------------------------------------------------------- documents


@require_POST
@page(roles=WORKERS, model=ProjectDocument)
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    """File a document on the project; a refused file shows on the form (422), nothing stored."""
    project = selectors.project_get(user=request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    return act_on_project(
        request, pk,
        lambda data: services.project_document_add(project=project, acting_user=request.user, **data),
        success=_("The document was filed."), form=form, document_form=form, open_form="document")


@page(roles=ALL_ROLES, model=ProjectDocument)
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A document of a project the user may read, as a download (never shown inline); else 404."""
    document = selectors.document_get(user=request.user, pk=pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=document.original_name,
                            content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@page(roles=OFFICERS, model=ProjectDocument)
def document_remove(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(user=request.user, pk=pk)
    return act_on_project(
        request, document.project_id,
        lambda _data: services.project_document_remove(document=document, acting_user=request.user),
        success=_("The document was removed."))
