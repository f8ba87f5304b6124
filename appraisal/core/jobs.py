"""Big imports off the request, for the apps below ``scoring`` (issue 13, build item 7).

The background jobs (model, task, progress page) live in ``scoring``, the highest app; ``registry`` and
``council`` may not import it (imports flow one way). They ask this port instead: ``scoring`` registers its
starter when the app is ready, and an import page hands a file of more than :func:`rows_in_request` rows to
it, then sends the person to the job's progress page. Smaller files are imported in the request, as before:
the answer (the page with every refused row) is then immediate.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from typing import Any

from django.conf import settings

# (what, period, by, file_name, content, params) -> URL of the job's progress page
Starter = Callable[..., str]
_starter: list[Starter] = []


def import_starter_register(starter: Starter) -> None:
    """Called once by ``scoring`` when the apps are ready."""
    _starter[:] = [starter]


def rows_in_request() -> int:
    """Files with more data rows than this are imported as a background job (PARINDEX_IMPORT_ROWS_IN_REQUEST,
    2,000 by default: about two seconds of import on the 2-core server, see docs/performance.md)."""
    return int(getattr(settings, "IMPORT_ROWS_IN_REQUEST", 2000))


def rows_in_file(file_name: str, content: bytes) -> int:
    """The number of rows of an .xlsx (its largest sheet, from the sheet's dimension, without reading the
    cells) or a .csv file; 0 when it cannot tell (the import itself then reports what is wrong)."""
    if file_name.lower().endswith(".csv"):
        return max(0, sum(1 for _ in csv.reader(io.StringIO(content.decode("utf-8-sig", "replace")))) - 1)
    if not zipfile.is_zipfile(io.BytesIO(content)):
        return 0
    import openpyxl  # loaded only for an upload

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    except Exception:  # noqa: BLE001 — a broken file is the import's to report, row by row
        return 0
    try:
        return max((sheet.max_row or 0) for sheet in workbook.worksheets) - 1
    finally:
        workbook.close()


def import_in_background(
    *, what: str, period: Any, by: Any, file_name: str, content: bytes, params: dict[str, Any] | None = None
) -> str | None:
    """Hand a big file to the background jobs and return the progress page's URL; None when the file is
    small enough for the request (or there is no period yet to file the job under, or no starter is
    registered) and the caller imports it itself."""
    if not _starter or period is None or rows_in_file(file_name, content) <= rows_in_request():
        return None
    return _starter[0](
        what=what, period=period, by=by, file_name=file_name, content=content, params=params or {}
    )
