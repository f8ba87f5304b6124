"""Long work off the request (issue 13, build item 7): period finalisation and the zip of a unit's or a
period's evidence run as django-tasks tasks.

django-tasks is the backport of Django 6's ``django.tasks``: the same ``@task`` functions run on the built-in
framework later. Production uses its database backend (django-tasks-db, worker: ``manage.py db_worker``);
development, the demo and the tests run tasks immediately (``PARINDEX_TASKS_BACKEND=immediate``).
A :class:`BackgroundJob` row carries the progress the page polls and the result people come back to.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.utils import timezone
from django_tasks import task

from appraisal.assessments.models import EvidenceLink
from appraisal.core import roles
from appraisal.core.exceptions import ServiceError
from appraisal.registry.audit import audit_export
from appraisal.registry.models import Period, Unit
from appraisal.registry.selectors import registry_require

from .models import BackgroundJob, JobKind, JobStatus

__all__ = ["job_get_for_user", "job_start", "run_job"]


def job_start(*, kind: str, period: Period, by: Any, unit: Unit | None = None) -> BackgroundJob:
    """Record the job and hand it to the task backend; who may start which job is checked here."""
    if kind == JobKind.FINALISE:
        if not roles.is_chair(by):
            raise PermissionDenied
    elif kind == JobKind.EVIDENCE_ZIP:
        registry_require(by)
    else:
        raise ServiceError("Việc chạy nền không hợp lệ.")
    job = BackgroundJob.objects.create(kind=kind, period=period, unit=unit, requested_by=by)
    result = run_job.enqueue(job.pk)
    BackgroundJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def job_get_for_user(user: Any, pk: int) -> BackgroundJob:
    """A job is seen by the person who started it (and the secretariat)."""
    job = BackgroundJob.objects.select_related("period", "unit", "requested_by").filter(pk=pk).first()
    if job is None:
        raise Http404("Không tìm thấy việc này.")
    if job.requested_by_id != user.pk and not roles.is_secretariat(user):
        raise PermissionDenied
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
    work = _finalise if job.kind == JobKind.FINALISE else _evidence_zip
    try:
        message = work(job)
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
