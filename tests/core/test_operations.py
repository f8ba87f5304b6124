"""Backup, restore and the integrity check: a backup restored into a fresh database gives back every row and
every file; a damaged backup or a non-empty target is refused; the check finds a deleted file and an orphan."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from appraisal.assessments import services
from appraisal.assessments.layers import assessment_get_or_create
from appraisal.assessments.models import Evidence, ItemEntry, StoredFile
from appraisal.core.operations import EXCLUDED_MODELS, OperationError, backup_create, restore_run
from appraisal.council.models import SurveyImport
from tests.assessments.conftest import PDF, PNG, entry_of, open_self_assessment, pdf_file, png_file


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def province(transactional_db, media, period, unit, other_unit, index_set, editor, other_editor, secretariat):
    """A little of everything: item saves with history, evidence files (one replaced, so with a version), a
    cited document, a survey import file, a Django group with permissions and an admin log entry."""
    open_self_assessment(period)
    assessment = assessment_get_or_create(period=period, unit=unit)
    assessment_get_or_create(period=period, unit=other_unit)
    entry = entry_of(assessment, "1.2")
    services.entry_save_self(
        entry=entry, value="85%", note="Theo báo cáo 12/BC", expected_version=0, by=editor
    )
    services.evidence_upload_for_entry(entry=entry, uploaded=pdf_file("Báo cáo CCHC 2023.pdf"), by=editor)
    evidence = Evidence.objects.get()
    services.evidence_replace_file(assessment=assessment, evidence=evidence, uploaded=png_file(), by=editor)
    services.evidence_cite_for_entry(
        entry=entry_of(assessment, "1.1"),
        doc_number="125/KH-SKHCN",
        doc_date=timezone.localdate() - timedelta(days=30),
        doc_summary="Kế hoạch CCHC năm 2023",
        by=editor,
    )
    survey = SurveyImport(period=period, file_name="xhh.csv", rows=1, by=secretariat)
    survey.file.save("xhh-2023.csv", ContentFile(b"unit,item,value\nskhcn,3.1,80%\n"), save=True)
    group = Group.objects.create(name="Tổ thư ký")
    group.permissions.set(Permission.objects.filter(codename__in=["view_evidence", "change_unit"]))
    secretariat.groups.add(group)
    LogEntry.objects.create(
        user=secretariat,
        content_type=ContentType.objects.get_for_model(Evidence),
        object_id=str(evidence.pk),
        object_repr=str(evidence),
        action_flag=ADDITION,
    )
    return assessment


def database_rows():
    """Every row of every model the backup covers, relations to content types and permissions written as
    natural keys (migrate recreates those tables, so their ids may differ in a fresh database)."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in EXCLUDED_MODELS:
            continue
        natural = [
            f
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model in (ContentType, Permission)
        ]
        values = list(model._base_manager.order_by("pk").values())
        for row in values:
            for f in natural:
                if row[f.attname] is not None:
                    row[f.attname] = f.related_model._base_manager.get(pk=row[f.attname]).natural_key()
        if model._meta.auto_created:
            # Many-to-many rows are dumped as lists on their owner, without their own ids: compare the pairs.
            values = sorted(({k: v for k, v in row.items() if k != "id"} for row in values), key=repr)
        rows[model._meta.label_lower] = values
    return rows


def media_files(root: Path):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_no_supported_backup_now_restores_every_row_and_file_into_a_fresh_database(province, media, tmp_path):
    """Today there is no backup or restore at all."""
    before_rows, before_files = database_rows(), media_files(media)
    report = backup_create(output=tmp_path / "backup")

    call_command("flush", interactive=False, verbosity=0)  # a fresh database: migrated, nothing in it
    shutil.rmtree(media)
    assert (Evidence.objects.count(), media.exists()) == (0, False)

    restored = restore_run(folder=tmp_path / "backup")

    assert database_rows() == before_rows
    assert media_files(media) == before_files
    assert (restored.rows, restored.files) == (report.rows, report.files)
    assert report.rows == sum(len(v) for v in before_rows.values())
    assert report.files == len(before_files) == 3  # the PDF, its PNG replacement, the survey file
    assert sorted(before_files) == sorted(
        [
            f"evidence/{timezone.now().year}/{s.sha256}.{s.file.name.rsplit('.', 1)[1]}"
            for s in StoredFile.objects.all()
        ]
        + [SurveyImport.objects.get().file.name]
    )


def test_backup_manifest_lists_the_sum_of_every_file(province, tmp_path):
    backup_create(output=tmp_path / "backup")
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    stored = {s.file.name: s.sha256 for s in StoredFile.objects.all()}
    assert manifest["format"] == "parindex-backup/1"
    assert {
        name: entry["sha256"]
        for name, entry in manifest["files"].items()
        if name.startswith("media/evidence")
    } == {f"media/{name}": sha for name, sha in stored.items()}
    assert manifest["rows"]["assessments.itementry"] == ItemEntry.objects.count() == 18
    assert sorted(p.name for p in (tmp_path / "backup").iterdir()) == [
        "database.exactjson.gz",
        "manifest.json",
        "media",
    ]


def test_restore_refuses_a_damaged_backup_and_loads_nothing(province, media, tmp_path):
    backup_create(output=tmp_path / "backup")
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)
    damaged = next((tmp_path / "backup" / "media" / "evidence").rglob("*.pdf"))
    damaged.write_bytes(PDF.replace(b"200 200", b"300 300"))
    with pytest.raises(OperationError) as refused:
        restore_run(folder=tmp_path / "backup")
    relative = damaged.relative_to(tmp_path / "backup").as_posix()
    assert refused.value.message == (
        f"Bản sao lưu {tmp_path / 'backup'} không nguyên vẹn: {relative} không khớp tổng kiểm SHA-256."
    )
    assert (Evidence.objects.count(), media.exists()) == (0, False)


def test_restore_refuses_a_database_that_is_not_empty(province, tmp_path):
    backup_create(output=tmp_path / "backup")
    with pytest.raises(CommandError) as refused:
        call_command("restore", input=tmp_path / "backup")
    assert str(refused.value).startswith("Cơ sở dữ liệu đích đã có dữ liệu (")
    assert Evidence.objects.count() == 2


def test_backup_refuses_a_folder_that_already_holds_files(province, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "cu.txt").write_text("bản cũ")
    with pytest.raises(CommandError) as refused:
        call_command("backup", output=tmp_path / "backup")
    assert str(refused.value) == (
        f"Thư mục {tmp_path / 'backup'} đã có dữ liệu: hãy chọn một thư mục mới cho mỗi bản sao lưu."
    )


def test_nothing_checked_database_against_files_now_integrity_finds_a_deleted_and_an_orphan_file(
    province, media, capsys
):
    """Today nothing checks that the database and the evidence files match."""
    call_command("check_integrity", hashes=True)
    assert capsys.readouterr().out.splitlines() == [
        "Kiểm tra toàn vẹn: 3 tệp được cơ sở dữ liệu tham chiếu; 0 bản ghi thiếu tệp, 0 tệp sai dung lượng, "
        "0 tệp sai tổng kiểm, 0 tệp không có bản ghi."
    ]
    pdf = StoredFile.objects.get(content_type="application/pdf")
    (media / pdf.file.name).unlink()
    (media / "evidence" / "la.pdf").write_bytes(PDF)
    png = StoredFile.objects.get(content_type="image/png")
    (media / png.file.name).write_bytes(PNG[:-4] + b"xxxx")  # same size, other bytes

    with pytest.raises(CommandError) as failed:
        call_command("check_integrity", hashes=True)
    assert str(failed.value) == "Cơ sở dữ liệu và kho tệp không khớp (xem danh sách ở trên)."
    assert capsys.readouterr().out.splitlines() == [
        f"Bản ghi thiếu tệp: assessments.StoredFile #{pdf.pk}: {pdf.file.name}",
        f"Tệp sai tổng kiểm SHA-256: assessments.StoredFile #{png.pk}: {png.file.name}",
        "Tệp không có bản ghi: evidence/la.pdf",
        "Kiểm tra toàn vẹn: 3 tệp được cơ sở dữ liệu tham chiếu; 1 bản ghi thiếu tệp, 0 tệp sai dung lượng, "
        "1 tệp sai tổng kiểm, 1 tệp không có bản ghi.",
    ]
