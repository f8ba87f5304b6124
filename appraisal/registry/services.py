"""Write side of the registry: imports, groups, units, index sets, periods, organisation (SPEC §2–4, §10).

Every service is keyword-only and runs in one transaction. Imports are all-or-nothing: the file is read and
checked completely first; when any problem is found the result lists them all and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, ProtectedError

from appraisal.core.exceptions import PhaseError, ServiceError

from .audit import audit_changes, audit_record
from .codes import by_code_key, code_key, code_refusal, code_taken
from .importing import (
    INDEX_SET_COLUMNS,
    UNIT_COLUMNS,
    FileRejected,
    NodeRow,
    Problem,
    Row,
    parse_index_set,
    parse_units,
    read_table,
    split_list,
)
from .models import (
    AuditAction,
    Group,
    IndexNode,
    IndexSet,
    Organisation,
    Period,
    PeriodEventKind,
    Phase,
    PhaseWindow,
    TextFixLog,
    Unit,
    UnitMembership,
)
from .phases import (
    WINDOW_PHASES,
    fmt_local,
    forget_windows,
    period_closed_refusal,
    period_event_log,
    period_require_open,
    window_check_order,
)

_CODE = re.compile(r"[A-Za-z0-9_-]+")


def _vn(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def period_name(year: int) -> str:
    return f"Chỉ số CCHC năm {year}"


@dataclass
class ImportResult:
    """What an import did, or why it did nothing. ``problems`` empty means everything was written."""

    file_name: str
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    period: Period | None = None
    index_set: IndexSet | None = None
    scale: Decimal | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def messages(self) -> list[str]:
        return [str(p) for p in self.problems]

    @property
    def summary(self) -> str:
        """One Vietnamese line for a message or a command's output."""
        if not self.ok:
            return f"Không nhập tệp «{self.file_name}»: có {len(self.problems)} lỗi, chưa ghi dữ liệu nào."
        c = self.counts
        if self.index_set is not None:
            assert self.scale is not None
            return (
                f"Đã nhập {self.index_set} (phiên bản {self.index_set.version}) từ «{self.file_name}»: "
                f"{c.get('nodes', 0)} mục, {c.get('leaves', 0)} tiêu chí chấm điểm, thang điểm {_vn(self.scale)}."
            )
        assert self.period is not None
        text = (
            f"Đã nhập {c.get('rows', 0)} đơn vị cho năm {self.period.year} từ «{self.file_name}»: "
            f"{c.get('created', 0)} đơn vị mới, {c.get('updated', 0)} đơn vị cập nhật"
        )
        if c.get("groups_created"):
            text += f", {c['groups_created']} khối mới"
        return text + "."


def _period_for_year(year: int) -> Period:
    period, _ = Period.objects.get_or_create(year=year, defaults={"name": period_name(year)})
    return period


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ServiceError(f"Năm {year} không hợp lệ (từ 2000 đến 2100).")


def _check_code(code: str, what: str) -> None:
    if not code or not _CODE.fullmatch(code) or len(code) > 40:
        raise ServiceError(
            f"Mã {what} «{code}» chỉ được gồm chữ cái không dấu, chữ số, «_» hoặc «-» (tối đa 40 ký tự)."
        )


def _next_group_order() -> int:
    return (Group.objects.aggregate(m=Max("order"))["m"] or 0) + 1


# -- units ------------------------------------------------------------------------------------------------


def _membership_set(*, period: Period, unit: Unit, group: Group) -> bool:
    """Put ``unit`` in ``group`` for ``period``; refuse a move once the period's structure is locked."""
    period_require_open(period)
    current = UnitMembership.objects.filter(period=period, unit=unit).first()
    if current is None:
        UnitMembership.objects.create(period=period, unit=unit, group=group)
        return True
    if current.group_id == group.pk:
        return False
    if period.is_locked_structure:
        raise PhaseError(
            f"{unit.name} đã thuộc khối «{current.group.name}» trong {period.name} (giai đoạn "
            f"«{period.get_phase_display()}»): không thể chuyển khối sau khi đã bắt đầu tự đánh giá."
        )
    current.group = group
    current.save(update_fields=["group"])
    return True


def units_import(*, year: int, file_name: str, content: bytes, by: Any) -> ImportResult:
    """Create or update units and their group for ``year`` from a units workbook (SPEC §10).

    Required columns code, name, group; a group not yet known needs its name (group_name) on one of its rows.
    Optional columns that the file has replace the stored values; columns it lacks leave them as they are.
    The period is created when missing ('Chỉ số CCHC năm Y'). All or nothing.
    """
    _check_year(year)
    result = ImportResult(file_name=file_name)
    existing_period = Period.objects.filter(year=year).first()
    if existing_period is not None and period_closed_refusal(existing_period):
        result.problems.append(
            Problem(None, period_closed_refusal(existing_period) + " Không nhập đơn vị vào kỳ này được.")
        )
        return result
    try:
        rows = read_table(file_name, content, UNIT_COLUMNS)
    except FileRejected as rejected:
        result.problems.extend(rejected.problems)
        return result
    with transaction.atomic():
        parsed = parse_units(rows, Group.objects.values_list("code", flat=True))
        problems = list(parsed.problems)
        units = by_code_key(Unit.objects.all())
        for row in parsed.rows:
            holder = units.get(code_key(row.code))
            if holder is not None and holder.code != row.code:
                problems.append(Problem(row.row, code_taken(row.code, "đơn vị", holder)))
        period = Period.objects.filter(year=year).first()
        if period is not None and period.is_locked_structure:
            moving = {
                m.unit.code: m.group
                for m in UnitMembership.objects.filter(
                    period=period, unit__code__in=[r.code for r in parsed.rows]
                ).select_related("unit", "group")
            }
            for row in parsed.rows:
                current = moving.get(row.code)
                if current is not None and current.code != row.group:
                    problems.append(
                        Problem(
                            row.row,
                            f"đơn vị {row.code} đã thuộc khối «{current.name}» trong {period.name} "
                            f"(giai đoạn «{period.get_phase_display()}»): không thể chuyển khối.",
                        )
                    )
        problems.sort(key=lambda p: p.row or 0)
        if problems:
            result.problems = problems
            return result

        period = period or _period_for_year(year)
        groups = {g.code: g for g in Group.objects.all()}
        order = _next_group_order()
        for code, name in parsed.new_groups.items():
            groups[code] = Group.objects.create(code=code, name=name, order=order)
            order += 1
        existing = {u.code: u for u in units.values()}
        created = updated = 0
        for row in parsed.rows:
            values = {"name": row.name}
            for key in ("short_name", "head_name", "head_title", "tags"):
                if key in row.present:
                    values[key] = getattr(row, key)
            unit = existing.get(row.code)
            if unit is None:
                unit = Unit.objects.create(code=row.code, **values)
                created += 1
            else:
                changed = [k for k, v in values.items() if getattr(unit, k) != v]
                if not unit.active:
                    unit.active = True
                    changed.append("active")
                for key in changed:
                    if key != "active":
                        setattr(unit, key, values[key])
                if changed:
                    unit.save(update_fields=[*changed, "updated_at"])
                updated += 1
            _membership_set(period=period, unit=unit, group=groups[row.group])
        result.period = period
        result.counts = {
            "rows": len(parsed.rows),
            "created": created,
            "updated": updated,
            "groups_created": len(parsed.new_groups),
        }
        audit_record(
            action=AuditAction.IMPORT_UNITS,
            by=by,
            object_type="Tệp nhập",
            object_repr=file_name,
            period=period,
            detail=f"{len(parsed.rows)} dòng: thêm {created}, cập nhật {updated} đơn vị, "
            f"thêm {len(parsed.new_groups)} khối.",
            file_name=file_name,
            content=content,
        )
    return result


def unit_create(
    *,
    code: str,
    name: str,
    by: Any,
    short_name: str = "",
    tags: str = "",
    head_name: str = "",
    head_title: str = "",
    email: str = "",
    period: Period | None = None,
    group: Group | None = None,
) -> Unit:
    """A new unit, placed in ``group`` for ``period`` when both are given."""
    _check_code(code, "đơn vị")
    if not name.strip():
        raise ServiceError("Tên đơn vị không được để trống.")
    with transaction.atomic():
        refusal = code_refusal(Unit.objects.all(), code, "đơn vị")
        if refusal is not None:
            raise ServiceError(refusal)
        unit = Unit.objects.create(
            code=code,
            name=name.strip(),
            short_name=short_name.strip(),
            tags=",".join(split_list(tags)),
            head_name=head_name.strip(),
            head_title=head_title.strip(),
            email=email.strip(),
        )
        if period is not None and group is not None:
            _membership_set(period=period, unit=unit, group=group)
        audit_record(
            action=AuditAction.UNIT_CREATE,
            by=by,
            obj=unit,
            period=period,
            changes=audit_changes({}, {**_unit_values(unit), **_group_value(group)}),
        )
    return unit


_UNIT_FIELDS = ("name", "short_name", "tags", "head_name", "head_title", "email")


def _unit_values(unit: Unit) -> dict[str, str]:
    return {key: getattr(unit, key) for key in _UNIT_FIELDS}


def _group_value(group: Group | None) -> dict[str, str]:
    return {"group": group.name} if group is not None else {}


def unit_update(
    *,
    unit: Unit,
    name: str,
    by: Any,
    short_name: str = "",
    tags: str = "",
    head_name: str = "",
    head_title: str = "",
    email: str = "",
    period: Period | None = None,
    group: Group | None = None,
) -> Unit:
    """Change a unit's details, and its group for ``period`` when given. The code never changes."""
    if not name.strip():
        raise ServiceError("Tên đơn vị không được để trống.")
    with transaction.atomic():
        old = _unit_values(unit)
        if period is not None and group is not None:
            membership = (
                UnitMembership.objects.filter(period=period, unit=unit).select_related("group").first()
            )
            old.update(_group_value(membership.group if membership else None))
        unit.name = name.strip()
        unit.short_name = short_name.strip()
        unit.tags = ",".join(split_list(tags))
        unit.head_name = head_name.strip()
        unit.head_title = head_title.strip()
        unit.email = email.strip()
        unit.save()
        if period is not None and group is not None:
            _membership_set(period=period, unit=unit, group=group)
        changes = audit_changes(old, {**_unit_values(unit), **_group_value(group)})
        if changes:
            audit_record(action=AuditAction.UNIT_UPDATE, by=by, obj=unit, period=period, changes=changes)
    return unit


def unit_set_active(*, unit: Unit, active: bool, by: Any) -> Unit:
    """Deactivate (or reactivate) a unit in the registry. Nothing is deleted and no period changes: whether a
    unit takes part in a year is its membership's ``tracked`` flag (:func:`unit_set_tracked`)."""
    with transaction.atomic():
        changed = Unit.objects.filter(pk=unit.pk).exclude(active=active).update(active=active)
        if changed:
            audit_record(
                action=AuditAction.UNIT_ACTIVE, by=by, obj=unit, changes={"active": [not active, active]}
            )
    unit.active = active
    return unit


def unit_set_tracked(*, period: Period, unit: Unit, tracked: bool, reason: str, by: Any) -> UnitMembership:
    """Ngừng theo dõi (or resume): only for a unit that does not take part in ``period`` (dissolved, merged),
    with a reason, recorded in the period's history (SPEC §3a). A unit that simply did not submit is closed
    as «không nộp» instead, so it keeps its index, rank and row in the decision."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Hãy ghi lý do (ví dụ: đơn vị đã sáp nhập, giải thể trong năm).")
    period_require_open(period)
    with transaction.atomic():
        membership = UnitMembership.objects.select_for_update().filter(period=period, unit=unit).first()
        if membership is None:
            raise ServiceError(f"{unit.name} không thuộc {period.name}.")
        if membership.tracked == tracked:
            return membership
        membership.tracked = tracked
        membership.untracked_reason = "" if tracked else reason
        membership.save(update_fields=["tracked", "untracked_reason"])
        period_event_log(
            period=period,
            kind=PeriodEventKind.UNTRACKED,
            unit=unit,
            by=by,
            reason=reason,
            detail=("Tiếp tục theo dõi " if tracked else "Ngừng theo dõi ") + unit.name,
        )
    return membership


# -- groups -----------------------------------------------------------------------------------------------


def group_create(*, code: str, name: str, by: Any, title_noun: str = "", order: int | None = None) -> Group:
    _check_code(code, "khối")
    if not name.strip():
        raise ServiceError("Tên khối không được để trống.")
    with transaction.atomic():
        if Group.objects.filter(code=code).exists():
            raise ServiceError(f"Mã khối «{code}» đã có; hãy chọn mã khác.")
        return Group.objects.create(
            code=code,
            name=name.strip(),
            title_noun=title_noun.strip(),
            order=order if order is not None else _next_group_order(),
        )


def group_update(
    *, group: Group, name: str, by: Any, title_noun: str = "", order: int | None = None
) -> Group:
    if not name.strip():
        raise ServiceError("Tên khối không được để trống.")
    group.name = name.strip()
    group.title_noun = title_noun.strip()
    if order is not None:
        group.order = order
    group.save()
    return group


# -- index sets -------------------------------------------------------------------------------------------


def _create_nodes(index_set: IndexSet, rows: list[NodeRow]) -> int:
    """Create the nodes level by level so that each parent has its primary key before its children."""
    by_code: dict[str, IndexNode] = {}
    for depth in sorted({r.depth for r in rows}):
        level = [
            IndexNode(
                index_set=index_set,
                parent=by_code[r.code.rsplit(".", 1)[0]] if r.depth else None,
                code=r.code,
                title=r.title,
                max_points=r.max_points,
                method=r.method,
                rule=r.rule,
                guidance=r.guidance,
                evidence=r.evidence,
                excluded_tags=r.excluded_tags,
                position=r.position,
                depth=r.depth,
                is_leaf=r.is_leaf,
            )
            for r in rows
            if r.depth == depth
        ]
        for node in IndexNode.objects.bulk_create(level):
            by_code[node.code] = node
    return len(by_code)


def _refuse_locked(period: Period | None) -> None:
    if period is not None and period.is_locked_structure:
        raise PhaseError(
            f"{period.name} đang ở giai đoạn «{period.get_phase_display()}»: bộ chỉ số đã khóa, không thể nhập "
            "hoặc thay thế. Chỉ được sửa lỗi chính tả trong nội dung, hướng dẫn và tài liệu kiểm chứng."
        )


def index_set_import(
    *,
    year: int,
    group_code: str,
    file_name: str,
    content: bytes,
    by: Any,
    group_name: str | None = None,
    scale: Decimal | None = None,
) -> ImportResult:
    """Import (or replace) the index set of a group for a year from a workbook (SPEC §4, §10).

    Creates the period and the group when missing (a new group needs its name). Refuses a period whose
    structure is locked (phase after preparing). Replacing an existing set of that group bumps its version.
    ``scale`` makes a different scale an error. All or nothing: on any problem nothing is written.
    """
    try:
        rows = read_table(file_name, content, INDEX_SET_COLUMNS)
    except FileRejected as rejected:
        _check_year(year)
        _check_code(group_code.strip(), "khối")
        _refuse_locked(Period.objects.filter(year=year).first())
        return ImportResult(file_name=file_name, problems=list(rejected.problems))
    return index_set_import_rows(
        year=year,
        group_code=group_code,
        group_name=group_name,
        rows=rows,
        source_name=file_name,
        scale=scale,
        by=by,
        content=content,
    )


def index_set_import_rows(
    *,
    year: int,
    group_code: str,
    rows: list[Row],
    source_name: str,
    by: Any,
    group_name: str | None = None,
    scale: Decimal | None = None,
    content: bytes | None = None,
) -> ImportResult:
    """The checking and writing half of :func:`index_set_import`, for rows already read (seed_demo uses it).
    The audit row keeps ``content``, the imported file, when given."""
    _check_year(year)
    result = ImportResult(file_name=source_name)
    group_code = group_code.strip()
    group_name = (group_name or "").strip()
    _check_code(group_code, "khối")
    _refuse_locked(Period.objects.filter(year=year).first())
    group = Group.objects.filter(code=group_code).first()
    if group is None and not group_name:
        result.problems.append(
            Problem(
                None,
                f"Khối «{group_code}» chưa có trong danh mục: hãy nhập tên khối để tạo khối mới, "
                "hoặc chọn một khối đã có.",
            )
        )
    parsed = parse_index_set(rows, expected_scale=scale)
    result.problems.extend(parsed.problems)
    if result.problems:
        return result

    with transaction.atomic():
        period = Period.objects.select_for_update().filter(year=year).first()
        _refuse_locked(period)
        period = period or _period_for_year(year)
        if group is None:
            group = Group.objects.create(code=group_code, name=group_name, order=_next_group_order())
        index_set = IndexSet.objects.filter(period=period, group=group).first()
        if index_set is None:
            index_set = IndexSet.objects.create(period=period, group=group, source_name=source_name)
        else:
            try:
                index_set.nodes.all().delete()
            except ProtectedError:
                raise ServiceError(
                    f"Không thể thay thế {index_set}: đã có đơn vị tự đánh giá theo bộ chỉ số này."
                )
            index_set.version += 1
            index_set.source_name = source_name
            index_set.copied_from = None
            index_set.save(update_fields=["version", "source_name", "copied_from", "updated_at"])
        count = _create_nodes(index_set, parsed.nodes)
        audit_record(
            action=AuditAction.IMPORT_INDEX_SET,
            by=by,
            obj=index_set,
            period=period,
            changes={"version": [index_set.version - 1, index_set.version]} if index_set.version > 1 else {},
            detail=f"Tệp {source_name}: {count} mục, {parsed.leaf_count} tiêu chí chấm điểm.",
            file_name=source_name,
            content=content,
        )
    result.period = period
    result.index_set = index_set
    result.scale = parsed.scale
    result.counts = {"nodes": count, "leaves": parsed.leaf_count}
    return result


def index_set_clone(*, source: IndexSet, period: Period) -> IndexSet:
    """Create version 1 of ``source``'s group set in ``period``, node for node (parents rebuilt by code).

    The one copy of a set's tree, shared by :func:`index_set_copy` and the roll-over of a whole year
    (:mod:`appraisal.registry.lifecycle`). The caller checks the target and holds the transaction."""
    copy = IndexSet.objects.create(
        period=period, group=source.group, version=1, copied_from=source, source_name=source.source_name
    )
    rows = [
        NodeRow(
            row=0,
            code=n.code,
            title=n.title,
            max_points=n.max_points,
            method=n.method,
            rule=n.rule,
            guidance=n.guidance,
            evidence=n.evidence,
            excluded_tags=n.excluded_tags,
            position=n.position,
            depth=n.depth,
            is_leaf=n.is_leaf,
        )
        for n in source.nodes.order_by("position")
    ]
    _create_nodes(copy, rows)
    return copy


def index_set_copy(*, source: IndexSet, year: int, by: Any) -> IndexSet:
    """Copy a set (usually last year's) to another year as version 1 of that year's set for the same group.

    The target period must already exist (Tạo kỳ đánh giá, or Tạo kỳ mới từ năm trước), still be in preparation
    and have no set for the group. A copy never creates a period: creating one is a decision of its own
    (issue 9: the copy used to create next year silently)."""
    _check_year(year)
    if year == source.period.year:
        raise ServiceError("Hãy chọn một năm khác với năm của bộ chỉ số nguồn.")
    with transaction.atomic():
        period = Period.objects.select_for_update().filter(year=year).first()
        if period is None:
            raise ServiceError(
                f"Chưa có kỳ đánh giá năm {year}: hãy tạo kỳ năm {year} (hoặc tạo kỳ mới từ năm trước) "
                "rồi sao chép bộ chỉ số."
            )
        _refuse_locked(period)
        if IndexSet.objects.filter(period=period, group=source.group).exists():
            raise ServiceError(
                f"Năm {year} đã có bộ chỉ số của khối «{source.group.name}». Hãy nhập tệp để thay thế bộ đó."
            )
        return index_set_clone(source=source, period=period)


TEXT_FIX_FIELDS = ("title", "guidance", "evidence")


def index_node_text_fix(*, node: IndexNode, by: Any, **texts: str) -> int:
    """Fix the wording of a node (title, guidance, evidence), also in a locked set. Each change is logged in
    TextFixLog (who, when, old → new). Points, methods and rules are not touched. Returns the fields changed."""
    unknown = set(texts) - set(TEXT_FIX_FIELDS)
    if unknown:
        raise ServiceError("Chỉ sửa được nội dung, hướng dẫn chấm và tài liệu kiểm chứng.")
    period_require_open(node.index_set.period)
    if "title" in texts and not texts["title"].strip():
        raise ServiceError("Nội dung tiêu chí không được để trống.")
    with transaction.atomic():
        current = IndexNode.objects.select_for_update().get(pk=node.pk)
        changed: list[str] = []
        for name, new in texts.items():
            new = new.strip()
            old = getattr(current, name)
            if new == old:
                continue
            TextFixLog.objects.create(node=current, field=name, old=old, new=new, by=by)
            audit_record(
                action=AuditAction.TEXT_FIX,
                by=by,
                obj=current,
                object_repr=f"{current.code} ({current.index_set})",
                period=node.index_set.period,
                changes={name: [old, new]},
            )
            setattr(current, name, new)
            changed.append(name)
        if changed:
            current.save(update_fields=changed)
    for name in changed:
        setattr(node, name, getattr(current, name))
    return len(changed)


# -- periods and organisation ------------------------------------------------------------------------------


def period_create(*, year: int, by: Any, name: str = "") -> Period:
    """A new period in preparation. It changes nothing for anyone else: the province's current period stays
    as it is until the secretariat chooses another (SPEC §3a)."""
    _check_year(year)
    with transaction.atomic():
        if Period.objects.filter(year=year).exists():
            raise ServiceError(f"Đã có kỳ đánh giá năm {year}.")
        return Period.objects.create(year=year, name=name.strip() or period_name(year))


PERIOD_SETTING_FIELDS = (
    "name",
    "decimals",
    "bands",
    "head_ratings",
    "head_min_field_index",
    "survey_weights",
    "explanation_days",
    "decision_number",
    "decision_date",
    "legal_bases",
    "proposal",
    "proposal_number",
    "proposal_date",
    "recipients",
)
# What the secretariat still completes after finalisation: the decision's own texts, not what results read.
DECISION_FIELDS = frozenset(
    {
        "decision_number",
        "decision_date",
        "legal_bases",
        "proposal",
        "proposal_number",
        "proposal_date",
        "recipients",
    }
)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(trống)"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


# Called inside period_update's transaction with the names of the settings that changed, so that what is derived
# from them is refreshed with them (the stored points of assessments: ``AssessmentsConfig.ready``). Registry
# sits below the apps that derive, so they hand their refresh down here.
PERIOD_SETTINGS_REFRESH: list[Callable[[Period, frozenset[str]], None]] = []


def period_update(*, period: Period, by: Any, **values: Any) -> Period:
    """Change a period's settings and decision fields, recorded in the period's history (old → new).

    Settings that change results (decimals, bands, head ratings, survey weights…) are frozen once the period is
    finalised; after approval (or archiving) nothing changes."""
    unknown = set(values) - set(PERIOD_SETTING_FIELDS)
    if unknown:
        raise ServiceError("Trường không sửa được: " + ", ".join(sorted(unknown)))
    changed = [k for k, v in values.items() if getattr(period, k) != v]
    if not changed:
        return period
    if period.phase == Phase.FINALISED and not period.is_archived:
        frozen = [k for k in changed if k not in DECISION_FIELDS]
        if frozen:
            raise PhaseError(
                f"{period.name} đã chốt kết quả: chỉ còn sửa được các nội dung của quyết định "
                "(số, ngày, căn cứ, Tờ trình, nơi nhận). Các thiết lập ảnh hưởng đến kết quả đã bị khóa."
            )
    else:
        period_require_open(period)
    labels = {f.name: str(f.verbose_name) for f in Period._meta.fields}
    detail = "; ".join(
        f"{labels.get(k, k)}: {_shown(getattr(period, k))} → {_shown(values[k])}" for k in changed
    )
    with transaction.atomic():
        for key in changed:
            setattr(period, key, values[key])
        period.save(update_fields=[*changed, "updated_at"])
        for refresh in PERIOD_SETTINGS_REFRESH:
            refresh(period, frozenset(changed))
        period_event_log(period=period, kind=PeriodEventKind.SETTINGS, by=by, detail=detail)
    return period


def phase_window_set(
    *, period: Period, phase: str, opens_at: datetime, due_at: datetime, grace_minutes: int, by: Any
) -> PhaseWindow:
    """Set the dated window of one phase (shown due time plus hidden grace), in phase order without overlap;
    recorded in the period's history."""
    if phase not in Phase.values or phase == Phase.PREPARING or phase not in WINDOW_PHASES:
        raise ServiceError("Giai đoạn không có thời hạn.")
    if grace_minutes < 0:
        raise ServiceError("Số phút gia hạn ẩn không được âm.")
    period_require_open(period)
    window_check_order(period=period, phase=phase, opens_at=opens_at, due_at=due_at)
    with transaction.atomic():
        window, _ = PhaseWindow.objects.update_or_create(
            period=period,
            phase=phase,
            defaults={"opens_at": opens_at, "due_at": due_at, "grace_minutes": grace_minutes},
        )
        period_event_log(
            period=period,
            kind=PeriodEventKind.WINDOW,
            by=by,
            detail="{label}: từ {start} đến hạn chót {due}, gia hạn ẩn {g} phút".format(
                label=Phase(phase).label, start=fmt_local(opens_at), due=fmt_local(due_at), g=grace_minutes
            ),
        )
    forget_windows(period)
    return window


def period_set_current(*, period: Period, by: Any, reason: str = "") -> Period:
    """Choose the province's current period: everyone's default landing period (SPEC §3a). Recorded in the
    history of the period chosen."""
    if period.is_archived:
        raise ServiceError(f"{period.name} đã được lưu trữ: không chọn làm kỳ hiện hành được.")
    with transaction.atomic():
        org = Organisation.current()
        if org.current_period_id == period.pk:
            return period
        previous = org.current_period
        org.current_period = period
        org.save(update_fields=["current_period", "updated_at"])
        period_event_log(
            period=period,
            kind=PeriodEventKind.CURRENT,
            by=by,
            reason=reason,
            detail="Chọn làm kỳ hiện hành" + (f" thay cho {previous.name}" if previous else ""),
        )
    return period


ORGANISATION_FIELDS = (
    "name",
    "issuer_name",
    "parent_name",
    "place",
    "chairman_title",
    "signer_name",
    "signer_title",
    "signer_for",
    "notice_issuer_name",
    "notice_parent_name",
    "notice_symbol",
    "notice_signer_for",
    "notice_signer_title",
    "notice_signer_name",
)


def organisation_update(*, by: Any, **values: str) -> Organisation:
    unknown = set(values) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ServiceError("Trường không sửa được: " + ", ".join(sorted(unknown)))
    with transaction.atomic():
        org = Organisation.current()
        for key, value in values.items():
            setattr(org, key, value.strip())
        org.save()
    return org
