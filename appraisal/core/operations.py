"""Backup, restore and the integrity check of database and media together (docs/operations.md).

A backup is a folder: ``database.exactjson.gz`` (Django's ``dumpdata``, JSON with whole microseconds), ``media/`` (every file the database
refers to, under its storage name) and ``manifest.json`` (format, time, applied migrations, row counts per
model, and the SHA-256 and size of every file in the folder). Restore checks every sum before it touches
anything, refuses a database that is not empty or not at the same migrations, writes the files, then loads
the rows and checks the counts in one transaction.

Why Django's dumpdata/loaddata rather than django-dbbackup (pg_dump / the sqlite3 file):

- one format for SQLite (the demo, a small province) and PostgreSQL (production): a backup taken on one
  restores on the other, so a restore can be rehearsed on any laptop;
- the dump and the list of files are read inside one database snapshot (REPEATABLE READ on PostgreSQL, the
  write lock on SQLite); evidence files are content-addressed and never deleted, so every file the snapshot
  names is still there when it is copied: database and media agree without stopping the site;
- files are read and written through Django's storage, so the same commands serve a media folder and an
  S3-compatible bucket; no database client binaries are needed on the app server.

The cost is speed and size on very large databases (JSON is slower than pg_dump's binary format); at a
province's scale (a few hundred thousand rows) a backup takes seconds. Content types, permissions and sessions
are left out: ``migrate`` recreates the first two, and references to them are written by natural key.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from appraisal.core.exceptions import ServiceError

FORMAT = "parindex-backup/1"
DATABASE_FILE = "database.exactjson.gz"  # appraisal/core/serializers.py: JSON keeping microseconds
MANIFEST_FILE = "manifest.json"
MEDIA_DIR = "media"
EXCLUDED_MODELS = ("contenttypes.contenttype", "auth.permission", "sessions.session")
_CHUNK = 1024 * 1024


class OperationError(ServiceError):
    """A backup, restore or check that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    rows: int
    files: int
    bytes: int

    @property
    def summary(self) -> str:
        return (
            f"Đã sao lưu {self.rows} bản ghi và {self.files} tệp ({self.bytes} byte) vào {self.path}; "
            f"tổng kiểm SHA-256 trong {MANIFEST_FILE}."
        )


@dataclass(frozen=True)
class RestoreReport:
    rows: int
    files: int
    files_present: int

    @property
    def summary(self) -> str:
        kept = f" ({self.files_present} tệp đã có sẵn, giống hệt)" if self.files_present else ""
        return f"Đã khôi phục {self.rows} bản ghi và {self.files} tệp{kept}."


@dataclass
class IntegrityReport:
    referenced: int = 0
    missing: list[str] = field(default_factory=list)  # "<row label>: <storage name>"
    wrong_size: list[str] = field(default_factory=list)
    wrong_hash: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.wrong_size or self.wrong_hash or self.orphans)

    @property
    def summary(self) -> str:
        return (
            f"Kiểm tra toàn vẹn: {self.referenced} tệp được cơ sở dữ liệu tham chiếu; "
            f"{len(self.missing)} bản ghi thiếu tệp, {len(self.wrong_size)} tệp sai dung lượng, "
            f"{len(self.wrong_hash)} tệp sai tổng kiểm, {len(self.orphans)} tệp không có bản ghi."
        )


# -- shared pieces ------------------------------------------------------------------------------------------


def _sha256_of(stream: Any) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _file_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                yield model, f


def _referenced_files() -> dict[str, str]:
    """Storage name → label of the row that refers to it, for every file field of every model."""
    names: dict[str, str] = {}
    for model, f in _file_fields():
        for pk, name in model._base_manager.exclude(**{f.name: ""}).values_list("pk", f.name).iterator():
            names.setdefault(name, f"{model._meta.label} #{pk}")
    return names


def _dumped_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.label_lower not in EXCLUDED_MODELS and not m._meta.proxy
    ]


def _row_counts() -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.count() for m in _dumped_models()}


def _applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def _storage_walk(path: str = "") -> Iterator[str]:
    try:
        directories, files = default_storage.listdir(path)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{path}/{name}" if path else name
    for directory in directories:
        yield from _storage_walk(f"{path}/{directory}" if path else directory)


# -- backup -------------------------------------------------------------------------------------------------


def backup_create(*, output: Path) -> BackupReport:
    """Write a consistent backup of the database and every file it refers to into ``output`` (new or
    empty), with a manifest of SHA-256 sums."""
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        raise OperationError(f"Thư mục {output} đã có dữ liệu: hãy chọn một thư mục mới cho mỗi bản sao lưu.")
    output.mkdir(parents=True, exist_ok=True)
    database = output / DATABASE_FILE
    connection.ensure_connection()
    outer = connection.in_atomic_block  # a caller's transaction (a test's) already fixes the snapshot
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            # One snapshot for the dump, the counts and the file list, while the site keeps running.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        call_command(
            "dumpdata",
            format="exactjson",
            exclude=list(EXCLUDED_MODELS),
            natural_foreign=True,
            use_base_manager=True,
            output=str(database),
            verbosity=0,
        )
        rows = _row_counts()
        referenced = _referenced_files()
        migrations = _applied_migrations()

    sums: dict[str, dict[str, Any]] = {}
    sha, size = _sha256_of(database.open("rb"))
    sums[DATABASE_FILE] = {"sha256": sha, "size": size}
    for name in sorted(referenced):
        target = output / MEDIA_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            source = default_storage.open(name, "rb")
        except FileNotFoundError:
            raise OperationError(
                f"Tệp {name} ({referenced[name]}) không có trong kho tệp: hãy chạy check_integrity "
                "và xử lý trước khi sao lưu."
            ) from None
        with source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy, _CHUNK)
        sha, size = _sha256_of(target.open("rb"))
        sums[f"{MEDIA_DIR}/{name}"] = {"sha256": sha, "size": size}

    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database_vendor": connection.vendor,
        "migrations": migrations,
        "rows": rows,
        "files": sums,
    }
    (output / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return BackupReport(
        path=output,
        rows=sum(rows.values()),
        files=len(referenced),
        bytes=sum(int(entry["size"]) for entry in sums.values()),
    )


# -- restore ------------------------------------------------------------------------------------------------


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST_FILE
    if not path.is_file():
        raise OperationError(
            f"Không thấy {MANIFEST_FILE} trong {folder}: đây không phải bản sao lưu ParIndex."
        )
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        raise OperationError(f"{path} hỏng (không đọc được JSON).") from None
    if manifest.get("format") != FORMAT:
        raise OperationError(f"{path}: định dạng «{manifest.get('format')}» không phải {FORMAT}.")
    return manifest


def backup_verify(*, folder: Path) -> dict[str, Any]:
    """Check every file of a backup against its manifest (present, size, SHA-256) and that the folder holds
    nothing the manifest does not list; return the manifest."""
    folder = Path(folder)
    manifest = _read_manifest(folder)
    problems = []
    for name, expected in sorted(manifest["files"].items()):
        path = folder / name
        if not path.is_file():
            problems.append(f"thiếu {name}")
            continue
        sha, size = _sha256_of(path.open("rb"))
        if (sha, size) != (expected["sha256"], expected["size"]):
            problems.append(f"{name} không khớp tổng kiểm SHA-256")
    listed = set(manifest["files"]) | {MANIFEST_FILE}
    extra = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).as_posix() not in listed
    )
    problems.extend(f"tệp lạ {name}" for name in extra)
    if problems:
        raise OperationError(f"Bản sao lưu {folder} không nguyên vẹn: " + "; ".join(problems) + ".")
    return manifest


def restore_run(*, folder: Path) -> RestoreReport:
    """Restore a backup into an empty database at the same migrations: files first (content-addressed, so a
    repeated run is harmless), then every row in one transaction, checked against the manifest's counts."""
    folder = Path(folder)
    manifest = backup_verify(folder=folder)
    applied = _applied_migrations()
    if applied != manifest["migrations"]:
        missing = sorted(set(manifest["migrations"]) - set(applied))
        newer = sorted(set(applied) - set(manifest["migrations"]))
        raise OperationError(
            "Cơ sở dữ liệu đích không ở cùng phiên bản với bản sao lưu "
            f"(thiếu migration: {', '.join(missing) or 'không'}; thừa: {', '.join(newer) or 'không'}). "
            "Hãy khôi phục bằng đúng phiên bản ParIndex đã tạo bản sao lưu, rồi mới nâng cấp (migrate)."
        )
    not_empty = sorted(label for label, n in _row_counts().items() if n)
    if not_empty:
        raise OperationError(
            "Cơ sở dữ liệu đích đã có dữ liệu ("
            + ", ".join(not_empty[:5])
            + "): chỉ khôi phục vào một cơ sở "
            "dữ liệu mới, đã chạy migrate và chưa có bản ghi nào."
        )

    media = sorted(name for name in manifest["files"] if name.startswith(f"{MEDIA_DIR}/"))
    present = 0
    for name in media:
        storage_name = name[len(MEDIA_DIR) + 1 :]
        expected = manifest["files"][name]
        if default_storage.exists(storage_name):
            with default_storage.open(storage_name, "rb") as existing:
                if _sha256_of(existing) == (expected["sha256"], expected["size"]):
                    present += 1
                    continue
            raise OperationError(
                f"Kho tệp đã có {storage_name} với nội dung khác bản sao lưu: hãy khôi phục vào kho tệp trống."
            )
        with (folder / name).open("rb") as source:
            saved = default_storage.save(storage_name, File(source))
        if saved != storage_name:
            raise OperationError(f"Kho tệp lưu {storage_name} dưới tên khác ({saved}): dừng khôi phục.")

    with transaction.atomic():
        call_command("loaddata", str(folder / DATABASE_FILE), verbosity=0)
        counts = _row_counts()
        differ = sorted(
            f"{label}: {counts.get(label, 0)} thay vì {n}"
            for label, n in manifest["rows"].items()
            if counts.get(label, 0) != n
        )
        if differ:
            raise OperationError("Số bản ghi sau khi nạp không khớp bản sao lưu: " + "; ".join(differ) + ".")
    return RestoreReport(rows=sum(manifest["rows"].values()), files=len(media), files_present=present)


# -- integrity ----------------------------------------------------------------------------------------------


def _recorded_sums() -> dict[str, tuple[int, str]]:
    """Storage name → (size, SHA-256) for rows that record them beside their file (the evidence store,
    ``StoredFile``), found by field names so that core imports no app."""
    recorded: dict[str, tuple[int, str]] = {}
    for model, f in _file_fields():
        names = {x.name for x in model._meta.concrete_fields}
        if {"size", "sha256"} <= names:
            for name, size, sha in model._base_manager.values_list(f.name, "size", "sha256").iterator():
                recorded[name] = (size, sha)
    return recorded


def integrity_check(*, hashes: bool = False) -> IntegrityReport:
    """Rows whose file is missing (or of another size, or with ``hashes`` another SHA-256 than recorded) and
    files in the media storage that no row refers to."""
    report = IntegrityReport()
    referenced = _referenced_files()
    report.referenced = len(referenced)
    recorded = _recorded_sums()
    for name, label in sorted(referenced.items()):
        if not default_storage.exists(name):
            report.missing.append(f"{label}: {name}")
            continue
        if name not in recorded:
            continue
        size, sha = recorded[name]
        if default_storage.size(name) != size:
            report.wrong_size.append(f"{label}: {name}")
        elif hashes:
            with default_storage.open(name, "rb") as content:
                if _sha256_of(content)[0] != sha:
                    report.wrong_hash.append(f"{label}: {name}")
    report.orphans = sorted(name for name in _storage_walk() if name not in referenced)
    return report
