"""Evidence files (tài liệu kiểm chứng): checking an upload by its content and storing it once per SHA-256.

The type of a file is read from its bytes with the ``filetype`` library, never from its name: an HTML page or
a program renamed ``.pdf`` is refused. Accepted: PDF, Word (.doc, .docx), Excel (.xls, .xlsx), JPEG, PNG, ZIP.
A file is also stored and served under the extension of its detected type, and a name whose extension says
another type (a PDF named ``bao-cao.html``, a PNG/SVG polyglot named ``anh.svg``, a ZIP named ``setup.exe``) is
refused: a browser, a mail client or a colleague's desktop trusts the name, not our check.
Identical content is stored once (``StoredFile`` keyed by SHA-256) however many times and names it arrives
under; the name the person gave is kept, cleaned, on the evidence row.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from appraisal.core.exceptions import ServiceError

from .models import StoredFile

__all__ = [
    "ACCEPTED_HELP",
    "CheckedUpload",
    "UploadError",
    "check_upload",
    "clean_filename",
    "format_size",
    "served_name",
    "stored_file_for",
]

ACCEPTED_HELP = "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), ảnh JPEG/PNG hoặc tệp nén ZIP"

# Detected MIME type → (label, the extensions a name of that type may end with; the first is the one we store
# and serve under).
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "application/pdf": ("PDF", ("pdf",)),
    "application/msword": ("Word (.doc)", ("doc",)),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("Word (.docx)", ("docx",)),
    "application/vnd.ms-excel": ("Excel (.xls)", ("xls",)),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("Excel (.xlsx)", ("xlsx",)),
    "image/jpeg": ("ảnh JPEG", ("jpg", "jpeg", "jpe", "jfif")),
    "image/png": ("ảnh PNG", ("png",)),
    "application/zip": ("tệp nén ZIP", ("zip",)),
}
ACCEPTED: dict[str, str] = {mime: extensions[0] for mime, (_label, extensions) in KINDS.items()}

# Extensions that name a file type. A name ending in one of these that is not the detected type's contradicts
# the content and is refused; any other ending ("Kế hoạch v1.5", "Báo cáo 2023.final") is part of the name and
# the detected extension is added. Python's built-in table (not the system's /etc/mime.types, so the answer is
# the same on every machine), filetype's, and program or script endings that neither lists.
_KNOWN_EXTENSIONS = frozenset(
    {ext.lstrip(".").lower() for ext in mimetypes.MimeTypes().types_map[True]}
    | {kind.extension.lower() for kind in filetype.TYPES}
    | {"exe", "msi", "com", "scr", "bat", "cmd", "ps1", "vbs", "vbe", "jse", "wsf", "hta", "lnk", "jar"}
    | {"apk", "dll", "sys", "cpl", "reg", "php", "phtml", "asp", "aspx", "jsp", "svgz", "xhtml", "shtml"}
)

# Old Office files are OLE2 containers; filetype names only some of them, so a .doc/.xls whose bytes are an
# OLE2 container is taken as what its name says (its content is still an Office container, not a program).
_OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")
_OLE2_BY_EXTENSION = {"doc": "application/msword", "xls": "application/vnd.ms-excel"}

_EXECUTABLES = {
    "application/x-msdownload": "chương trình Windows (.exe)",
    "application/x-executable": "chương trình Linux (ELF)",
    "application/x-sharedlib": "thư viện chương trình",
    "application/x-mach-binary": "chương trình macOS",
    "application/wasm": "chương trình WebAssembly",
    "application/x-shockwave-flash": "tệp Flash",
    "application/x-deb": "gói cài đặt",
    "application/x-rpm": "gói cài đặt",
    "application/x-google-chrome-extension": "tiện ích trình duyệt",
}

_WINDOWS_RESERVED = re.compile(r'[<>:"|?*]')


class UploadError(ServiceError):
    """An upload refused before anything is stored; the message says what to do instead. It is about the file
    (a page shows it beside the file field)."""

    def __init__(self, message: str, *, field: str | None = "file") -> None:
        super().__init__(message, field=field)


@dataclass(frozen=True)
class CheckedUpload:
    file: UploadedFile
    name: str  # cleaned original name, Vietnamese kept
    content_type: str
    extension: str
    size: int
    sha256: str


def format_size(size: int) -> str:
    """Bytes as Vietnamese officials read them: '20 MB', '1,5 MB', '350 KB'."""
    if size >= 1024 * 1024:
        text = f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") + " MB"
    if size >= 1024:
        return f"{(size + 1023) // 1024} KB"
    return f"{size} byte"


def clean_filename(raw: str, fallback_extension: str = "") -> str:
    """The last path component of ``raw``, in NFC, without control or reserved characters.

    '../../etc/passwd' → 'passwd'; '..\\Báo cáo CCHC.pdf' → 'Báo cáo CCHC.pdf' (Vietnamese kept).
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _WINDOWS_RESERVED.sub("_", name)
    name = " ".join(name.split()).strip(". ")
    if not name:
        name = "tai-lieu" + (f".{fallback_extension}" if fallback_extension else "")
    if len(name) > 200:
        stem, extension = os.path.splitext(name)
        name = stem[: 200 - len(extension)] + extension
    return name


def served_name(name: str, content_type: str) -> str:
    """``name`` ending in the canonical extension of ``content_type``, the type detected from the bytes.

    'anh.JPEG' → 'anh.jpg'; 'Kế hoạch v1.5' → 'Kế hoạch v1.5.pdf'. A known extension of another type is
    replaced ('bao-cao.html' → 'bao-cao.pdf'): uploads refuse such names, but rows stored before that rule are
    still served under their true type."""
    if content_type not in KINDS:
        return name
    canonical = ACCEPTED[content_type]
    stem, extension = os.path.splitext(name)
    if extension.lstrip(".").lower() in _KNOWN_EXTENSIONS and stem:
        return f"{stem}.{canonical}"
    return f"{name}.{canonical}"


def _head(uploaded: UploadedFile, size: int = 8192) -> bytes:
    uploaded.seek(0)
    data = uploaded.read(size)
    uploaded.seek(0)
    return data


def check_upload(uploaded: UploadedFile) -> CheckedUpload:
    """Check an uploaded file's size and content type; raise UploadError with a Vietnamese message."""
    shown = clean_filename(uploaded.name or "")
    limit = settings.EVIDENCE_MAX_BYTES
    size = uploaded.size or 0
    if size == 0:
        raise UploadError(f"Tệp «{shown}» rỗng (0 byte): hãy chọn lại đúng tệp có nội dung.")
    if size > limit:
        raise UploadError(
            f"Tệp «{shown}» có dung lượng {format_size(size)}, vượt giới hạn {format_size(limit)}. "
            "Hãy nén hoặc chia nhỏ tệp rồi tải lên lại."
        )
    head = _head(uploaded)
    kind = filetype.guess(head)
    name_extension = os.path.splitext(shown)[1].lower().lstrip(".")
    mime = kind.mime if kind is not None else None
    if mime is None and head.startswith(_OLE2) and name_extension in _OLE2_BY_EXTENSION:
        mime = _OLE2_BY_EXTENSION[name_extension]
    if mime in _EXECUTABLES:
        raise UploadError(
            f"Tệp «{shown}» thực chất là {_EXECUTABLES[mime]}, không phải tài liệu: không được tải lên. "
            f"Chỉ nhận {ACCEPTED_HELP}."
        )
    if mime is None:
        raise UploadError(
            f"Không nhận dạng được nội dung tệp «{shown}» là {ACCEPTED_HELP} (hệ thống kiểm tra nội dung tệp, "
            "không dựa vào tên tệp; trang web HTML hay văn bản thuần không được nhận). "
            "Hãy lưu tài liệu sang PDF rồi tải lên lại."
        )
    if mime not in ACCEPTED:
        raise UploadError(
            f"Tệp «{shown}» là loại {kind.extension.upper() if kind else mime}, không được nhận. "
            f"Chỉ nhận {ACCEPTED_HELP}."
        )
    label, extensions = KINDS[mime]
    if name_extension in _KNOWN_EXTENSIONS and name_extension not in extensions:
        raise UploadError(
            f"Tệp «{shown}» có đuôi .{name_extension} nhưng nội dung là {label}: tên tệp không khớp với nội "
            f"dung nên không được nhận. Nếu đúng là {label}, hãy đổi tên thành "
            f"«{served_name(shown, mime)}» rồi tải lên lại."
        )
    extension = ACCEPTED[mime]
    shown = served_name(shown, mime)
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedUpload(
        file=uploaded,
        name=shown,
        content_type=mime,
        extension=extension,
        size=size,
        sha256=digest.hexdigest(),
    )


def stored_file_for(checked: CheckedUpload) -> StoredFile:
    """The StoredFile holding ``checked``'s bytes: the existing one for the same SHA-256, else a new one.

    Two people uploading the same file at once both end with the one row: the loser of the unique-key race
    drops its copy and takes the winner's."""
    existing = StoredFile.objects.filter(sha256=checked.sha256).first()
    if existing is not None:
        return existing
    stored = StoredFile(sha256=checked.sha256, size=checked.size, content_type=checked.content_type)
    # The storage name is the hash: nothing a person typed ever reaches the file system.
    stored.file.save(f"{checked.sha256}.{checked.extension}", checked.file, save=False)
    try:
        with transaction.atomic():
            stored.save()
    except IntegrityError:
        stored.file.delete(save=False)
        return StoredFile.objects.get(sha256=checked.sha256)
    return stored
