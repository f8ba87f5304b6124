"""Write side of the council (SPEC §6): setup, round 1, explanation, round 2, finalisation and reopening.

Every item score goes through :func:`appraisal.assessments.layers.entry_record_layer` (engine-derived points,
version compare-and-set, history row). Every state change goes through
:func:`appraisal.assessments.workflow.assessment_transition`, shared with the unit's own workflow. Phase windows are checked with
:func:`appraisal.registry.phases.phase_check` before anything is written; permissions are checked here too, so a
service called from a view, a command or a test refuses the same things.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst

from appraisal.assessments.layers import entry_points_for, entry_record_layer
from appraisal.assessments.models import (
    ROUND1_STATES,
    Assessment,
    AssessmentEvent,
    AssessmentState,
    EvidenceLink,
    ItemEntry,
    ItemHistory,
    Layer,
    Round2Decision,
)
from appraisal.assessments.selectors import entry_last_change
from appraisal.assessments.services import EntryConflict, evidence_store_upload
from appraisal.assessments.workflow import assessment_locked, assessment_transition
from appraisal.core import roles
from appraisal.core.dates import fmt_local
from appraisal.core.exceptions import ConcurrencyError, PhaseError, ServiceError
from appraisal.engine import InputError
from appraisal.registry.audit import audit_person
from appraisal.registry.models import (
    PHASE_ORDER,
    AuditAction,
    Group,
    Method,
    Period,
    Phase,
    RoleAssignment,
    Unit,
)
from appraisal.registry.phases import period_require_open
from appraisal.registry.selectors import secretariat_require, unit_role_require

from .access import can_write_entry, council_access, forget_council_access
from .lifecycle import (
    explanation_refusal,
    finalise_refusal,
    notice_issue,
    round1_refusal,
    round2_item_refusal,
    round2_refusal,
)
from .models import Assignment
from .notify import event_notify
from .selectors import (
    APPRAISED_METHODS,
    COUNCIL_ROLE_NAMES,
    entry_is_lowered,
    field_choices,
    is_lowered,
    partial_out_of_range,
    partial_range,
)

S = AssessmentState

REASON_REQUIRED = "Phải nêu lý do khi hạ điểm."

COUNCIL_SETUP_ROLES = {
    roles.CHAIR: "Chủ tịch Hội đồng",
    roles.VICE_CHAIR: "Phó Chủ tịch Hội đồng",
    roles.MEMBER: "Thành viên Hội đồng",
    roles.SECRETARIAT: "Tổ thư ký",
}


# -- helpers -------------------------------------------------------------------------------------------------


def _require_state(assessment: Assessment, allowed: Iterable[str], action: str) -> None:
    if assessment.state not in allowed:
        raise ServiceError(
            "Đơn vị «{unit}» đang ở trạng thái «{state}»: chưa thể {action}.".format(
                unit=assessment.unit.name, state=AssessmentState(assessment.state).label, action=action
            )
        )


def _require_period_open(period: Period) -> None:
    """Nothing changes in a finalised, approved or archived period; the chair reopens the period first."""
    period_require_open(period)


def _check_writer(by: Any, entry: ItemEntry) -> None:
    if not can_write_entry(by, entry):
        raise PermissionDenied("Bạn không được phân công thẩm định mục này.")


# -- council setup -------------------------------------------------------------------------------------------

# The secretariat of the period concerned (``secretariat_require``, SPEC §6a), the end of each refusal.
COUNCIL_SETUP = "được lập Hội đồng"
ASSIGNING = "được phân công thẩm định"


def council_role_grant(
    *, period: Period, user: Any, role: str, unit: Unit | None = None, by: Any
) -> RoleAssignment:
    """Put a person on the period's council (chair, vice-chair, member with the unit they belong to) or in
    the secretariat. The unit is what conflicts of interest are checked against."""
    secretariat_require(by, period, COUNCIL_SETUP)
    period_require_open(period)
    if role not in COUNCIL_SETUP_ROLES:
        raise ServiceError(
            "Vai trò không hợp lệ: chọn Chủ tịch, Phó Chủ tịch, Thành viên Hội đồng hoặc Tổ thư ký."
        )
    if RoleAssignment.objects.filter(user=user, role=role, period=period).exists():
        raise ServiceError(
            "{who} đã có vai trò «{role}» trong kỳ {year}.".format(
                who=user.get_full_name() or user.username, role=COUNCIL_SETUP_ROLES[role], year=period.year
            )
        )
    try:
        with transaction.atomic():
            row = RoleAssignment.objects.create(user=user, role=role, unit=unit, period=period)
            audit_person(
                action=AuditAction.ROLE_GRANT,
                by=by,
                person=user,
                period=period,
                changes={
                    "role": [None, COUNCIL_SETUP_ROLES[role]],
                    "unit": [None, unit.name if unit else None],
                },
            )
    except IntegrityError:
        raise ServiceError("Vai trò này vừa được người khác thêm. Hãy tải lại trang.")
    roles.forget_roles(user)
    forget_council_access(user)
    return row


def council_role_revoke(*, role_assignment: RoleAssignment, by: Any) -> None:
    """Take a person off the period's council. Their assignments stay listed but grant nothing without a
    council role; the secretariat deletes or moves them."""
    if role_assignment.period_id is None or role_assignment.role not in COUNCIL_SETUP_ROLES:
        raise ServiceError("Chỉ gỡ được vai trò Hội đồng gắn với kỳ đánh giá này.")
    secretariat_require(by, role_assignment.period, COUNCIL_SETUP)
    period_require_open(role_assignment.period)
    user = role_assignment.user
    with transaction.atomic():
        audit_person(
            action=AuditAction.ROLE_REVOKE,
            by=by,
            person=user,
            period=role_assignment.period,
            changes={"role": [COUNCIL_SETUP_ROLES[role_assignment.role], None]},
        )
        role_assignment.delete()


def assignments_create_bulk(
    *,
    period: Period,
    members: Sequence[Any],
    field_codes: Sequence[str],
    groups: Sequence[Group | None],
    by: Any,
) -> int:
    """Assign every given member to every given field in every given group (``None`` = every group), in one
    transaction; pairs that already exist are skipped. Returns how many were created."""
    secretariat_require(by, period, ASSIGNING)
    period_require_open(period)
    if not members or not field_codes or not groups:
        raise ServiceError("Hãy chọn ít nhất một thành viên, một lĩnh vực và một khối (hoặc «Mọi khối»).")
    known = {code for code, _ in field_choices(period)}
    unknown = [c for c in field_codes if c not in known]
    if unknown:
        raise ServiceError(
            "Lĩnh vực không có trong bộ chỉ số năm {y}: {c}.".format(y=period.year, c=", ".join(unknown))
        )
    for member in members:
        if not COUNCIL_ROLE_NAMES & council_access(member, period).roles:
            raise ServiceError(
                "{who} chưa là thành viên Hội đồng kỳ {y}: hãy thêm vào Hội đồng trước khi phân công.".format(
                    who=member.get_full_name() or member.username, y=period.year
                )
            )
    created = 0
    with transaction.atomic():
        for member in members:
            for code in field_codes:
                for group in groups:
                    _, was_created = Assignment.objects.get_or_create(
                        period=period,
                        member=member,
                        field_code=code,
                        group=group,
                        defaults={"created_by": by},
                    )
                    created += int(was_created)
                    if was_created:
                        audit_person(
                            action=AuditAction.ASSIGNMENT_CREATE,
                            by=by,
                            person=member,
                            period=period,
                            changes={
                                "assignment": [
                                    None,
                                    f"lĩnh vực {code}, {group.name if group else 'mọi khối'}",
                                ]
                            },
                        )
    for member in members:
        forget_council_access(member)
    return created


def assignments_rollover(*, source: Period, target: Period, by: Any) -> int:
    """Copy the council's assignments of ``source`` into ``target`` (a roll-over with the council, SPEC §3a):
    the same member, field and group, created by ``by``. Registered in ``registry.lifecycle.ROLLOVER_COPIES``;
    runs inside the roll-over's transaction. Returns how many were created."""
    created = Assignment.objects.bulk_create(
        Assignment(
            period=target, member_id=a.member_id, field_code=a.field_code, group_id=a.group_id, created_by=by
        )
        for a in Assignment.objects.filter(period=source)
    )
    return len(created)


def assignment_delete(*, assignment: Assignment, by: Any) -> None:
    secretariat_require(by, assignment.period, ASSIGNING)
    period_require_open(assignment.period)
    member = assignment.member
    with transaction.atomic():
        audit_person(
            action=AuditAction.ASSIGNMENT_DELETE,
            by=by,
            person=member,
            period=assignment.period,
            changes={
                "assignment": [
                    f"lĩnh vực {assignment.field_code}, "
                    f"{assignment.group.name if assignment.group_id else 'mọi khối'}",
                    None,
                ]
            },
        )
        assignment.delete()
    forget_council_access(assignment.member)


# -- round 1 -------------------------------------------------------------------------------------------------


def round1_record(
    *,
    entry: ItemEntry,
    value: str,
    reason: str = "",
    by: Any,
    expected_version: int | None,
    now: datetime | None = None,
    source: str = "web",
) -> ItemEntry:
    """Record the council's appraised input of an item (round 1); the engine derives the points.

    Open during the appraisal phase, on submitted assessments, to the member assigned to the item's field and
    group (never for their own unit) and to the secretariat. A reason is required whenever the points fall
    below the unit's claim (SPEC §6). ``expected_version`` detects a concurrent save (ConcurrencyError)."""
    period = entry.assessment.period
    refusal = round1_refusal(entry.assessment, now=now)
    if refusal:
        raise PhaseError(refusal)
    _check_writer(by, entry)
    node = entry.node
    if node.method not in APPRAISED_METHODS:
        raise ServiceError(
            "Mục {c} chấm qua điều tra xã hội học: điểm lấy từ kết quả điều tra, không thẩm định.".format(
                c=node.code
            )
        )
    value, reason = (value or "").strip(), (reason or "").strip()
    canonical = ""
    if value:
        try:
            canonical, points = entry_points_for(node, value, period)
        except InputError as exc:
            raise ServiceError(f"Mục {node.code}: {exc.message}") from exc
        if is_lowered(method=node.method, self_points=entry.self_points, new_points=points) and not reason:
            raise ServiceError(REASON_REQUIRED)
    with transaction.atomic():
        assessment = assessment_locked(pk=entry.assessment_id)
        _require_state(assessment, ROUND1_STATES, "thẩm định vòng 1")
        if expected_version is not None:
            stored = ItemEntry.objects.get(pk=entry.pk)
            if stored.round1_value == canonical and stored.round1_reason == reason:
                # Already stored exactly so (an autosave beat the plain submit of the same form): nothing lost.
                return stored
        return entry_record_layer(
            entry=entry,
            layer=Layer.ROUND1,
            value=value,
            note=reason,
            by=by,
            expected_version=expected_version,
            source=source,
        )


ACCEPT_REMAINING_REASON = "Chấp nhận theo điểm tự chấm (chấp nhận các mục còn lại)."


def round1_accept_remaining(
    *, assessment: Assessment, entries: Sequence[ItemEntry], by: Any, now: datetime | None = None
) -> list[ItemEntry]:
    """«Chấp nhận các mục còn lại theo điểm tự chấm»: record the unit's own input as the round-1 input of every
    given item that has no round-1 input yet and that the unit scored, all or nothing. Each item goes through
    :func:`round1_record` (phase, assignment, conflict of interest, state, version) and so gets its own
    history row (source ``bulk``). Items appraised meanwhile by someone else are left as they are."""
    done: list[ItemEntry] = []
    with transaction.atomic():
        for entry in entries:
            if entry.assessment_id != assessment.pk:
                raise ServiceError("Mục không thuộc đơn vị này.")
            current = ItemEntry.objects.select_related(
                "node", "node__index_set", "assessment__period", "assessment__unit"
            ).get(pk=entry.pk)
            if current.round1_value or not current.self_value:
                continue
            done.append(
                round1_record(
                    entry=current,
                    value=current.self_value,
                    reason=ACCEPT_REMAINING_REASON,
                    by=by,
                    expected_version=current.version,
                    now=now,
                    source="bulk",
                )
            )
    return done


def assessment_mark_appraised(*, assessment: Assessment, by: Any) -> Assessment:
    """Close round 1 for a unit (submitted → appraised) once every appraised item has a round-1 input. The
    unit sees its preliminary notice when the explanation phase opens. Secretariat, chair or vice-chair."""
    access = council_access(by, assessment.period)
    if not (access.secretariat or access.leader) or assessment.unit_id in access.own_units:
        raise PermissionDenied("Chỉ Tổ thư ký hoặc lãnh đạo Hội đồng được chốt thẩm định vòng 1.")
    period_require_open(assessment.period)
    with transaction.atomic():
        current = assessment_locked(pk=assessment.pk)
        _require_state(current, ROUND1_STATES, "chốt thẩm định vòng 1")
        refusal = round1_refusal(current)
        if refusal:
            raise PhaseError(refusal)
        pending = current.entries.filter(node__method__in=APPRAISED_METHODS, round1_value="")
        if current.state == S.NOT_SUBMITTED:
            # Appraised on what is there: an item the unit left empty scores 0 (SPEC §3a).
            pending = pending.exclude(self_value="")
        missing = list(pending.order_by("node__position").values_list("node__code", flat=True))
        if missing:
            raise ServiceError(
                "Còn {n} mục chưa thẩm định vòng 1: {codes}.".format(n=len(missing), codes=", ".join(missing))
            )
        assessment_transition(assessment=current, to=S.APPRAISED, by=by, reason="Hoàn tất thẩm định vòng 1")
        if current.period.phase_index() >= PHASE_ORDER.index(Phase.EXPLANATION):
            # A unit appraised on its own clock: its notice now, with its own explanation window.
            notice_issue(assessment=current, by=by, own_window=True)
        return current


# -- explanation ---------------------------------------------------------------------------------------------


UNIT_EXPLAINS = "Chỉ cán bộ của đơn vị được giải trình."


def explanation_record(
    *,
    entry: ItemEntry,
    text: str,
    by: Any,
    expected_version: int | None,
    now: datetime | None = None,
    source: str = "web",
) -> ItemEntry:
    """The unit's explanation (giải trình) of a lowered item, during the explanation window, by the unit's
    editor or head. Version compare-and-set and an ItemHistory row (layer 'explanation'), like every layer:
    a save from an older version than the stored one raises EntryConflict carrying the stored text (who saved
    it, when) and the typed one, unless the stored text is already what was typed."""
    assessment = entry.assessment
    unit_role_require(by, assessment.unit, assessment.period, UNIT_EXPLAINS)
    text = (text or "").strip()
    with transaction.atomic():
        current_assessment = assessment_locked(pk=assessment.pk)
        _require_explanation_open(current_assessment, now)
        current = ItemEntry.objects.select_for_update().select_related("node").get(pk=entry.pk)
        if not entry_is_lowered(current):
            raise ServiceError("Mục {c} không bị hạ điểm: không cần giải trình.".format(c=current.node.code))
        if text == current.explanation:
            return current  # already stored as typed (by this person or another): nothing to choose between
        if expected_version is not None and current.version != expected_version:
            last, saved = entry_last_change(current, Layer.EXPLANATION)
            raise EntryConflict(
                f"Nội dung giải trình mục {current.node.code} vừa được {saved}; hãy xem lại rồi lưu lần nữa.",
                current=current,
                last=last,
                mine=text,
            )
        at = timezone.now() if text else None
        updated = ItemEntry.objects.filter(pk=current.pk, version=current.version).update(
            explanation=text, explanation_at=at, version=current.version + 1, updated_at=timezone.now()
        )
        if updated != 1:
            raise ConcurrencyError(
                f"Mục {current.node.code} vừa được người khác lưu. Hãy tải lại và thử lại."
            )
        ItemHistory.objects.create(
            entry=current,
            layer=Layer.EXPLANATION,
            old_value=current.explanation,
            new_value=text,
            by=by,
            source=source,
        )
    return ItemEntry.objects.select_related("node", "assessment__period", "assessment__unit").get(pk=entry.pk)


def explanation_submit(*, assessment: Assessment, by: Any, now: datetime | None = None) -> Assessment:
    """The unit head sends the explanation (appraised → explained) during the explanation window."""
    unit_role_require(
        by, assessment.unit, assessment.period, "Chỉ lãnh đạo đơn vị được gửi giải trình.", head=True
    )
    with transaction.atomic():
        current = assessment_locked(pk=assessment.pk)
        _require_explanation_open(current, now)
        explained = current.entries.exclude(explanation="").count()
        if not explained:
            raise ServiceError("Chưa có mục nào được giải trình: hãy nhập nội dung giải trình trước khi gửi.")
        stamp = timezone.now()
        assessment_transition(
            assessment=current,
            to=S.EXPLAINED,
            by=by,
            explanation_submitted_at=stamp,
            explanation_submitted_by=by,
        )
        event_notify(
            period=current.period,
            unit=current.unit,
            event="explanation_submitted",
            subject="Đơn vị đã gửi giải trình",
            lines=[
                f"{current.unit.name} đã gửi giải trình {explained} tiêu chí lúc {fmt_local(stamp)}.",
                "Hội đồng thẩm định sẽ xem xét và kết luận ở vòng 2; đơn vị xem kết quả khi kỳ đánh giá chốt.",
            ],
            stamp=stamp,
        )
        return current


def explanation_waive(*, assessment: Assessment, by: Any, now: datetime | None = None) -> Assessment:
    """The unit head declares that the unit will not explain (không giải trình): the round-1 results stand and
    the unit can be finalised before its window closes. Recorded in the unit's history."""
    unit_role_require(
        by,
        assessment.unit,
        assessment.period,
        "Chỉ lãnh đạo đơn vị được xác nhận không giải trình.",
        head=True,
    )
    with transaction.atomic():
        current = assessment_locked(pk=assessment.pk)
        _require_explanation_open(current, now)
        if current.entries.exclude(explanation="").exists():
            raise ServiceError(
                "Đơn vị đã nhập nội dung giải trình: hãy gửi giải trình, hoặc xóa nội dung trước."
            )
        stamp = timezone.now()
        Assessment.objects.filter(pk=current.pk).update(
            explanation_waived_at=stamp, explanation_waived_by=by, updated_at=stamp
        )
        AssessmentEvent.objects.create(
            assessment=current,
            from_state=current.state,
            to_state=current.state,
            reason="Đơn vị không giải trình; giữ kết quả thẩm định vòng 1",
            by=by,
        )
    assessment.refresh_from_db()
    return assessment


def _require_explanation_open(assessment: Assessment, now: datetime | None) -> None:
    refusal = explanation_refusal(assessment, now=now)
    if refusal:
        raise PhaseError(refusal)


def explanation_evidence_upload(
    *, entry: ItemEntry, uploaded: UploadedFile, title: str = "", by: Any, now: datetime | None = None
) -> EvidenceLink:
    """New evidence for an explanation: stored in the unit's library by the self-assessment's upload service
    (content-checked, deduplicated) and attached to the item on the 'explanation' layer."""
    assessment = entry.assessment
    unit_role_require(by, assessment.unit, assessment.period, UNIT_EXPLAINS)
    with transaction.atomic():
        current_assessment = assessment_locked(pk=assessment.pk)
        _require_explanation_open(current_assessment, now)
        current = ItemEntry.objects.select_related("node").get(pk=entry.pk)
        if not entry_is_lowered(current):
            raise ServiceError("Mục {c} không bị hạ điểm: không cần giải trình.".format(c=current.node.code))
        evidence = evidence_store_upload(unit=current_assessment.unit, uploaded=uploaded, title=title, by=by)
        return EvidenceLink.objects.create(entry=current, evidence=evidence, layer=Layer.EXPLANATION, by=by)


# -- round 2 -------------------------------------------------------------------------------------------------


def round2_record(
    *,
    entry: ItemEntry,
    decision: str,
    value: str = "",
    reason: str,
    by: Any,
    expected_version: int | None,
    now: datetime | None = None,
    source: str = "web",
) -> ItemEntry:
    """The council resolves an explained item (round 2): accept (back to the unit's claim), accept in part (a
    new input) or keep (the round-1 input), always with a reason. During the re-appraisal phase, on explained
    assessments (any appraised item once the chair has reopened a unit)."""
    refusal = round2_refusal(entry.assessment, now=now)
    if refusal:
        raise PhaseError(refusal)
    _check_writer(by, entry)
    node = entry.node
    if node.method not in APPRAISED_METHODS:
        raise ServiceError(
            "Mục {c} chấm qua điều tra xã hội học: không thẩm định vòng 2.".format(c=node.code)
        )
    reason = (reason or "").strip()
    if decision not in Round2Decision.values:
        raise ServiceError("Hãy chọn kết luận: Chấp nhận, Chấp nhận một phần hoặc Giữ nguyên.")
    if not reason:
        raise ServiceError("Phải nêu lý do của kết luận vòng 2.")
    with transaction.atomic():
        assessment = assessment_locked(pk=entry.assessment_id)
        current = ItemEntry.objects.select_related("node").get(pk=entry.pk)
        refusal = round2_item_refusal(
            state=assessment.state,
            unit=assessment.unit.name,
            item_code=node.code,
            explanation=current.explanation,
        )
        if refusal:
            raise ServiceError(capfirst(refusal) + ".")
        if decision == Round2Decision.ACCEPT:
            if not current.self_value:
                raise ServiceError(
                    "Đơn vị không tự chấm mục {c}: hãy chọn «Chấp nhận một phần».".format(c=node.code)
                )
            value = current.self_value
        elif decision == Round2Decision.KEEP:
            value = current.round1_value
        else:
            value = (value or "").strip()
            if not value:
                raise ServiceError("Chấp nhận một phần: hãy nhập giá trị thẩm định lại.")
            _require_partial_in_range(current, value)
        return entry_record_layer(
            entry=entry,
            layer=Layer.ROUND2,
            value=value,
            note=reason,
            by=by,
            expected_version=expected_version,
            decision=decision,
            source=source,
        )


def _require_partial_in_range(entry: ItemEntry, value: str) -> None:
    """«Accept in part» lies in its range (:func:`selectors.partial_out_of_range`, the import's rule too)."""
    if partial_range(entry) is None:
        return
    try:
        _canonical, points = entry_points_for(entry.node, value, entry.assessment.period)
    except InputError as exc:
        raise ServiceError(f"Mục {entry.node.code}: {exc.message}") from exc
    refusal = partial_out_of_range(entry, value, points)
    if refusal:
        raise ServiceError(
            f"Chấp nhận một phần: {refusal}. Nếu đồng ý toàn bộ giải trình, hãy chọn «Chấp nhận»."
        )


# -- finalise and reopen -------------------------------------------------------------------------------------


def assessment_missing_final(assessment: Assessment) -> list[str]:
    """Codes of applicable items without a final score (appraised items: round 1 or 2; survey: the survey)."""
    missing = []
    closed_empty = bool(assessment.not_submitted_reason)  # «không nộp»: an empty item scores 0 (SPEC §3a)
    for code, method, own, r1, r2, survey in assessment.entries.order_by("node__position").values_list(
        "node__code", "node__method", "self_value", "round1_value", "round2_value", "survey_value"
    ):
        if method == Method.SURVEY:
            if not survey:
                missing.append(code)
        elif not (r1 or r2) and not (closed_empty and not own):
            missing.append(code)
    return missing


def assessment_finalise(*, assessment: Assessment, by: Any) -> Assessment:
    """Finalise one unit (→ finalised) when every applicable item has a final score. From ``explained`` every
    explained item needs its round 2 first (the unit then passes through ``reappraised``). Secretariat or
    chair; refused once the period is approved."""
    access = council_access(by, assessment.period)
    if not (access.secretariat or access.chair) or assessment.unit_id in access.own_units:
        raise PermissionDenied("Chỉ Tổ thư ký hoặc Chủ tịch Hội đồng được chốt kết quả của đơn vị.")
    with transaction.atomic():
        current = assessment_locked(pk=assessment.pk)
        _require_period_open(current.period)
        _require_state(current, {S.APPRAISED, S.EXPLAINED, S.REAPPRAISED}, "chốt kết quả")
        gate = finalise_refusal(current)
        if gate:
            raise PhaseError(gate)
        missing = assessment_missing_final(current)
        if missing:
            raise ServiceError(
                "Còn {n} mục chưa có điểm cuối cùng: {codes}.".format(
                    n=len(missing), codes=", ".join(missing)
                )
            )
        if current.state == S.EXPLAINED:
            unresolved = list(
                current.entries.exclude(explanation="")
                .filter(round2_value="", node__method__in=APPRAISED_METHODS)
                .order_by("node__position")
                .values_list("node__code", flat=True)
            )
            if unresolved:
                raise ServiceError(
                    "Còn {n} mục đã giải trình chưa có kết luận vòng 2: {codes}.".format(
                        n=len(unresolved), codes=", ".join(unresolved)
                    )
                )
            assessment_transition(
                assessment=current, to=S.REAPPRAISED, by=by, reason="Hoàn tất thẩm định vòng 2"
            )
        return assessment_transition(
            assessment=current, to=S.FINALISED, by=by, reason="Chốt kết quả của đơn vị"
        )


def assessment_reopen(*, assessment: Assessment, reason: str, by: Any) -> Assessment:
    """The chair reopens a finalised unit (→ reappraised) with a reason, while the period itself is not
    finalised (a finalised period is reopened first, as a whole, by the chair); the council then corrects it in
    round 2 and finalises it again."""
    access = council_access(by, assessment.period)
    if not access.chair or assessment.unit_id in access.own_units:
        raise PermissionDenied("Chỉ Chủ tịch Hội đồng được mở lại kết quả đã chốt.")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Phải nêu lý do mở lại kết quả đã chốt.")
    with transaction.atomic():
        current = assessment_locked(pk=assessment.pk)
        _require_period_open(current.period)
        _require_state(current, {S.FINALISED}, "mở lại")
        return assessment_transition(assessment=current, to=S.REAPPRAISED, by=by, reason=reason)
