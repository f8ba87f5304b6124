"""Issue 13, build item 7: finalisation and the evidence zip run as django-tasks tasks, with a progress page
(htmx polling) and a result to come back to."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from appraisal.assessments.models import EvidenceLink, ItemEntry
from appraisal.assessments.services import evidence_store_upload
from appraisal.registry.models import AuditAction, AuditEntry, Period, Phase
from appraisal.scoring.jobs import run_job
from appraisal.scoring.models import BackgroundJob, JobKind, JobStatus
from tests.assessments.conftest import PDF, pdf_file
from tests.scoring.conftest import finalise_all


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _attach(entry: ItemEntry, name: str, by) -> None:
    evidence = evidence_store_upload(unit=entry.assessment.unit, uploaded=pdf_file(name), by=by)
    EvidenceLink.objects.create(entry=entry, evidence=evidence, by=by)


def test_evidence_zip_runs_as_a_task_and_keeps_its_result(scored, secretariat, editor, client_for):
    first = ItemEntry.objects.get(assessment=scored[0], node__code="1.1")
    _attach(first, "Kế hoạch CCHC.pdf", editor)
    c = client_for(secretariat)
    response = c.post(reverse("scoring:evidence_zip", args=[2023]), {"unit": "skhcn"})
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("scoring:job", args=[job.pk])
    assert (job.kind, job.status, job.done, job.total, job.message) == (
        JobKind.EVIDENCE_ZIP,
        JobStatus.DONE,
        1,
        1,
        "Đã nén 1 tệp tài liệu kiểm chứng.",
    )
    page = c.get(reverse("scoring:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' not in page
    assert '<progress id="job-progress" class="w-100" max="100" value="100">' in page
    download = c.get(reverse("scoring:job_download", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    assert len(names) == 1 and names[0].startswith("skhcn/") and names[0].endswith(".pdf")
    assert archive.read(names[0]) == PDF
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, by=secretariat).count() == 1


def test_job_page_polls_while_the_task_waits_for_a_worker(scored, secretariat, client_for, queued_tasks):
    c = client_for(secretariat)
    c.post(reverse("scoring:evidence_zip", args=[2023]))
    job = BackgroundJob.objects.get()
    assert job.status == JobStatus.QUEUED and job.task_id
    page = c.get(reverse("scoring:job", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("scoring:job", args=[job.pk])}" hx-trigger="every 2s"' in page
    assert "Đang chờ" in page
    run_job.call(job.pk)  # what the worker does
    part = c.get(reverse("scoring:job", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert part.startswith('<div id="job-status" aria-live="polite">')
    assert "Đã nén 0 tệp tài liệu kiểm chứng." in part


def test_finalise_runs_off_the_request(scored, chair, client_for, queued_tasks):
    period = scored[0].period
    Period.objects.filter(pk=period.pk).update(phase=Phase.REAPPRAISAL)
    finalise_all(period)
    response = client_for(chair).post(reverse("scoring:finalise", args=[2023]))
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("scoring:job", args=[job.pk])
    assert Period.objects.get(pk=period.pk).phase == Phase.REAPPRAISAL  # nothing happened in the request
    run_job.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.message) == (
        JobStatus.DONE,
        "Đã chốt kết quả kỳ đánh giá và lưu bản kết quả chính thức.",
    )
    assert Period.objects.get(pk=period.pk).phase == Phase.FINALISED


def test_finalise_refused_in_the_task_is_a_failed_job_with_the_reason(
    scored, chair, client_for, queued_tasks
):
    Period.objects.filter(pk=scored[0].period.pk).update(phase=Phase.REAPPRAISAL)
    client_for(chair).post(reverse("scoring:finalise", args=[2023]))
    job = BackgroundJob.objects.get()
    run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "còn 2 đơn vị chưa hoàn tất thẩm định" in job.message


def test_evidence_zip_denied_to_unit_people_and_jobs_to_other_people(
    scored, secretariat, editor, chair, client_for
):
    assert client_for(editor).post(reverse("scoring:evidence_zip", args=[2023])).status_code == 403
    assert not BackgroundJob.objects.exists()
    client_for(secretariat).post(reverse("scoring:evidence_zip", args=[2023]))
    job = BackgroundJob.objects.get()
    assert client_for(chair).get(reverse("scoring:job", args=[job.pk])).status_code == 403
    assert client_for(editor).get(reverse("scoring:job_download", args=[job.pk])).status_code == 403
