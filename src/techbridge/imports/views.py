"""Import pages: previous runs and upload forms, the result of a run, templates and reports.

Thin: who may import what into which organisation is decided by ``imports.selectors`` and the
domain services behind ``imports.services``; a refused import comes back as a form error.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from techbridge.core.errors import NotFound, PermissionRefused, ValidationFailed
from techbridge.core.forms import add_service_error
from techbridge.core.http import AuthenticatedHttpRequest
from techbridge.imports import selectors, services
from techbridge.imports.forms import UploadForm
from techbridge.imports.models import ImportRun

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAMES: dict[str, str] = {
    ImportRun.Kind.RESEARCHERS: "科技人员导入模板",
    ImportRun.Kind.DEMANDS: "技术需求导入模板",
}


def _require_kinds(request: AuthenticatedHttpRequest) -> list[str]:
    kinds = selectors.importable_kinds(request.user)
    if not kinds:
        raise PermissionRefused(_("Your role cannot import data."))
    return kinds


def _render_home(request: AuthenticatedHttpRequest, forms: dict[str, UploadForm]) -> HttpResponse:
    runs = selectors.runs_visible_to(request.user).filter(actor=request.user)[:20]
    return render(request, "imports/home.html", {"forms": forms, "runs": runs})


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    kinds = _require_kinds(request)
    forms = {kind: UploadForm(kind=kind, user=request.user) for kind in kinds}
    return _render_home(request, forms)


@login_required
@require_POST
def upload(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    kinds = _require_kinds(request)
    if kind not in kinds:
        raise PermissionRefused(_("Your role cannot import this kind of data."))
    form = UploadForm(request.POST, request.FILES, kind=kind, user=request.user)
    if form.is_valid():
        upload_file = form.cleaned_data["file"]
        token = form.cleaned_data["progress_token"]
        try:
            run = services.run_import(
                kind=kind,
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                file_name=upload_file.name,
                content=upload_file.read(),
                dry_run=form.cleaned_data["dry_run"],
                progress=_progress_reporter(request, token) if token else None,
            )
        except ValidationFailed as exc:
            add_service_error(form, exc, default_field="file")
        else:
            url = reverse("imports:run", args=[run.pk])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    forms = {k: UploadForm(kind=k, user=request.user) for k in kinds}
    forms[kind] = form
    return _render_home(request, forms)


def _progress_key(request: AuthenticatedHttpRequest, token: str) -> str:
    return f"imports:progress:{request.user.pk}:{token}"


def _progress_reporter(request: AuthenticatedHttpRequest, token: str) -> services.Progress:
    """Publish (rows done, rows in all) for the page's progress poll, every 20 rows."""
    key = _progress_key(request, token)

    def report(done: int, total: int) -> None:
        if done % 20 == 0 or done == total:
            cache.set(key, (done, total), timeout=600)

    return report


@login_required
def progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The progress line polled while an upload runs (a local cache: one server process)."""
    token = request.GET.get("token", "")
    done_total = cache.get(_progress_key(request, token)) if len(token) == 32 else None
    return render(request, "imports/_progress.html", {"progress": done_total})


def _visible_run(request: AuthenticatedHttpRequest, pk: int) -> ImportRun:
    return get_object_or_404(selectors.runs_visible_to(request.user), pk=pk)


@login_required
def run_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = _visible_run(request, pk)
    return render(request, "imports/run.html", {"run": run})


@login_required
def run_errors(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = _visible_run(request, pk)
    response = HttpResponse(services.build_error_report(run=run), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-errors.xlsx"'
    return response


@login_required
def template(request: AuthenticatedHttpRequest, kind: str, file_format: str) -> HttpResponse:
    if kind not in ImportRun.Kind.values or file_format not in ("xlsx", "csv"):
        raise NotFound(_("There is no such template."))
    if not selectors.can_import(request.user, kind):
        raise PermissionRefused(_("Your role cannot import this kind of data."))
    organisation_id = request.user.organisation_id
    organisation = (
        selectors.import_targets(request.user, kind).filter(pk=organisation_id).first()
        if organisation_id is not None
        else None
    )
    content = services.build_template(kind, file_format=file_format, organisation=organisation)
    content_type = XLSX if file_format == "xlsx" else "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    # As an attachment with a file name, the header is always produced.
    response["Content-Disposition"] = cast(
        str, content_disposition_header(True, f"{TEMPLATE_NAMES[kind]}.{file_format}")
    )
    return response
