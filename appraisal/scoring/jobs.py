"""Long work off the request (issue 13, build item 7): period finalisation, the zip of a unit's or a
period's evidence, the period's documents (annex .xlsx, decision .docx and their PDF copies) and big imports
(survey scores, units, index sets, published results) run as django-tasks tasks.

django-tasks is the backport of Django 6's ``django.tasks``: the same ``@task`` functions run on the built-in
framework later. Production uses its database backend (django-tasks-db, worker: ``manage.py db_worker``);
development, the demo and the tests run tasks immediately (``PARINDEX_TASKS_BACKEND=immediate``).
A :class:`BackgroundJob` row carries the progress the page polls and the result people come back to.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from appraisal.assessments.models import EvidenceLink
from appraisal.core.exceptions import ServiceError
from appraisal.council import access
from appraisal.council.access import Subject, council_access
from appraisal.documents.annex import build_annex
from appraisal.documents.decision import build_decision
from appraisal.documents.pdf import PdfUnavailable, to_pdf
from appraisal.registry.audit import audit_export
from appraisal.registry.models import Period, Unit
from appraisal.registry.selectors import (
    PERIOD_PAGES,
    UNITS_IMPORT,
    period_require,
    province_require,
    registry_require,
    secretariat_require,
    year_require,
)

from .adapters import decision_data_from_run
from .models import BackgroundJob, JobKind, JobStatus
from .published import PUBLISHING

__all__ = ["import_start", "job_get_for_user", "job_start", "run_job"]

# The period's documents a job may build: name → (builder, formats).
DOCUMENTS = {"annex": build_annex, "decision": build_decision}
FORMATS = ("", "pdf")
IMPORTS = ("survey", "units", "index_set", "results")


def _require_import(by: Any, what: str, period: Period, year: int | None) -> None:
    """The same people as the import pages, the role read in the period concerned (SPEC §6a): the council's
    secretariat of the period for survey scores, the registry's managers holding the secretariat of the year
    imported into for units and index sets, the secretariat of the year for published results."""
    if what == "survey":
        if not council_access(by, period).secretariat:
            raise PermissionDenied("Trang này dành cho Tổ thư ký.")
    elif what == "units":  # units and groups are every year's, as on the import page
        province_require(by, UNITS_IMPORT)
    elif what == "index_set":
        registry_require(by)
        year_require(by, year if year is not None else period.year, PERIOD_PAGES)
    elif what == "results":
        year_require(by, year if year is not None else period.year, PUBLISHING)
    else:
        raise ServiceError("Việc nhập tệp không hợp lệ.")


def job_start(
    *,
    kind: str,
    period: Period,
    by: Any,
    unit: Unit | None = None,
    params: dict[str, Any] | None = None,
    source: tuple[str, bytes] | None = None,
) -> BackgroundJob:
    """Record the job and hand it to the task backend; who may start which job is checked here.

    ``params`` says what an export builds ({"document": "annex", "fmt": "pdf"}) or an import reads
    ({"what": "survey"}); ``source`` is an import's uploaded file (name, bytes), kept with the job."""
    params = dict(params or {})
    if kind == JobKind.FINALISE:
        if not council_access(by, period).chair:  # the chair of this period (SPEC §6a), as period_finalise
            raise PermissionDenied(
                f"Chỉ Chủ tịch Hội đồng kỳ {period.year} được phê duyệt chốt kết quả kỳ đánh giá."
            )
    elif kind == JobKind.EVIDENCE_ZIP:
        period_require(by, period)
    elif kind == JobKind.EXPORT:
        access.require(by, "decision", Subject(period))
        if params.get("document") not in DOCUMENTS or params.get("fmt", "") not in FORMATS:
            raise ServiceError("Không có tệp kết quả này.")
    elif kind == JobKind.IMPORT:
        _require_import(by, params.get("what", ""), period, params.get("year"))
        if source is None:
            raise ServiceError("Hãy chọn tệp để nhập.")
        params["file_name"] = source[0]
    else:
        raise ServiceError("Việc chạy nền không hợp lệ.")
    job = BackgroundJob(kind=kind, period=period, unit=unit, requested_by=by, params=params)
    if source is not None:
        job.source.save(source[0].rsplit("/", 1)[-1], ContentFile(source[1]), save=False)
    job.save()
    result = run_job.enqueue(job.pk)
    BackgroundJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def job_get_for_user(user: Any, pk: int) -> BackgroundJob:
    """A job is seen by the person who started it (and the secretariat of its period)."""
    job = BackgroundJob.objects.select_related("period", "unit", "requested_by").filter(pk=pk).first()
    if job is None:
        raise Http404("Không tìm thấy việc này.")
    if job.requested_by_id != user.pk:
        secretariat_require(user, job.period, "được xem việc chạy nền của kỳ")
    return job


def _progress(job: BackgroundJob, done: int, total: int) -> None:
    BackgroundJob.objects.filter(pk=job.pk).update(done=done, total=total)


def _finish(job: BackgroundJob, status: str, message: str) -> None:
    BackgroundJob.objects.filter(pk=job.pk).update(status=status, message=message, finished_at=timezone.now())


@task()
def run_job(job_id: int) -> str:
    """The task: mark the job running, do its work, store the result; a refusal is a failed job with the
    reason (never a lost one)."""
    job = BackgroundJob.objects.select_related("period", "unit", "requested_by").get(pk=job_id)
    BackgroundJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    work = {
        JobKind.FINALISE: _finalise,
        JobKind.EVIDENCE_ZIP: _evidence_zip,
        JobKind.EXPORT: _export,
        JobKind.IMPORT: _import,
    }[JobKind(job.kind)]
    try:
        message = work(job)
    except ImportRefused as refused:
        BackgroundJob.objects.filter(pk=job.pk).update(problems=refused.problems)
        _finish(job, JobStatus.FAILED, refused.message)
        return refused.message
    except ServiceError as error:
        _finish(job, JobStatus.FAILED, error.message)
        return error.message
    except Exception:
        _finish(
            job, JobStatus.FAILED, "Việc chạy nền gặp lỗi không mong đợi; quản trị hệ thống đã được ghi nhận."
        )
        raise
    _finish(job, JobStatus.DONE, message)
    return message


def _finalise(job: BackgroundJob) -> str:
    from .services import period_finalise

    _progress(job, 0, 1)
    period_finalise(period=job.period, by=job.requested_by)
    _progress(job, 1, 1)
    return "Đã chốt kết quả kỳ đánh giá và lưu bản kết quả chính thức."


def _evidence_zip(job: BackgroundJob) -> str:
    """Every live evidence file linked to the period's entries (of one unit when given), one folder per unit,
    each file once per unit under its stored name and the title it was given."""
    links = EvidenceLink.objects.filter(
        removed_at__isnull=True,
        entry__assessment__period=job.period,
        evidence__file__isnull=False,
    )
    if job.unit_id is not None:
        links = links.filter(entry__assessment__unit_id=job.unit_id)
    rows = links.values_list(
        "entry__assessment__unit__code", "evidence_id", "evidence__original_name", "evidence__file__file"
    ).order_by("entry__assessment__unit__code", "evidence_id")
    unique = {(code, pk): (name, path) for code, pk, name, path in rows}
    files = [(code, pk, name, path) for (code, pk), (name, path) in unique.items()]
    _progress(job, 0, len(files))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, (code, pk, name, path) in enumerate(files, start=1):
            extension = path.rsplit(".", 1)[-1] if "." in path else "bin"
            stem = (name.rsplit(".", 1)[0] if name else f"tai-lieu-{pk}").replace("/", "-")
            with default_storage.open(path, "rb") as stored:
                archive.writestr(f"{code}/{pk}-{stem}.{extension}", stored.read())
            if number % 20 == 0 or number == len(files):
                _progress(job, number, len(files))
    scope = job.unit.code if job.unit else "tat-ca"
    filename = f"tai-lieu-kiem-chung-{job.period.year}-{scope}.zip"
    job.file.save(filename, ContentFile(buffer.getvalue()), save=False)
    BackgroundJob.objects.filter(pk=job.pk).update(file=job.file.name)
    audit_export(by=job.requested_by, filename=filename, period=job.period, detail=f"{len(files)} tệp")
    return f"Đã nén {len(files)} tệp tài liệu kiểm chứng."


def _export(job: BackgroundJob) -> str:
    """The period's annex or decision (or its PDF copy), from the run the documents come from: the official
    one once finalised, else the last provisional one (as the download links)."""
    from .services import run_for_documents

    document, fmt = job.params["document"], job.params.get("fmt", "")
    _progress(job, 0, 1)
    run = run_for_documents(job.period)
    if run is None:
        raise ServiceError(
            "Chưa có lần tính nào của {p}: Tổ thư ký bấm «Tính tạm» rồi xuất lại.".format(p=job.period.name)
        )
    exported = DOCUMENTS[document](decision_data_from_run(run))
    if fmt == "pdf":
        try:
            exported = to_pdf(exported)
        except PdfUnavailable as exc:
            raise ServiceError(str(exc)) from exc
    job.file.save(exported.filename, ContentFile(exported.content), save=False)
    BackgroundJob.objects.filter(pk=job.pk).update(file=job.file.name)
    audit_export(by=job.requested_by, filename=exported.filename, period=job.period)
    _progress(job, 1, 1)
    return f"Đã tạo tệp «{exported.filename}»."


class ImportRefused(ServiceError):
    """A file refused whole: ``problems`` lists every refused row, kept on the job for its page."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


def _import(job: BackgroundJob) -> str:
    """One import, all or nothing, through the same service as its page: on refusal the job fails with the
    summary and keeps every refused row."""
    what, params = job.params["what"], job.params
    file_name = params["file_name"]
    with job.source.open("rb") as stored:
        content = stored.read()
    _progress(job, 0, 1)
    by = job.requested_by
    report: Any
    if what == "survey":
        from appraisal.assessments.models import Layer
        from appraisal.council.importing import scores_import

        report = scores_import(
            period=job.period, layer=Layer.SURVEY, file_name=file_name, content=content, by=by
        )
    elif what == "units":
        from appraisal.registry.services import units_import

        report = units_import(year=params["year"], file_name=file_name, content=content, by=by)
    elif what == "index_set":
        from appraisal.registry.services import index_set_import

        scale = params.get("scale")
        report = index_set_import(
            year=params["year"],
            group_code=params["group"],
            group_name=params.get("group_name") or None,
            file_name=file_name,
            content=content,
            scale=Decimal(scale) if scale else None,
            by=by,
        )
    else:
        from .published import published_results_import

        report = published_results_import(year=params["year"], file_name=file_name, content=content, by=by)
    if not report.ok:
        raise ImportRefused(report.summary, [str(p) for p in report.problems])
    _progress(job, 1, 1)
    return str(report.summary)


def import_start(
    *, what: str, period: Period, by: Any, file_name: str, content: bytes, params: dict[str, Any]
) -> str:
    """The starter the import pages of lower apps reach through :mod:`appraisal.core.jobs`: records the
    import job and returns its progress page."""
    job = job_start(
        kind=JobKind.IMPORT,
        period=period,
        by=by,
        params={**params, "what": what},
        source=(file_name, content),
    )
    return reverse("scoring:job", args=[job.pk])
