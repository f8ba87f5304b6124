"""Write side of the self-assessment (SPEC §5): item saves, evidence, submission workflow, offline workbook.

Every function checks who is acting and whether the self-assessment phase is open for the unit, then writes
in one transaction. Layer values always go through :func:`layers.entry_record_layer` (engine normalisation,
version compare-and-set, history row); state changes go through
:func:`workflow.assessment_transition`, the one owner of an assessment's state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from appraisal.core import roles
from appraisal.core.dates import fmt_local
from appraisal.core.exceptions import ConcurrencyError, PhaseError, ServiceError
from appraisal.core.numbers import format_input
from appraisal.core.workflow import check_transition
from appraisal.engine import InputError
from appraisal.registry.models import PHASE_ORDER, Method, Period, PeriodEventKind, Phase, Unit
from appraisal.registry.phases import period_event_log, period_require_open, phase_deadline
from appraisal.registry.selectors import secretariat_require, unit_role_require

from . import excel, selectors
from .evidence import check_upload, stored_file_for
from .layers import assessment_get_or_create, entry_points_for, entry_record_layer
from .models import (
    ASSESSMENT_TRANSITIONS,
    EDITABLE_BY_UNIT,
    Assessment,
    AssessmentState,
    Evidence,
    EvidenceKind,
    EvidenceLink,
    EvidenceVersion,
    ItemEntry,
    ItemHistory,
    Layer,
)
from .workflow import assessment_locked, assessment_transition

S = AssessmentState


class IncompleteError(ServiceError):
    """Submission refused: ``missing`` lists every item still to complete."""

    def __init__(self, message: str, missing: list[selectors.Missing]) -> None:
        super().__init__(message)
        self.missing = missing


class EntryConflict(ConcurrencyError):
    """Someone saved the item since the person loaded it: both values are carried for the conflict view (the
    self-assessment's input and note, the unit's explanation text)."""

    def __init__(
        self, message: str, *, current: ItemEntry, last: ItemHistory | None, mine: str, my_note: str = ""
    ):
        super().__init__(message)
        self.current = current
        self.last = last
        self.mine = mine
        self.my_note = my_note


class WorkbookRejected(ServiceError):
    """An offline workbook refused whole: ``problems`` lists every problem with its row."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


# -- guards -----------------------------------------------------------------------------------------------


def _check_self_phase(assessment: Assessment) -> None:
    refusal = selectors.self_phase_refusal(assessment)
    if refusal:
        raise PhaseError(refusal)


def assessment_check_editable(*, assessment: Assessment, by: Any) -> None:
    """The unit's people may change entries and evidence only in draft/returned, while the phase is open."""
    unit_role_require(by, assessment.unit, assessment.period, "Bạn chỉ có quyền xem bản tự đánh giá này.")
    if assessment.state not in EDITABLE_BY_UNIT:
        raise ServiceError(selectors.assessment_edit_refusal(by, assessment))
    _check_self_phase(assessment)


# -- opening ----------------------------------------------------------------------------------------------


def assessment_start(*, period: Period, unit: Unit, by: Any) -> Assessment:
    """Create the unit's assessment for the period with an entry per applicable leaf (or return the one that
    exists), on an explicit request: the unit's people once the self-assessment is open, the secretariat
    afterwards for a unit that never started (:func:`selectors.assessment_start_info`). Never before the
    self-assessment opens: the period's index sets stay replaceable until then (SPEC §3a)."""
    start = selectors.assessment_start_info(by, period=period, unit=unit)
    if not start.allowed:
        if roles.is_secretariat(by):  # a secretariat of other periods only: its role does not apply here
            secretariat_require(by, period, selectors.SECRETARIAT_ACTIONS["start"])
        unit_role_require(
            by, unit, period, "Chỉ người của đơn vị hoặc Tổ thư ký được bắt đầu bản tự đánh giá."
        )
    existing = Assessment.objects.filter(period=period, unit=unit).first()
    if existing is not None:
        return existing
    if start.refusal:
        raise PhaseError(start.refusal)
    return assessment_get_or_create(period=period, unit=unit)


# -- item saves -------------------------------------------------------------------------------------------


def entry_save_self(
    *,
    entry: ItemEntry,
    value: str,
    note: str,
    expected_version: int,
    by: Any,
    source: str = "web",
    assessment_locked: bool = False,
) -> ItemEntry:
    """Save the unit's own input and note on one item (the engine derives the points).

    ``expected_version`` is the version the person's page was showing, always required (SPEC §5: never a
    silent overwrite): if anyone saved in between, raise EntryConflict with both values, unless the stored
    value is already exactly what the person typed.

    The entry and its assessment are read once, the assessment's row locked so that a concurrent submission
    cannot slip between the state check and the write: here, or, with ``assessment_locked``, by the caller in
    its open transaction (the autosave reads them with :func:`selectors.entry_get_for_save`)."""
    note = (note or "").strip()
    value = (value or "").strip()
    # No savepoint inside the autosave's own transaction: it is the unit of work (issue 14's query budget).
    with transaction.atomic(savepoint=not assessment_locked):
        if not assessment_locked:
            entry = (
                ItemEntry.objects.select_related("node", "assessment__period", "assessment__unit")
                .select_for_update(of=("assessment",), no_key=True)
                .get(pk=entry.pk)
            )
        assessment = entry.assessment
        assessment_check_editable(assessment=assessment, by=by)
        if entry.node.method == Method.SURVEY:
            raise ServiceError(
                f"Mục {entry.node.code} {selectors.SURVEY_TEXT.lower()}: đơn vị không tự chấm mục này."
            )
        try:
            return entry_record_layer(
                entry=entry,
                layer=Layer.SELF,
                value=value,
                note=note,
                by=by,
                source=source,
                expected_version=expected_version,
            )
        except ConcurrencyError:
            # Raised after the layer's block ended cleanly: the transaction still reads.
            current = ItemEntry.objects.select_related("node").get(pk=entry.pk)
            current.assessment = assessment
            canonical = entry_points_for(entry.node, value, assessment.period)[0] if value else ""
            if current.self_value == canonical and current.self_note == note:
                return current  # the same thing was saved already: nothing to choose between
            last, saved = selectors.entry_last_change(current, Layer.SELF)
            raise EntryConflict(
                f"Mục {entry.node.code} vừa được {saved} với giá trị "
                f"«{format_input(current.self_value) or 'trống'}»; giá trị của bạn: «{format_input(value) or 'trống'}».",
                current=current,
                last=last,
                mine=value,
                my_note=note,
            ) from None


# -- workflow ---------------------------------------------------------------------------------------------


def assessment_submit(*, assessment: Assessment, by: Any) -> Assessment:
    """Chốt: only the unit head, before the deadline, when every appraised leaf has an input and every
    claimed point has evidence or a written explanation (SPEC §5, completeness)."""
    unit_role_require(
        by,
        assessment.unit,
        assessment.period,
        "Chỉ lãnh đạo đơn vị mới được chốt bản tự đánh giá; hãy đề nghị lãnh đạo đơn vị chốt.",
        head=True,
        error=ServiceError,
    )
    check_transition(ASSESSMENT_TRANSITIONS, assessment.state, S.SUBMITTED, AssessmentState)
    _check_self_phase(assessment)
    missing = selectors.assessment_missing(assessment)
    if missing:
        raise IncompleteError(
            f"Chưa chốt được: còn {len(missing)} mục cần hoàn thiện (xem danh sách bên dưới).", missing
        )
    return assessment_transition(
        assessment=assessment, to=S.SUBMITTED, by=by, submitted_at=timezone.now(), submitted_by=by
    )


def assessment_withdraw(*, assessment: Assessment, by: Any) -> Assessment:
    """Rút lại a submission back to draft: the unit's editor or head, until the deadline (or extension) and
    only while the self-assessment phase lasts (not once appraisal has started)."""
    unit_role_require(
        by, assessment.unit, assessment.period, "Bạn không có quyền rút lại bản tự đánh giá này."
    )
    if assessment.state != S.SUBMITTED:
        raise ServiceError(
            "Chỉ rút lại được bản đã chốt; bản này đang ở trạng thái «{s}».".format(
                s=AssessmentState(assessment.state).label
            )
        )
    if assessment.entries.exclude(round1_value="").exists():
        raise ServiceError(
            "Hội đồng đã bắt đầu thẩm định vòng 1 bản tự đánh giá này: không rút lại được nữa. "
            "Nếu cần bổ sung, hãy liên hệ Tổ thư ký."
        )
    _check_self_phase(assessment)
    return assessment_transition(
        assessment=assessment,
        to=S.DRAFT,
        by=by,
        reason="Đơn vị rút lại để chỉnh sửa",
        submitted_at=None,
        submitted_by=None,
    )


def assessment_return(*, assessment: Assessment, reason: str, by: Any) -> Assessment:
    """Trả lại: the secretariat sends a submission back for additions, with the reason the unit will read."""
    secretariat_require(by, assessment.period, selectors.SECRETARIAT_ACTIONS["return"])
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Hãy ghi lý do trả lại để đơn vị biết cần bổ sung gì.")
    if assessment.period.phase not in (Phase.SELF_ASSESSMENT, Phase.APPRAISAL):
        raise PhaseError(
            "Kỳ đánh giá đang ở giai đoạn «{p}»: không trả lại bản tự đánh giá được nữa.".format(
                p=Phase(assessment.period.phase).label
            )
        )
    if assessment.state != S.SUBMITTED:
        raise ServiceError(
            "Chỉ trả lại được bản đã chốt; bản này đang ở trạng thái «{s}».".format(
                s=AssessmentState(assessment.state).label
            )
        )
    return assessment_transition(
        assessment=assessment, to=S.RETURNED, by=by, reason=reason, returned_reason=reason
    )


def assessment_grant_extension(
    *, assessment: Assessment, until: datetime, reason: str, by: Any, now: datetime | None = None
) -> Assessment:
    """Gia hạn riêng (SPEC §3a): the secretariat gives one unit more time for the step it is at, with a reason.

    - A unit still drafting (or returned, or closed as «không nộp») gets its self-assessment kept open until
      ``until``, even after the period moved on; a «không nộp» unit goes back to drafting.
    - A unit whose notice was issued and that has not yet sent or waived its explanation gets its explanation
      kept open until ``until``.
    Anything else cannot take effect and is refused with the reason, never reported as done. Each grant is kept
    in the period's history (who, when, until, why)."""
    secretariat_require(by, assessment.period, selectors.SECRETARIAT_ACTIONS["extend"])
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Hãy ghi lý do gia hạn.", field="reason")
    now = now or timezone.now()
    if until <= now:
        raise ServiceError("Thời hạn gia hạn phải ở tương lai.", field="until")
    with transaction.atomic():
        current = assessment_locked(pk=assessment.pk)
        period = current.period
        period_require_open(period)
        if current.state in (S.DRAFT, S.RETURNED, S.NOT_SUBMITTED):
            if period.phase_index() < PHASE_ORDER.index(Phase.SELF_ASSESSMENT):
                raise PhaseError(
                    "Giai đoạn Tự đánh giá chưa mở: hãy đặt thời hạn chung của giai đoạn thay vì gia hạn riêng."
                )
            common = phase_deadline(period=period, phase=Phase.SELF_ASSESSMENT).due_at
            if common is not None and until <= common:
                raise ServiceError(
                    "Thời hạn gia hạn phải sau hạn chót chung {due}.".format(due=fmt_local(common)),
                    field="until",
                )
            what = "tự đánh giá"
            fields: dict[str, Any] = {"extension_until": until}
            if current.state == S.NOT_SUBMITTED:
                assessment_transition(
                    assessment=current,
                    to=S.DRAFT,
                    by=by,
                    reason=f"Gia hạn tự đánh giá đến {fmt_local(until)}: {reason}",
                    not_submitted_reason="",
                )
        elif current.state == S.APPRAISED and current.notice_issued_at is not None:
            if current.explanation_waived_at is not None:
                raise ServiceError(
                    f"{current.unit.name} đã chọn không giải trình: không cần gia hạn giải trình."
                )
            what = "giải trình"
            fields = {"explanation_until": until}
        else:
            raise ServiceError(
                "{unit} đang ở trạng thái «{state}»: không có bước nào của đơn vị để gia hạn "
                "(chỉ gia hạn được khi đơn vị đang tự đánh giá, hoặc đang trong thời gian giải trình).".format(
                    unit=current.unit.name, state=AssessmentState(current.state).label
                )
            )
        Assessment.objects.filter(pk=current.pk).update(
            extension_reason=reason, extension_by=by, extension_at=now, updated_at=now, **fields
        )
        period_event_log(
            period=period,
            kind=PeriodEventKind.EXTENSION,
            unit=current.unit,
            by=by,
            reason=reason,
            detail=f"Gia hạn {what} cho {current.unit.name} đến {fmt_local(until)}",
        )
    assessment.refresh_from_db()
    return assessment


def assessment_extension_kind(assessment: Assessment) -> str:
    """Which step an extension would keep open for this unit now: 'self', 'explanation' or ''."""
    if assessment.state in (S.DRAFT, S.RETURNED, S.NOT_SUBMITTED):
        return "self"
    if (
        assessment.state == S.APPRAISED
        and assessment.notice_issued_at is not None
        and assessment.explanation_waived_at is None
    ):
        return "explanation"
    return ""


def assessment_close_not_submitted(
    *, assessment: Assessment, reason: str, by: Any, now: datetime | None = None
) -> Assessment:
    """Đóng «không nộp» (SPEC §3a): at the deadline the secretariat closes a unit that never submitted, with a
    reason. The council then appraises what is there (missing inputs score 0), so the unit still receives an
    index, a rank and its row in the decision. Refused while the unit's own deadline (or extension) runs."""
    secretariat_require(by, assessment.period, selectors.SECRETARIAT_ACTIONS["close_not_submitted"])
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Hãy ghi lý do đóng «không nộp» (ví dụ: quá hạn chót, đã nhắc 3 lần).")
    with transaction.atomic():
        current = assessment_locked(pk=assessment.pk)
        period_require_open(current.period)
        if current.state not in (S.DRAFT, S.RETURNED):
            raise ServiceError(
                "Chỉ đóng «không nộp» được bản chưa chốt; bản này đang ở trạng thái «{s}».".format(
                    s=AssessmentState(current.state).label
                )
            )
        if current.period.phase_index() < PHASE_ORDER.index(Phase.SELF_ASSESSMENT):
            raise PhaseError("Giai đoạn Tự đánh giá chưa mở.")
        if not selectors.self_phase_refusal(current, now=now):
            deadline = selectors.assessment_deadline(current).deadline
            due = f" (hạn chót {fmt_local(deadline.due_at)})" if deadline.due_at else ""
            raise PhaseError(
                f"{current.unit.name} vẫn còn trong thời hạn tự đánh giá{due}: chỉ đóng «không nộp» được sau "
                "hạn chót."
            )
        assessment_transition(
            assessment=current, to=S.NOT_SUBMITTED, by=by, reason=reason, not_submitted_reason=reason
        )
        period_event_log(
            period=current.period,
            kind=PeriodEventKind.NOT_SUBMITTED,
            unit=current.unit,
            by=by,
            reason=reason,
            detail=f"Đóng «không nộp» bản tự đánh giá của {current.unit.name}",
        )
    assessment.refresh_from_db()
    return assessment


# -- evidence ---------------------------------------------------------------------------------------------


def evidence_store_upload(*, unit: Unit, uploaded: UploadedFile, title: str = "", by: Any) -> Evidence:
    """Check an upload and add it to the unit's library (no phase check: callers check their own phase;
    the council's explanation step uses this too)."""
    checked = check_upload(uploaded)
    with transaction.atomic():
        stored = stored_file_for(checked)
        return Evidence.objects.create(
            unit=unit,
            kind=EvidenceKind.FILE,
            title=(title or "").strip()[:255] or checked.name,
            file=stored,
            original_name=checked.name,
            created_by=by,
        )


def evidence_store_document(
    *, unit: Unit, doc_number: str, doc_date: date, doc_summary: str, title: str = "", by: Any
) -> Evidence:
    """Add a reference to an issued document (số/ký hiệu, ngày ban hành, trích yếu) to the unit's library."""
    doc_number, doc_summary = (doc_number or "").strip(), (doc_summary or "").strip()
    if not doc_number:
        raise ServiceError("Hãy nhập số/ký hiệu văn bản, ví dụ 125/KH-SKHCN.", field="doc_number")
    if not doc_summary:
        raise ServiceError("Hãy nhập trích yếu nội dung văn bản.", field="doc_summary")
    if doc_date > timezone.localdate():
        raise ServiceError("Ngày ban hành không được sau ngày hôm nay.", field="doc_date")
    return Evidence.objects.create(
        unit=unit,
        kind=EvidenceKind.DOCUMENT,
        title=(title or "").strip()[:255] or f"Văn bản số {doc_number}"[:255],
        doc_number=doc_number,
        doc_date=doc_date,
        doc_summary=doc_summary,
        created_by=by,
    )


def _link(entry: ItemEntry, evidence: Evidence, by: Any) -> EvidenceLink:
    if evidence.unit_id != entry.assessment.unit_id:
        raise ServiceError("Tài liệu này không thuộc thư viện của đơn vị.")
    if EvidenceLink.objects.filter(
        entry=entry, evidence=evidence, layer=Layer.SELF, removed_at__isnull=True
    ).exists():
        raise ServiceError(f"Tài liệu «{evidence.title}» đã được gắn vào mục {entry.node.code}.")
    return EvidenceLink.objects.create(entry=entry, evidence=evidence, layer=Layer.SELF, by=by)


def evidence_upload_for_entry(
    *, entry: ItemEntry, uploaded: UploadedFile, title: str = "", by: Any
) -> EvidenceLink:
    """Upload a file into the library and attach it to one item in one go."""
    with transaction.atomic():
        assessment_check_editable(assessment=assessment_locked(pk=entry.assessment_id), by=by)
        evidence = evidence_store_upload(unit=entry.assessment.unit, uploaded=uploaded, title=title, by=by)
        return _link(entry, evidence, by)


def evidence_cite_for_entry(
    *, entry: ItemEntry, doc_number: str, doc_date: date, doc_summary: str, by: Any
) -> EvidenceLink:
    """Cite an issued document for one item (it also joins the unit's library)."""
    with transaction.atomic():
        assessment_check_editable(assessment=assessment_locked(pk=entry.assessment_id), by=by)
        evidence = evidence_store_document(
            unit=entry.assessment.unit,
            doc_number=doc_number,
            doc_date=doc_date,
            doc_summary=doc_summary,
            by=by,
        )
        return _link(entry, evidence, by)


def evidence_attach(*, entry: ItemEntry, evidence: Evidence, by: Any) -> EvidenceLink:
    """Attach existing library evidence to an item: one document can serve several items."""
    with transaction.atomic():
        assessment_check_editable(assessment=assessment_locked(pk=entry.assessment_id), by=by)
        return _link(entry, evidence, by)


def evidence_detach(*, link: EvidenceLink, by: Any) -> None:
    """Take evidence off an item (soft: the link keeps who removed it and when; the file stays)."""
    with transaction.atomic():
        assessment_check_editable(assessment=assessment_locked(pk=link.entry.assessment_id), by=by)
        EvidenceLink.objects.filter(pk=link.pk, removed_at__isnull=True).update(
            removed_at=timezone.now(), removed_by=by
        )


def evidence_add_to_library(
    *,
    assessment: Assessment,
    by: Any,
    uploaded: UploadedFile | None = None,
    title: str = "",
    doc_number: str = "",
    doc_date: date | None = None,
    doc_summary: str = "",
) -> Evidence:
    """Add a file or a document reference to the unit's library from the library page."""
    with transaction.atomic():
        assessment_check_editable(assessment=assessment_locked(pk=assessment.pk), by=by)
        if uploaded is not None:
            return evidence_store_upload(unit=assessment.unit, uploaded=uploaded, title=title, by=by)
        if doc_date is None:
            raise ServiceError("Hãy nhập ngày ban hành văn bản (dd/mm/yyyy).")
        return evidence_store_document(
            unit=assessment.unit,
            doc_number=doc_number,
            doc_date=doc_date,
            doc_summary=doc_summary,
            title=title,
            by=by,
        )


def evidence_replace_file(
    *, assessment: Assessment, evidence: Evidence, uploaded: UploadedFile, by: Any
) -> Evidence:
    """Replace the file of a piece of evidence; the replaced file stays as an EvidenceVersion (who replaced
    it and when), so nothing is ever hard-deleted and every item using it now shows the new file."""
    if evidence.kind != EvidenceKind.FILE or evidence.file_id is None:
        raise ServiceError("Chỉ thay được tài liệu dạng tệp; văn bản trích dẫn thì hãy thêm văn bản mới.")
    if evidence.unit_id != assessment.unit_id:
        raise ServiceError("Tài liệu này không thuộc thư viện của đơn vị.")
    checked = check_upload(uploaded)
    with transaction.atomic():
        assessment_check_editable(assessment=assessment_locked(pk=assessment.pk), by=by)
        current = Evidence.objects.select_for_update().get(pk=evidence.pk)
        stored = stored_file_for(checked)
        if stored.pk == current.file_id:
            raise ServiceError("Tệp mới giống hệt tệp hiện tại: không có gì để thay.")
        EvidenceVersion.objects.create(
            evidence=current, file_id=current.file_id, original_name=current.original_name, by=by
        )
        current.file = stored
        current.original_name = checked.name
        current.save(update_fields=["file", "original_name", "updated_at"])
    return current


# -- offline workbook -------------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    changed: list[str] = field(default_factory=list)  # item codes written
    unchanged: int = 0


def assessment_import_workbook(*, assessment: Assessment, content: bytes, by: Any) -> ImportSummary:
    """Read back the offline workbook (SPEC §5): every row checked exactly like the web form (the engine's
    normalisation), every problem listed with its row, nothing written unless every row is right. Rows equal
    to what is stored are skipped, so re-uploading an unchanged workbook changes nothing."""
    assessment_check_editable(assessment=assessment, by=by)
    sheet = excel.read_workbook(content)  # raises WorkbookRejected-compatible ServiceError on structure
    problems: list[str] = []
    if sheet.unit_code and sheet.unit_code != assessment.unit.code:
        problems.append(
            f"Tệp này là phiếu của đơn vị có mã «{sheet.unit_code}», không phải của {assessment.unit.name}."
        )
    if sheet.year and sheet.year != assessment.period.year:
        problems.append(f"Tệp này là phiếu năm {sheet.year}, không phải năm {assessment.period.year}.")
    if problems:
        raise WorkbookRejected("Tệp không đúng phiếu của đơn vị.", problems)

    form = selectors.assessment_form(assessment)
    by_code = {item.node.code: item for item in form.items.values()}
    inner_codes = {row.node.code for block in form.blocks for row in block.rows if row.item is None}
    seen: dict[str, int] = {}
    planned: list[tuple[ItemEntry, str, str, int | None]] = []
    unknown: list[str] = []
    for row in sheet.rows:
        where = f"Dòng {row.number}"
        if not row.code:
            if row.problems:
                problems.extend(f"{where}: {problem}" for problem in row.problems)
            elif row.value or row.note:
                problems.append(f"{where}: có giá trị nhưng thiếu mã tiêu chí.")
            continue
        if row.code in seen:
            problems.append(f"{where}: mã tiêu chí {row.code} lặp lại (đã có ở dòng {seen[row.code]}).")
            continue
        seen[row.code] = row.number
        if row.problems:
            problems.extend(f"{where} (mục {row.code}): {problem}" for problem in row.problems)
            continue
        item = by_code.get(row.code)
        if item is None:
            if row.code in inner_codes:
                if row.value:
                    problems.append(
                        f"{where}: mục {row.code} là tiêu chí có tiêu chí thành phần; hãy nhập ở các mục con."
                    )
                continue
            problems.append(f"{where}: mã tiêu chí «{row.code}» không có trong phiếu của đơn vị.")
            continue
        entry = item.entry
        assert entry is not None
        if item.is_survey:
            if row.value:
                problems.append(
                    f"{where}: mục {row.code} {selectors.SURVEY_TEXT.lower()}, không nhập giá trị."
                )
            continue
        canonical = ""
        if row.value:
            try:
                canonical = entry_points_for(item.node, row.value, assessment.period)[0]
            except InputError as error:
                problems.append(f"{where} (mục {row.code}): {error.message}")
                continue
        note = row.note.strip()
        if canonical == entry.self_value and note == entry.self_note:
            continue
        # The version the row was downloaded at: its hidden cell, else the copy in the hidden sheet. A
        # workbook that lost both cannot tell an old value from a new one: it may not overwrite an item
        # that was ever saved on the web.
        version = row.version if row.version is not None else sheet.versions.get(row.code)
        if version is None and entry.version > 0:
            unknown.append(
                f"{row.code} (giá trị trên trang web «{format_input(entry.self_value) or 'trống'}»)"
            )
            continue
        if version is not None and version != entry.version:
            problems.append(
                f"{where} (mục {row.code}): mục này đã được lưu trên trang web sau khi bạn tải tệp về "
                f"(giá trị hiện tại «{format_input(entry.self_value) or 'trống'}»). Hãy tải tệp mới hoặc sửa trên trang web."
            )
            continue
        planned.append((entry, row.value, note, entry.version))
    if unknown:
        problems.append(
            "Tệp đã mất thông tin phiên bản (cột «Phiên bản» ẩn và trang «_phieu» bị xóa hoặc sửa), nên không "
            "biết các mục sau có được sửa trên trang web sau khi tải tệp về hay không: "
            + "; ".join(unknown)
            + ". Hãy tải tệp mới từ trang Tự đánh giá rồi nhập lại các thay đổi."
        )
    if problems:
        raise WorkbookRejected(
            f"Tệp có {len(problems)} lỗi; chưa ghi mục nào. Hãy sửa rồi tải lên lại.", problems
        )

    summary = ImportSummary(unchanged=len(form.items) - len(planned))
    try:
        with transaction.atomic():
            locked = assessment_locked(pk=assessment.pk)
            assessment_check_editable(assessment=locked, by=by)
            for entry, value, note, version in planned:
                entry.assessment = locked
                entry_record_layer(
                    entry=entry,
                    layer=Layer.SELF,
                    value=value,
                    note=note,
                    by=by,
                    source="excel",
                    expected_version=version,
                )
                summary.changed.append(entry.node.code)
    except ConcurrencyError as error:
        raise WorkbookRejected(
            "Có mục vừa được lưu trên trang web trong lúc tải tệp lên; chưa ghi mục nào.", [error.message]
        ) from None
    return summary
