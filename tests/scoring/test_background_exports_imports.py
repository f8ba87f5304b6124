"""Issue 13, behaviour 9 (the remainder): the period's documents and big imports run as background jobs with
the progress page and a result to come back to; an import refused whole shows every bad row on the job's page.

Before: the annex, the decision and their PDFs were built inside the request, and a 3,300-unit import ran
inside the request with no progress shown."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisal.assessments.models import ItemEntry, ItemHistory
from appraisal.documents.pdf import INSTALL_HINT, pdf_available
from appraisal.registry.models import AuditAction, AuditEntry, Unit
from appraisal.scoring.jobs import run_job
from appraisal.scoring.models import BackgroundJob, JobKind, JobStatus
from tests.registry.helpers import UNIT_HEADER_VI, xlsx_bytes


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def big_files(settings):
    """Every file with a row counts as big (the threshold is 2,000 rows by default)."""
    settings.IMPORT_ROWS_IN_REQUEST = 0


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


# -- exports ----------------------------------------------------------------------------------------------


def test_annex_export_runs_as_a_background_job_and_keeps_its_file(
    scored, secretariat, client_for, queued_tasks
):
    c = client_for(secretariat)
    c.post(reverse("scoring:snapshot", args=[2023]))
    response = c.post(reverse("scoring:export", args=[2023, "annex"]))
    job = BackgroundJob.objects.get(kind=JobKind.EXPORT)
    assert response["Location"] == reverse("scoring:job", args=[job.pk])
    assert (job.status, job.params, job.file.name) == (JobStatus.QUEUED, {"document": "annex", "fmt": ""}, "")
    assert "Đang chờ" in c.get(reverse("scoring:job", args=[job.pk])).content.decode()

    run_job.call(job.pk)  # what the worker does

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 1, 1)
    assert job.message.startswith("Đã tạo tệp «") and job.message.endswith(".xlsx».")
    page = c.get(reverse("scoring:job", args=[job.pk])).content.decode()
    assert f'href="{reverse("scoring:job_download", args=[job.pk])}">Tải tệp kết quả</a>' in page
    download = c.get(reverse("scoring:job_download", args=[job.pk]))
    assert download["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(_content(download))).worksheets[0]
    texts = [str(cell.value) for row in sheet.iter_rows(max_row=6) for cell in row if cell.value]
    assert any("DỰ THẢO" in t for t in texts)
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, by=secretariat).count() == 1


def test_decision_export_run_at_once_answers_the_file_itself(scored, secretariat, client_for):
    """The demo's immediate backend: the POST answers with the finished job's file."""
    c = client_for(secretariat)
    c.post(reverse("scoring:snapshot", args=[2023]))
    response = c.post(reverse("scoring:export", args=[2023, "decision"]))
    job = BackgroundJob.objects.get(kind=JobKind.EXPORT)
    assert response["Location"] == reverse("scoring:job_download", args=[job.pk])
    document = docx.Document(io.BytesIO(_content(c.get(response["Location"]))))
    assert any("QUYẾT ĐỊNH" in p.text.upper() for p in document.paragraphs)


def test_decision_pdf_export_is_a_job_that_says_how_to_add_libreoffice_when_missing(
    scored, secretariat, client_for
):
    c = client_for(secretariat)
    c.post(reverse("scoring:snapshot", args=[2023]))
    c.post(reverse("scoring:export", args=[2023, "decision"]), {"fmt": "pdf"})
    job = BackgroundJob.objects.get(kind=JobKind.EXPORT)
    assert job.params == {"document": "decision", "fmt": "pdf"}
    if pdf_available():
        assert job.status == JobStatus.DONE and job.file.name.endswith(".pdf")
        assert _content(c.get(reverse("scoring:job_download", args=[job.pk]))).startswith(b"%PDF")
    else:
        assert (job.status, job.message) == (JobStatus.FAILED, INSTALL_HINT)


def test_export_without_any_run_fails_with_what_to_do(scored, secretariat, client_for):
    c = client_for(secretariat)
    response = c.post(reverse("scoring:export", args=[2023, "annex"]))
    job = BackgroundJob.objects.get(kind=JobKind.EXPORT)
    assert response["Location"] == reverse("scoring:job", args=[job.pk])
    assert job.status == JobStatus.FAILED
    assert (
        job.message == f"Chưa có lần tính nào của {job.period.name}: Tổ thư ký bấm «Tính tạm» rồi xuất lại."
    )
    assert c.get(reverse("scoring:job_download", args=[job.pk])).status_code == 404


def test_export_of_an_unknown_document_is_404(scored, secretariat, client_for):
    c = client_for(secretariat)
    assert c.post(reverse("scoring:export", args=[2023, "bang-luong"])).status_code == 404
    assert c.post(reverse("scoring:export", args=[2023, "annex"]), {"fmt": "exe"}).status_code == 404
    assert not BackgroundJob.objects.exists()


def test_export_is_refused_to_a_unit_editor_and_its_file_to_others(scored, secretariat, editor, client_for):
    c = client_for(secretariat)
    c.post(reverse("scoring:snapshot", args=[2023]))
    assert client_for(editor).post(reverse("scoring:export", args=[2023, "annex"])).status_code == 403
    assert not BackgroundJob.objects.exists()
    client_for(secretariat).post(reverse("scoring:export", args=[2023, "annex"]))
    job = BackgroundJob.objects.get()
    assert client_for(editor).get(reverse("scoring:job", args=[job.pk])).status_code == 403
    assert client_for(editor).get(reverse("scoring:job_download", args=[job.pk])).status_code == 403


def test_export_start_answers_get_with_405(scored, secretariat, client_for):
    assert client_for(secretariat).get(reverse("scoring:export", args=[2023, "annex"])).status_code == 405


def test_results_page_buttons_start_export_jobs(scored, secretariat, client_for):
    c = client_for(secretariat)
    c.post(reverse("scoring:snapshot", args=[2023]))
    page = c.get(reverse("scoring:period", args=[2023])).content.decode()
    assert (
        f'<form method="post" action="{reverse("scoring:export", args=[2023, "annex"])}" class="d-inline">'
        in page
    )
    assert "Tải phụ lục (.xlsx)</button>" in page and "Tải quyết định (.docx)</button>" in page


# -- big imports ------------------------------------------------------------------------------------------


def _survey(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("xhh.csv", ("\ufeff" + text).encode("utf-8"))


def test_large_survey_import_runs_as_a_background_job_and_lists_every_bad_row(
    scored, secretariat, client_for, big_files
):
    c = client_for(secretariat)
    before = ItemHistory.objects.filter(layer="survey").count()
    response = c.post(
        reverse("council:survey", args=[2023]),
        {"file": _survey("unit,item,value\nskhcn,3.1,80%\nkhong-co,3.1,80%\nstp,9.9,80%\n")},
    )
    job = BackgroundJob.objects.get(kind=JobKind.IMPORT)
    assert response["Location"] == reverse("scoring:job", args=[job.pk])
    assert job.status == JobStatus.FAILED
    assert job.message == "Tệp «xhh.csv»: 2 lỗi, không nhập dòng nào."
    assert len(job.problems) == 2
    assert job.problems[0].startswith("Dòng 3") and "khong-co" in job.problems[0]
    assert job.problems[1].startswith("Dòng 4") and "9.9" in job.problems[1]
    page = c.get(reverse("scoring:job", args=[job.pk])).content.decode()
    assert "Các lỗi cần sửa trong tệp (2)" in page
    assert "Chưa ghi dòng nào: sửa các lỗi trên rồi tải tệp lên lại." in page
    assert ItemHistory.objects.filter(layer="survey").count() == before  # all or nothing
    assert job.source.read().decode("utf-8-sig").startswith("unit,item,value")  # the file is kept


def test_large_survey_import_job_writes_every_row(scored, secretariat, client_for, big_files, queued_tasks):
    c = client_for(secretariat)
    c.post(
        reverse("council:survey", args=[2023]),
        {"file": _survey("unit,item,value\nskhcn,3.1,80%\nstp,3.1,90%\n")},
    )
    job = BackgroundJob.objects.get(kind=JobKind.IMPORT)
    assert (job.status, job.params["what"], job.params["file_name"]) == (
        JobStatus.QUEUED,
        "survey",
        "xhh.csv",
    )
    run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.message.startswith("Đã nhập 2 dòng điều tra XHH từ «xhh.csv»")
    values = dict(
        ItemEntry.objects.filter(node__code="3.1", assessment__in=scored).values_list(
            "assessment__unit__code", "survey_value"
        )
    )
    assert values == {"skhcn": "80%", "stp": "90%"}


def test_small_survey_import_still_answers_in_the_request(scored, secretariat, client_for):
    response = client_for(secretariat).post(
        reverse("council:survey", args=[2023]), {"file": _survey("unit,item,value\nskhcn,3.1,80%\n")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("council:survey", args=[2023])
    assert not BackgroundJob.objects.exists()


def test_large_survey_import_refused_to_a_council_member(scored, member, client_for, big_files):
    response = client_for(member).post(
        reverse("council:survey", args=[2023]), {"file": _survey("unit,item,value\nskhcn,3.1,80%\n")}
    )
    assert response.status_code == 403
    assert not BackgroundJob.objects.exists()


def test_large_units_import_runs_as_a_background_job(scored, secretariat, client_for, big_files):
    content = xlsx_bytes(
        [
            UNIT_HEADER_VI,
            ["sxd", "Sở Xây dựng", "so", "", "Nguyễn Văn Dũng", "Giám đốc", ""],
            ["sct", "Sở Công Thương", "so", "", "", "", ""],
        ]
    )
    c = client_for(secretariat)
    response = c.post(
        reverse("registry:units_import"), {"year": "2023", "file": SimpleUploadedFile("dv.xlsx", content)}
    )
    job = BackgroundJob.objects.get(kind=JobKind.IMPORT)
    assert response["Location"] == reverse("scoring:job", args=[job.pk])
    assert (job.status, job.params["what"], job.params["year"]) == (JobStatus.DONE, "units", 2023)
    assert job.message == "Đã nhập 2 đơn vị cho năm 2023 từ «dv.xlsx»: 2 đơn vị mới, 0 đơn vị cập nhật."
    assert set(Unit.objects.filter(code__in=["sxd", "sct"]).values_list("code", flat=True)) == {"sxd", "sct"}


def test_large_units_import_with_bad_rows_writes_nothing_and_lists_them(
    scored, secretariat, client_for, big_files
):
    content = xlsx_bytes([UNIT_HEADER_VI, ["a", "", "so", "", "", "", ""], ["a", "A", "xa", "", "", "", ""]])
    client_for(secretariat).post(
        reverse("registry:units_import"), {"year": "2023", "file": SimpleUploadedFile("sai.xlsx", content)}
    )
    job = BackgroundJob.objects.get(kind=JobKind.IMPORT)
    assert job.status == JobStatus.FAILED
    assert job.message == "Không nhập tệp «sai.xlsx»: có 3 lỗi, chưa ghi dữ liệu nào."
    assert "Dòng 2: thiếu Tên đơn vị." in job.problems
    assert "Dòng 3: mã đơn vị a bị trùng với dòng 2." in job.problems
    assert not Unit.objects.filter(code="a").exists()


def test_large_published_results_import_runs_as_a_background_job(scored, secretariat, client_for, big_files):
    content = xlsx_bytes([["Mã đơn vị", "Chỉ số CCHC (%)", "Xếp hạng"], ["khong-co", "80", "1"]])
    c = client_for(secretariat)
    response = c.post(
        reverse("scoring:published", args=[2022]), {"file": SimpleUploadedFile("kq.xlsx", content)}
    )
    job = BackgroundJob.objects.get(kind=JobKind.IMPORT)
    assert response["Location"] == reverse("scoring:job", args=[job.pk])
    assert (job.params["what"], job.params["year"], job.status) == ("results", 2022, JobStatus.FAILED)
    assert job.problems and job.message.startswith("Tệp «kq.xlsx»:")


def test_import_job_page_is_the_requesters(scored, secretariat, editor, client_for, big_files):
    client_for(secretariat).post(
        reverse("council:survey", args=[2023]), {"file": _survey("unit,item,value\nskhcn,3.1,80%\n")}
    )
    job = BackgroundJob.objects.get()
    assert client_for(editor).get(reverse("scoring:job", args=[job.pk])).status_code == 403
    assert client_for(secretariat).get(reverse("scoring:job", args=[job.pk])).status_code == 200


def test_large_index_set_import_runs_as_a_background_job(period, group, secretariat, client_for, big_files):
    from appraisal.registry.models import IndexNode, Period, Phase
    from tests.registry.helpers import small_set_xlsx

    Period.objects.filter(pk=period.pk).update(phase=Phase.PREPARING)
    response = client_for(secretariat).post(
        reverse("registry:index_set_import"),
        {"year": "2023", "group": group.code, "file": SimpleUploadedFile("bo.xlsx", small_set_xlsx())},
    )
    job = BackgroundJob.objects.get(kind=JobKind.IMPORT)
    assert response["Location"] == reverse("scoring:job", args=[job.pk])
    assert (job.params["what"], job.params["group"], job.status) == (
        "index_set",
        group.code,
        JobStatus.DONE,
    ), (
        job.message,
        job.problems,
    )
    assert IndexNode.objects.filter(index_set__period=period, index_set__group=group).exists()


def test_rows_in_file_counts_data_rows_of_csv_and_xlsx_without_reading_cells():
    from appraisal.core.jobs import rows_in_file

    assert rows_in_file("xhh.csv", "\ufeffunit,item,value\na,1,2\nb,1,2\n".encode()) == 2
    rows = [UNIT_HEADER_VI] + [[f"u{n}", "Đơn vị", "so", "", "", "", ""] for n in range(2500)]
    assert rows_in_file("dv.xlsx", xlsx_bytes(rows)) == 2500
    assert rows_in_file("hong.xlsx", b"PK\x03\x04 not really a workbook") == 0


def test_import_of_more_rows_than_the_threshold_goes_to_the_background(
    scored, secretariat, client_for, settings
):
    settings.IMPORT_ROWS_IN_REQUEST = 2
    c = client_for(secretariat)
    two = "unit,item,value\nskhcn,3.1,80%\nstp,3.1,90%\n"
    assert c.post(reverse("council:survey", args=[2023]), {"file": _survey(two)})["Location"] == reverse(
        "council:survey", args=[2023]
    )
    three = two + "skhcn,3.1,81%\n"
    response = c.post(reverse("council:survey", args=[2023]), {"file": _survey(three)})
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("scoring:job", args=[job.pk])
