"""Plain inputs and outputs of the document generators.

The generators take these frozen, keyword-only dataclasses (filled by the scoring adapter from a stored
result snapshot) and return an :class:`ExportFile`. Nothing here imports Django: a generator is a pure
function of its input, so the same snapshot always gives the same document.

Numbers are ``Decimal`` and come from the engine's own result types (:class:`appraisal.engine.UnitResult`):
points as the engine computed them (up to 4 places), ``index`` unrounded and ``index_display`` the published
figure the engine rounded. The generators print these figures and never round.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from appraisal.engine.results import UnitResult

__all__ = [
    "AdjustmentCol",
    "Decision",
    "DecisionData",
    "ExportFile",
    "FieldCol",
    "GroupTable",
    "HeadRow",
    "Org",
    "Shortfall",
    "UnitDocData",
    "UnitLine",
    "stable_zip",
]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportFile:
    """A generated file: what a view wraps in a response and a command writes to disk."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class Org:
    """The issuing authority's letterhead and signer (organisation settings, never code).

    ``name`` is the issuer in capitals ('ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH'); a '\\n' in it forces the line
    break of the letterhead, otherwise it is split into two balanced lines. ``parent_name`` is the optional
    line above it (the governing body of a council or a department). ``signer_for`` is 'KT. CHỦ TỊCH' when
    a vice-chairman signs for the chairman and empty when the chairman signs.
    """

    name: str
    parent_name: str = ""
    place: str
    signer_name: str
    signer_title: str
    signer_for: str = "KT. CHỦ TỊCH"
    chairman_title: str = "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"
    # The symbol after the number ('519/QĐ-UBND'); also gives 'TB-UBND' and 'BC-UBND' for notices.
    decision_symbol: str = "QĐ-UBND"
    # Who issues the decision, as the annexes cite it: '(Kèm theo Quyết định số … của Chủ tịch UBND tỉnh)'.
    annex_issuer: str = "Chủ tịch UBND tỉnh"
    # The issuer's part of a notice's symbol ('HĐTĐ' gives 'TB-HĐTĐ'); empty: the decision's ('UBND').
    issuer_symbol: str = ""


def notice_org(org: Any) -> Org:
    """The letterhead and signer of the unit notices: the council's (or Sở Nội vụ's) own settings on the
    organisation, not the province's decision signer (SPEC §9; a notice is the council's letter)."""
    return Org(
        name=org.notice_issuer_name,
        parent_name=org.notice_parent_name,
        place=org.place,
        signer_name=org.notice_signer_name,
        signer_title=org.notice_signer_title,
        signer_for=org.notice_signer_for,
        chairman_title=org.chairman_title,
        issuer_symbol=org.notice_symbol,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """The decision's own data: number and date once approved, and its texts.

    ``number`` is the full number ('519/QĐ-UBND'); ``None`` leaves the blank a secretary fills by hand
    ('Số:      /QĐ-UBND'). ``effect_text`` and ``executors_text`` replace the default texts of Điều 4.
    """

    number: str | None
    date: dt.date | None
    draft: bool
    legal_bases: tuple[str, ...]
    proposal: str
    recipients: tuple[str, ...]
    effect_text: str | None = None
    executors_text: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldCol:
    """A field (lĩnh vực) column of a group's table: its code ('1') and title."""

    code: str
    title: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AdjustmentCol:
    """An adjustment group's column ('9.1' Điểm thưởng, max 3): ``method`` 'bonus' or 'penalty'; its cells
    hold the unit's points within the cap (a penalty as a positive deduction)."""

    code: str
    title: str
    method: str
    max_points: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitLine:
    """One unit's line in its group's annex: the engine's result itself (numbers, fields, adjustments, every
    rounded figure), with its line number and the band's label.

    ``result.fields`` follows the group's ``field_cols`` one to one; ``result.rank`` is set (a period's result).
    """

    stt: int
    result: UnitResult
    band_label: str

    @property
    def adjustment_points(self) -> tuple[Decimal, ...]:
        """The unit's points within each capped group, following the group's ``adjustment_cols``."""
        return tuple(a.points for a in self.result.adjustments if a.method is not None)


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupTable:
    """A group (khối) and its ranked units, in the order they are published.

    ``name`` reads inside a sentence ('các sở, ban, ngành'); ``title_noun`` is the capitalised tail of the
    annex title ('CỦA CÁC SỞ, BAN, NGÀNH').
    """

    code: str
    name: str
    title_noun: str
    field_cols: tuple[FieldCol, ...]
    rows: tuple[UnitLine, ...]
    adjustment_cols: tuple[AdjustmentCol, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class HeadRow:
    """A head of unit's rating line ('Hoàn thành xuất sắc nhiệm vụ')."""

    stt: int
    name: str
    title: str
    unit_name: str
    index_display: Decimal
    rating_label: str
    note: str = ""
    unit_code: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Shortfall:
    """An item on which a unit did not get full points, or got less than it claimed.

    ``lost`` is ``max_points - final_points``; ``self_points`` is ``None`` for survey items (not
    self-assessed). ``reason`` is the council's reason (or the survey's note).
    """

    item_code: str
    item_title: str
    field_code: str
    field_title: str
    max_points: Decimal
    self_points: Decimal | None
    final_points: Decimal
    lost: Decimal
    reason: str
    round1_points: Decimal | None = None  # the final-result notice shows every layer


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitDocData:
    """Input of a unit's appraisal notice or shortcomings report; ``date`` left ``None`` prints blanks."""

    unit_name: str
    unit_head_name: str
    year: int
    items: tuple[Shortfall, ...]
    date: dt.date | None = None
    # The end of the explanation window, local time (the notice names it); None: "trong thời hạn giải trình".
    explanation_due: dt.datetime | None = None
    # What the unit lost in all, when the items' losses do not simply add up (grouped bonus and penalty count
    # within their groups' caps, SPEC §10); None: the sum of the items' losses.
    total_lost: Decimal | None = None
    # The final-result notice (after round 2 and finalisation) states the unit's totals: None elsewhere.
    total_points: Decimal | None = None
    max_points: Decimal | None = None
    index_text: str = ""  # '86,35' in the period's decimals
    rank: int | None = None
    group_name: str = ""
    band_label: str = ""
    final: bool = False  # from the period's official (finalised) result


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionData:
    """Everything the approval decision, its annex workbook and the results CSV are built from.

    ``decimals`` is the period's rounding of published indices. ``snapshot_id`` names the result snapshot
    ('run 12 / sha256:ab12…') and is written into every file; ``generated_at`` is the snapshot's time and
    is used for the files' timestamps so that one snapshot always gives the same bytes.
    """

    org: Org
    year: int
    decimals: int
    decision: Decision
    groups: tuple[GroupTable, ...]
    heads: tuple[HeadRow, ...]
    snapshot_id: str
    generated_at: dt.datetime


def naive_utc(when: dt.datetime) -> dt.datetime:
    """Office core properties hold UTC without a zone; a naive value is taken as already UTC."""
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when.replace(microsecond=0)


_CORE_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def stable_zip(content: bytes, when: dt.datetime) -> bytes:
    """Repack an Office file so that its bytes depend only on its parts and ``when``.

    openpyxl stamps ``dcterms:modified`` with the time of saving and both libraries stamp every zip entry
    with the current time; pinning both to the snapshot's time makes a re-run byte-identical (SPEC §8).
    """
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    modified = naive_utc(when).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_MODIFIED.sub(rb"\g<1>" + modified + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, data)
    return out.getvalue()
