"""The life of a period beside the others (SPEC §3a): delete an empty one, archive one with data, roll last
year over into the next, and export a period's unit list as the units import workbook.

Every service is keyword-only, runs in one transaction, is for the secretariat only and leaves a trace: a
PeriodEvent on the period (archive, unarchive, roll-over), or, for a deletion, which takes the period's own
history with it, an entry in the administration log (django.contrib.admin's LogEntry: who, when, what).

A period's data lives in apps that come after the registry (assessments, council, scoring), which the registry
must not import. Those rows are reached through the reverse relations they declare on Period
(``assessments``, ``council_assignments``, ``survey_imports``, ``score_runs``); rows those apps must create
for a roll-over are created by the steps they hand down in :data:`ROLLOVER_COPIES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from appraisal.core.exceptions import ConcurrencyError, ServiceError
from appraisal.engine.labels import BAND_LABELS, HEAD_RATING_LABELS

from .audit import audit_period_event
from .models import (
    UNIT_ROLES,
    IndexSet,
    Organisation,
    Period,
    PeriodEvent,
    PeriodEventKind,
    Phase,
    Role,
    RoleAssignment,
    UnitMembership,
)
from .selectors import secretariat_require
from .services import _check_year, index_set_clone, period_name
from .templates_xlsx import XLSX_CONTENT_TYPE, TemplateFile, units_workbook

# What an item entry holds once someone typed something in any layer (SPEC §5–7).
ENTRY_TEXT_FIELDS = (
    "self_value",
    "self_note",
    "round1_value",
    "round1_reason",
    "explanation",
    "round2_decision",
    "round2_value",
    "round2_reason",
    "survey_value",
)

# Carried over by the roll-over (SPEC §3a); the decision's number and date and the proposal reference are
# per year and never copied.
SETTING_FIELDS = (
    "decimals",
    "bands",
    "head_ratings",
    "head_min_field_index",
    "survey_weights",
    "explanation_days",
)
TEXT_FIELDS = ("legal_bases", "proposal", "recipients")
NOT_COPIED = (
    "Số và ngày quyết định phê duyệt, số và ngày Tờ trình của Sở Nội vụ (mỗi năm một văn bản).",
    "Thời hạn các giai đoạn: đặt lại cho năm mới trên trang của kỳ.",
    "Bản tự đánh giá, điểm, giải trình, tài liệu kiểm chứng gắn vào mục, kết quả tính.",
    "Loại trừ tiêu chí riêng cho từng đơn vị: xem xét lại và đặt cho năm mới.",
)


def _require_secretariat(by: Any, period: Period) -> None:
    """The secretariat holding its role in ``period`` (SPEC §6a; for a roll-over: the source period)."""
    secretariat_require(by, period, "được xóa, lưu trữ hoặc tạo kỳ đánh giá mới")


def _is_current(period: Period) -> bool:
    return Organisation.objects.filter(current_period=period).exists()


def _who(user: Any) -> str:
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


# -- what a period holds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodContents:
    """Counts of what a period holds. The first group is entered data (it blocks deletion); the second is set-up
    that goes with the period when it is deleted."""

    entered_items: int = 0
    entered_units: int = 0
    evidence_links: int = 0
    moved_assessments: int = 0  # submitted, returned, closed… anything past the first draft
    period_roles: int = 0
    council_assignments: int = 0
    survey_imports: int = 0
    score_runs: int = 0
    assessments: int = 0
    index_sets: int = 0
    memberships: int = 0
    windows: int = 0
    events: int = 0

    @property
    def blockers(self) -> list[str]:
        """Why the period cannot be deleted, in Vietnamese; empty when it can."""
        parts = []
        if self.entered_items:
            parts.append(f"{self.entered_items} mục đã nhập của {self.entered_units} đơn vị")
        if self.evidence_links:
            parts.append(f"{self.evidence_links} tài liệu kiểm chứng đã gắn vào mục")
        if self.moved_assessments:
            parts.append(f"{self.moved_assessments} bản tự đánh giá đã chốt hoặc đã chuyển trạng thái")
        if self.period_roles:
            parts.append(f"{self.period_roles} vai trò gắn với kỳ (Hội đồng, Tổ thư ký…)")
        if self.council_assignments:
            parts.append(f"{self.council_assignments} phân công Hội đồng")
        if self.survey_imports:
            parts.append(f"{self.survey_imports} lần nhập kết quả điều tra XHH")
        if self.score_runs:
            parts.append(f"{self.score_runs} lần tính kết quả")
        return parts

    @property
    def has_data(self) -> bool:
        return bool(self.blockers)

    @property
    def is_empty(self) -> bool:
        """Nothing at all in it yet: no data, no index set, no unit, no assessment."""
        return not (self.has_data or self.assessments or self.index_sets or self.memberships)


def period_contents(period: Period) -> PeriodContents:
    """Count what ``period`` holds (a fixed number of queries, whatever its size)."""
    entered = Q()
    for name in ENTRY_TEXT_FIELDS:
        entered |= Q(**{f"entries__{name}__gt": ""})
    typed = period.assessments.filter(entered).aggregate(
        items=Count("entries", distinct=True), units=Count("unit", distinct=True)
    )
    assessments = period.assessments.aggregate(
        total=Count("pk", distinct=True),
        moved=Count("pk", filter=~Q(state="draft"), distinct=True),  # AssessmentState.DRAFT
        links=Count("entries__evidence_links", distinct=True),
    )
    return PeriodContents(
        entered_items=typed["items"],
        entered_units=typed["units"],
        evidence_links=assessments["links"],
        moved_assessments=assessments["moved"],
        period_roles=RoleAssignment.objects.filter(period=period).count(),
        council_assignments=period.council_assignments.count(),
        survey_imports=period.survey_imports.count(),
        score_runs=period.score_runs.count(),
        assessments=assessments["total"],
        index_sets=period.index_sets.count(),
        memberships=period.memberships.count(),
        windows=period.windows.count(),
        events=period.events.count(),
    )


# -- delete ----------------------------------------------------------------------------------------------


def period_delete_problems(*, period: Period, contents: PeriodContents | None = None) -> list[str]:
    """Every reason ``period`` cannot be deleted (Vietnamese sentences); empty when it can."""
    contents = contents or period_contents(period)
    problems = []
    if _is_current(period):
        problems.append(
            f"{period.name} đang là kỳ hiện hành của tỉnh: hãy chọn kỳ hiện hành khác trước khi xóa."
        )
    if contents.has_data:
        problems.append(
            f"{period.name} đã có dữ liệu ({', '.join(contents.blockers)}): kỳ có dữ liệu chỉ có thể "
            "lưu trữ, không xóa được."
        )
    return problems


def period_delete(*, period: Period, by: Any) -> PeriodContents:
    """Delete a period that holds no entered data (SPEC §3a): no value, note or explanation typed in any
    item, no evidence attached, no assessment moved past its draft, no council record (roles of the period,
    assignments, survey imports) and no computed result. Empty assessments, index sets, memberships, windows,
    exclusions and the period's history go with it. The current period is never deleted.

    Returns what was deleted. The deletion is written to the administration log, since the period's own
    history is deleted with it."""
    _require_secretariat(by, period)
    with transaction.atomic():
        locked = Period.objects.select_for_update().filter(pk=period.pk).first()
        if locked is None:
            raise ConcurrencyError(f"{period.name} vừa được người khác xóa.")
        contents = period_contents(locked)
        problems = period_delete_problems(period=locked, contents=contents)
        if problems:
            raise ServiceError(" ".join(problems))
        # Assessments PROTECT the period and their entries PROTECT the index nodes: they go first, taking
        # their (empty) entries and state history along; the period then cascades to everything else.
        locked.assessments.all().delete()
        name, pk = locked.name, locked.pk
        locked.delete()
        _log_deletion(pk=pk, name=name, contents=contents, by=by)
    return contents


def _log_deletion(*, pk: int, name: str, contents: PeriodContents, by: Any) -> None:
    from django.contrib.admin.models import DELETION, LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.create(
        user_id=by.pk,
        content_type=ContentType.objects.get_for_model(Period),
        object_id=str(pk),
        object_repr=name[:200],
        action_flag=DELETION,
        change_message=(
            f"Xóa kỳ chưa có dữ liệu: {contents.index_sets} bộ chỉ số, {contents.memberships} đơn vị trong kỳ, "
            f"{contents.assessments} bản tự đánh giá trống, {contents.windows} thời hạn, "
            f"{contents.events} dòng lịch sử."
        ),
    )


# -- archive ---------------------------------------------------------------------------------------------


def _require_reason(reason: str, what: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ServiceError(f"Hãy nêu lý do {what}.")
    return reason


def _archived_set(*, period: Period, by: Any, reason: str, archive: bool) -> Period:
    """Compare-and-set ``archived_at``/``archived_by`` and record the event, in one transaction."""
    now = timezone.now()
    values = {"archived_at": now if archive else None, "archived_by": by if archive else None}
    with transaction.atomic():
        updated = Period.objects.filter(pk=period.pk, archived_at__isnull=archive).update(
            **values, updated_at=now
        )
        if updated != 1:
            state = "đã được lưu trữ" if archive else "không ở trạng thái lưu trữ"
            raise ConcurrencyError(f"{period.name} {state}.")
        event = PeriodEvent.objects.create(
            period=period,
            kind=PeriodEventKind.ARCHIVE,
            detail="Lưu trữ kỳ đánh giá: chỉ còn để xem." if archive else "Bỏ lưu trữ kỳ đánh giá.",
            from_phase=period.phase,
            to_phase=period.phase,
            reason=reason,
            by=by,
        )
        audit_period_event(event)
    period.archived_at, period.archived_by = values["archived_at"], values["archived_by"]
    return period


def period_archive(*, period: Period, by: Any, reason: str) -> Period:
    """Archive a period (SPEC §3a): it stays, read-only, hidden from the period switcher unless asked for.
    Any period may be archived except the province's current one; a reason is required."""
    _require_secretariat(by, period)
    reason = _require_reason(reason, "lưu trữ kỳ")
    if _is_current(period):
        raise ServiceError(
            f"{period.name} đang là kỳ hiện hành của tỉnh: hãy chọn kỳ hiện hành khác trước khi lưu trữ."
        )
    return _archived_set(period=period, by=by, reason=reason, archive=True)


def period_unarchive(*, period: Period, by: Any, reason: str) -> Period:
    """Bring an archived period back: it is shown and editable again as its phase allows. A reason is required."""
    _require_secretariat(by, period)
    reason = _require_reason(reason, "bỏ lưu trữ kỳ")
    return _archived_set(period=period, by=by, reason=reason, archive=False)


# -- roll-over -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexSetCopy:
    group_code: str
    group_name: str
    nodes: int
    leaves: int
    version: int


@dataclass(frozen=True)
class UnitCopy:
    code: str
    name: str
    tags: str


@dataclass(frozen=True)
class GroupCopy:
    code: str
    name: str
    units: list[UnitCopy]

    @property
    def count(self) -> int:
        return len(self.units)


@dataclass(frozen=True)
class RoleCopy:
    person: str
    role: str
    unit: str


@dataclass(frozen=True)
class AssignmentCopy:
    member: str
    field_code: str
    group: str


@dataclass(frozen=True)
class SettingCopy:
    label: str
    value: str


@dataclass
class RolloverPreview:
    """What :func:`period_rollover` would copy from ``source`` into ``year``, and what blocks it.

    ``target`` is the period of ``year`` when it exists and is still empty (preparing, no index set, unit,
    assessment or council record): the roll-over fills it, keeping its name and windows, instead of refusing.
    """

    source: Period
    year: int
    target: Period | None = None
    index_sets: list[IndexSetCopy] = field(default_factory=list)
    groups: list[GroupCopy] = field(default_factory=list)
    skipped_units: list[str] = field(default_factory=list)
    council_roles: list[RoleCopy] = field(default_factory=list)
    assignments: list[AssignmentCopy] = field(default_factory=list)
    settings: list[SettingCopy] = field(default_factory=list)
    texts: list[SettingCopy] = field(default_factory=list)
    signer: str = ""
    not_copied: tuple[str, ...] = NOT_COPIED
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def unit_count(self) -> int:
        return sum(g.count for g in self.groups)


def _plain(value: Any) -> str:
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text.replace(".", ",")


def _pairs(pairs: list[list[str]], labels: dict[str, str]) -> str:
    return "; ".join(f"{labels.get(key, key)} ≥ {_plain(value)}" for key, value in pairs)


def _settings_of(period: Period) -> list[SettingCopy]:
    weights = "; ".join(f"{k} = {v} %" for k, v in period.survey_weights.items())
    return [
        SettingCopy("Số chữ số thập phân của chỉ số", str(period.decimals)),
        SettingCopy("Ngưỡng xếp loại (%)", _pairs(period.bands, BAND_LABELS)),
        SettingCopy("Ngưỡng đánh giá người đứng đầu (%)", _pairs(period.head_ratings, HEAD_RATING_LABELS)),
        SettingCopy(
            "Chỉ số thành phần tối thiểu để xét người đứng đầu (%)",
            _plain(period.head_min_field_index)
            if period.head_min_field_index is not None
            else "không áp dụng",
        ),
        SettingCopy("Trọng số phương án điều tra XHH", weights),
        SettingCopy("Số ngày giải trình", str(period.explanation_days)),
    ]


def _texts_of(period: Period) -> list[SettingCopy]:
    return [
        SettingCopy("Căn cứ pháp lý", period.legal_bases),
        SettingCopy("Theo đề nghị của", period.proposal),
        SettingCopy("Nơi nhận", period.recipients),
    ]


def _target_problems(target: Period, contents: PeriodContents) -> list[str]:
    if target.is_archived:
        return [
            f"Năm {target.year} đã có {target.name} và kỳ này đã lưu trữ: hãy bỏ lưu trữ hoặc chọn năm khác."
        ]
    if target.phase != Phase.PREPARING:
        return [
            f"Năm {target.year} đã có {target.name} ở giai đoạn «{target.get_phase_display()}»: chỉ điền được "
            "vào một kỳ còn trống ở giai đoạn Chuẩn bị."
        ]
    if contents.is_empty:
        return []
    parts = list(contents.blockers)
    if contents.index_sets:
        parts.append(f"{contents.index_sets} bộ chỉ số")
    if contents.memberships:
        parts.append(f"{contents.memberships} đơn vị")
    if contents.assessments and not contents.has_data:
        parts.append(f"{contents.assessments} bản tự đánh giá")
    return [
        f"Năm {target.year} đã có {target.name} với {', '.join(parts)}: chỉ điền được vào một kỳ còn "
        "trống. Hãy chọn năm khác, hoặc xóa kỳ đó nếu chưa có dữ liệu."
    ]


def rollover_preview(*, source: Period, year: int) -> RolloverPreview:
    """What rolling ``source`` over into ``year`` copies (SPEC §3a): the index set of every group, each group's
    tracked units (with their tags, which live on the unit), the council of the source period (its roles and
    assignments), the period settings and the decision's fixed texts; and every problem that blocks it.

    A fixed number of queries whatever the size of the source. Writes nothing."""
    preview = RolloverPreview(source=source, year=year)
    try:
        _check_year(year)
    except ServiceError as error:
        preview.problems.append(error.message)
    if year <= source.year:
        preview.problems.append(f"Năm của kỳ mới ({year}) phải sau năm của kỳ nguồn ({source.year}).")
    target = Period.objects.filter(year=year).first()
    if target is not None:
        target_problems = _target_problems(target, period_contents(target))
        preview.problems.extend(target_problems)
        if not target_problems:
            preview.target = target

    sets = (
        IndexSet.objects.filter(period=source)
        .select_related("group")
        .annotate(node_count=Count("nodes"), leaf_count=Count("nodes", filter=Q(nodes__is_leaf=True)))
        .order_by("group__order", "group__code")
    )
    preview.index_sets = [
        IndexSetCopy(s.group.code, s.group.name, s.node_count, s.leaf_count, s.version) for s in sets
    ]

    groups: dict[str, GroupCopy] = {}
    memberships = (
        UnitMembership.objects.filter(period=source)
        .select_related("unit", "group")
        .order_by("group__order", "group__code", "unit__name")
    )
    for m in memberships:
        unit = m.unit
        if not m.tracked:
            reason = f": {m.untracked_reason}" if m.untracked_reason else ""
            preview.skipped_units.append(f"{unit.name} (ngừng theo dõi năm {source.year}{reason})")
            continue
        if not unit.active:
            preview.skipped_units.append(f"{unit.name} (đơn vị đã ngừng hoạt động trong danh mục)")
            continue
        group = groups.setdefault(m.group.code, GroupCopy(m.group.code, m.group.name, []))
        group.units.append(UnitCopy(unit.code, unit.name, unit.tags))
    preview.groups = list(groups.values())

    roles = (
        RoleAssignment.objects.filter(period=source)
        .exclude(role__in=UNIT_ROLES)
        .select_related("user", "unit")
        .order_by("role", "user__username")
    )
    preview.council_roles = [
        RoleCopy(_who(r.user), Role(r.role).label, r.unit.name if r.unit_id else "") for r in roles
    ]
    assignments = source.council_assignments.select_related("member", "group").order_by(
        "member__username", "field_code", "group__order"
    )
    preview.assignments = [
        AssignmentCopy(_who(a.member), a.field_code, a.group.name if a.group_id else "mọi khối")
        for a in assignments
    ]

    preview.settings = _settings_of(source)
    preview.texts = _texts_of(source)
    # Read only: Organisation.current() would create the row on a GET.
    org = Organisation.objects.order_by("pk").first() or Organisation()
    preview.signer = " – ".join(p for p in (org.signer_for, org.signer_title, org.signer_name) if p)
    if not preview.index_sets and not preview.groups:
        preview.problems.append(
            f"{source.name} chưa có bộ chỉ số và đơn vị nào: không có gì để chuyển sang năm {year}."
        )
    return preview


# Steps of a roll-over with the council (``include_council``) that belong to apps above the registry, each
# called inside the roll-over's transaction as ``copy(source=…, target=…, by=…)`` and returning how many rows
# it created: the council's assignments (``CouncilConfig.ready``).
ROLLOVER_COPIES: list[Callable[..., int]] = []


def period_rollover(*, source: Period, year: int, by: Any, include_council: bool, reason: str = "") -> Period:
    """Start ``year`` from ``source`` in one step (SPEC §3a, issue 9): exactly what :func:`rollover_preview`
    lists. Index sets are copied as version 1 (editable: the new period is in preparation), memberships only
    for tracked, active units, the council's roles and assignments only with ``include_council``. Decision
    number and date, the proposal reference and the phase windows are not copied. An existing empty period
    of ``year`` is filled instead of a new one created. Logged as a roll-over event on the new period."""
    _require_secretariat(by, source)
    try:
        with transaction.atomic():
            return _rollover(source=source, year=year, by=by, include_council=include_council, reason=reason)
    except IntegrityError:
        raise ConcurrencyError(
            f"Kỳ năm {year} vừa được người khác tạo hoặc thay đổi. Hãy tải lại trang để xem trước lần nữa."
        )


def _rollover(*, source: Period, year: int, by: Any, include_council: bool, reason: str) -> Period:
    # Lock an existing target row so that nobody fills it between the check and the copy; a new year is
    # protected by the unique year (IntegrityError above).
    Period.objects.select_for_update().filter(year=year).first()
    preview = rollover_preview(source=source, year=year)
    if preview.problems:
        raise ServiceError(f"Không thể tạo kỳ năm {year} từ {source.name}: " + " ".join(preview.problems))
    values = {name: getattr(source, name) for name in (*SETTING_FIELDS, *TEXT_FIELDS)}
    if preview.target is None:
        period = Period.objects.create(year=year, name=period_name(year), phase=Phase.PREPARING, **values)
    else:
        period = preview.target
        for name, value in values.items():
            setattr(period, name, value)
        period.save(update_fields=[*values, "updated_at"])

    sets = list(IndexSet.objects.filter(period=source).select_related("group").order_by("group__order"))
    for index_set in sets:
        index_set_clone(source=index_set, period=period)

    tracked = UnitMembership.objects.filter(period=source, tracked=True, unit__active=True)
    memberships = UnitMembership.objects.bulk_create(
        UnitMembership(period=period, unit_id=m.unit_id, group_id=m.group_id) for m in tracked
    )

    roles: list[RoleAssignment] = []
    assignments = 0
    if include_council:
        roles = RoleAssignment.objects.bulk_create(
            RoleAssignment(user_id=r.user_id, role=r.role, unit_id=r.unit_id, period=period)
            for r in RoleAssignment.objects.filter(period=source).exclude(role__in=UNIT_ROLES)
        )
        assignments = sum(copy(source=source, target=period, by=by) for copy in ROLLOVER_COPIES)

    council = (
        f"{len(roles)} vai trò gắn với kỳ (Hội đồng, Tổ thư ký…) và {assignments} phân công thẩm định"
        if include_council
        else "không sao chép Hội đồng"
    )
    detail = (
        f"Tạo từ {source.name}: {len(sets)} bộ chỉ số, {len(memberships)} đơn vị trong "
        f"{len(preview.groups)} khối, {council}; thiết lập và văn bản cố định của quyết định. "
        "Chưa có thời hạn các giai đoạn, số và ngày quyết định, Tờ trình."
    )
    event = PeriodEvent.objects.create(
        period=period,
        kind=PeriodEventKind.ROLLOVER,
        detail=detail,
        from_phase=period.phase,
        to_phase=period.phase,
        reason=reason.strip(),
        by=by,
    )
    audit_period_event(event)
    return period


# -- export ----------------------------------------------------------------------------------------------


def units_export(*, period: Period) -> TemplateFile:
    """The period's units as the units import workbook (same header, one row per unit): exported from one year
    and imported into another it gives the same units, groups, names, heads and tags. Like the roll-over it
    leaves out units the period stopped tracking and units deactivated in the registry (importing them would
    bring them back); the instructions sheet names them."""
    rows: list[dict[str, str]] = []
    left_out: list[str] = []
    memberships = (
        UnitMembership.objects.filter(period=period)
        .select_related("unit", "group")
        .order_by("group__order", "group__code", "unit__name")
    )
    for m in memberships:
        unit = m.unit
        if not m.tracked:
            left_out.append(f"{unit.code} ({unit.name}, ngừng theo dõi trong kỳ)")
            continue
        if not unit.active:
            left_out.append(f"{unit.code} ({unit.name}, đã ngừng hoạt động)")
            continue
        rows.append(
            {
                "code": unit.code,
                "name": unit.name,
                "group": m.group.code,
                "group_name": m.group.name,
                "short_name": unit.short_name,
                "head_name": unit.head_name,
                "head_title": unit.head_title,
                "tags": unit.tags,
            }
        )
    notes = [
        f"Danh sách đơn vị của {period.name}: {len(rows)} đơn vị, xuất lúc "
        f"{timezone.localtime().strftime('%H:%M ngày %d/%m/%Y')}. Nhập tệp này vào năm khác (Danh mục → Nhập "
        "đơn vị) để có cùng các đơn vị, khối, người đứng đầu và nhãn."
    ]
    if left_out:
        notes.append("Không gồm: " + "; ".join(left_out) + ".")
    return TemplateFile(f"don-vi-{period.year}.xlsx", XLSX_CONTENT_TYPE, units_workbook(rows, notes))
