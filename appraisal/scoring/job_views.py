"""Pages of the background jobs: start one, follow its progress (htmx polls the status part), download its
result. Long work never runs in these requests unless the backend runs tasks immediately."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from appraisal.council.queues import units_not_finalised, units_not_finalised_url
from appraisal.registry.models import Period, Unit

from .jobs import DOCUMENTS, FORMATS, job_get_for_user, job_start
from .models import BackgroundJob, JobKind, JobStatus


@require_POST
def evidence_zip_start(request: HttpRequest, year: int) -> HttpResponse:
    period = get_object_or_404(Period, year=year)
    code = request.POST.get("unit", "").strip()
    unit = get_object_or_404(Unit, code=code) if code else None
    job = job_start(kind=JobKind.EVIDENCE_ZIP, period=period, unit=unit, by=request.user)
    return redirect("scoring:job", pk=job.pk)


@require_POST
def export_start(request: HttpRequest, year: int, document: str) -> HttpResponse:
    """Build the period's annex or decision (``fmt=pdf``: its PDF copy) as a background job. When the
    backend ran it at once (development, demo, tests) the file comes straight back; otherwise the progress
    page, which keeps the file to download later."""
    period = get_object_or_404(Period, year=year)
    fmt = request.POST.get("fmt", "")
    if document not in DOCUMENTS or fmt not in FORMATS:
        raise Http404
    job = job_start(
        kind=JobKind.EXPORT, period=period, by=request.user, params={"document": document, "fmt": fmt}
    )
    job.refresh_from_db()
    if job.status == JobStatus.DONE:
        return redirect("scoring:job_download", pk=job.pk)
    return redirect("scoring:job", pk=job.pk)


@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_get_for_user(request.user, pk)
    template = "scoring/job_status.html" if request.htmx else "scoring/job_detail.html"
    return render(request, template, {"job": job, "blocked_url": _blocked_url(job)})


@require_GET
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = job_get_for_user(request.user, pk)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404("Việc này chưa có tệp kết quả.")
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])


def finalise_in_background(request: HttpRequest, period: Period) -> HttpResponse:
    """The chair's finalisation as a job. When the backend ran it at once (development, demo, tests) the
    answer is what it always was: the message on the results page; otherwise the job's progress page."""
    job = job_start(kind=JobKind.FINALISE, period=period, by=request.user)
    job.refresh_from_db()
    if not job.finished:
        return redirect("scoring:job", pk=job.pk)
    if job.status == JobStatus.DONE:
        messages.success(request, job.message)
    else:
        blocked = _blocked_url(job)
        messages.error(request, format_html(BLOCKED_LINK, job.message, blocked) if blocked else job.message)
    return redirect("scoring:period", year=period.year)


# A refused finalisation links to the units that block it (SPEC §3a: a blocked action links to what blocks it).
BLOCKED_LINK = '{} <a href="{}">Xem danh sách các đơn vị chưa hoàn tất thẩm định</a>'


def _blocked_url(job: BackgroundJob) -> str:
    if job.kind != JobKind.FINALISE or job.status != JobStatus.FAILED or not units_not_finalised(job.period):
        return ""
    return units_not_finalised_url(job.period)


__all__ = ["evidence_zip_start", "export_start", "finalise_in_background", "job_detail", "job_download"]
