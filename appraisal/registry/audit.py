"""The audit trail (issue 13, build item 5): one append-only table, written by the services.

Why our own table and not django-auditlog or django-simple-history: those libraries record model saves
through signals. Most changes here are compare-and-set ``QuerySet.update`` calls (which send no signal),
carry a reason that is not a model field, or are not model changes at all (a login, an export, an import
whose file must be kept). The services already know who acts and why, so each writes its row here;
PeriodEvent and TextFixLog stay as the domain's own history and are mirrored into this table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from appraisal.core.labels import change_label, person_label

from .models import AuditAction, AuditEntry, Period, PeriodEvent

__all__ = [
    "audit_changes",
    "audit_rows",
    "change_text",
    "audit_export",
    "audit_list",
    "audit_person",
    "audit_period_event",
    "audit_record",
]


def _person(by: Any) -> tuple[Any, str]:
    if by is None or not getattr(by, "is_authenticated", False):
        return None, ""
    return by, (by.get_full_name() or by.username)


def _shown(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def audit_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value differs."""
    return {
        key: [_shown(old.get(key)), _shown(new.get(key))]
        for key in new
        if _shown(old.get(key)) != _shown(new.get(key))
    }


def audit_record(
    *,
    action: str,
    by: Any,
    obj: models.Model | None = None,
    object_type: str = "",
    object_repr: str = "",
    period: Period | None = None,
    changes: Mapping[str, list[Any]] | None = None,
    detail: str = "",
    reason: str = "",
    file_name: str = "",
    content: bytes | None = None,
) -> AuditEntry:
    """Append one row. ``obj`` names the object (its verbose name, pk and text); an import passes the file's
    name and bytes so the file is kept with the row."""
    person, name = _person(by)
    entry = AuditEntry(
        action=action,
        by=person,
        by_name=name,
        period=period,
        object_type=object_type or (str(obj._meta.verbose_name) if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:300],
        changes=dict(changes or {}),
        detail=detail,
        reason=reason,
    )
    if content is not None:
        # The stored name never comes from the person (issue 13 item 2): the action and the detected kind.
        extension = "xlsx" if content.startswith(b"PK") else "csv"
        entry.file.save(f"{action.replace('_', '-')}.{extension}", ContentFile(content), save=False)
        if file_name and not entry.object_repr:
            entry.object_repr = file_name[:300]
    entry.save()
    return entry


def audit_period_event(event: PeriodEvent) -> AuditEntry:
    """Mirror a period event (phase, window, extension, settings, …) into the audit trail."""
    changes = {}
    if event.from_phase != event.to_phase:
        changes["phase"] = [event.get_from_phase_display(), event.get_to_phase_display()]
    unit = event.unit
    return audit_record(
        action=event.kind,
        by=event.by,
        obj=unit if unit is not None else event.period,
        period=event.period,
        changes=changes,
        detail=event.detail,
        reason=event.reason,
    )


def audit_person(
    *, action: str, by: Any, person: Any, period: Period | None, changes: Mapping[str, Any]
) -> AuditEntry:
    """A change about a person (council role, assignment), named by their full name."""
    return audit_record(
        action=action,
        by=by,
        obj=person,
        object_type="Người dùng",
        object_repr=person_label(person),
        period=period,
        changes=changes,
    )


def audit_export(*, by: Any, filename: str, period: Period | None = None, detail: str = "") -> AuditEntry:
    """Record that ``by`` downloaded an export (results, annex, decision, notices, workbooks)."""
    return audit_record(
        action=AuditAction.EXPORT,
        by=by,
        object_type="Tệp xuất",
        object_repr=filename,
        period=period,
        detail=detail,
    )


# -- reading the trail ------------------------------------------------------------------------------------


def audit_list(
    *,
    person: Any = None,
    object_text: str = "",
    action: str = "",
    period: Period | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """The trail, newest first, filtered by person, object (type or name, case-insensitive part), action,
    period and dates (inclusive, days in Asia/Ho_Chi_Minh)."""
    rows = AuditEntry.objects.select_related("period")
    if person is not None:
        rows = rows.filter(by=person)
    object_text = object_text.strip()
    if object_text:
        rows = rows.filter(Q(object_repr__icontains=object_text) | Q(object_type__icontains=object_text))
    if action:
        rows = rows.filter(action=action)
    if period is not None:
        rows = rows.filter(period=period)
    zone = timezone.get_current_timezone()
    if date_from is not None:
        rows = rows.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=zone))
    if date_to is not None:
        rows = rows.filter(at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone))
    return rows


def audit_rows(rows: Iterable[AuditEntry]) -> list[tuple[str, ...]]:
    """Plain text rows for the export (appraisal.documents.auditcsv writes them): time in Asia/Ho_Chi_Minh,
    person, action, period, object type, object, changes (old → new), reason, detail, kept file."""
    return [
        (
            timezone.localtime(row.at).strftime("%d/%m/%Y %H:%M:%S"),
            row.by_name,
            str(row.get_action_display()),
            row.period.name if row.period else "",
            row.object_type,
            row.object_repr,
            change_text(row.changes),
            row.reason,
            row.detail,
            row.file.name if row.file else "",
        )
        for row in rows
    ]


def change_text(changes: Mapping[str, Any]) -> str:
    """``field: old → new; …`` with «–» for an empty side."""
    parts = []
    for key, pair in changes.items():
        old, new = (list(pair) + [None, None])[:2]
        parts.append(
            f"{change_label(key)}: {'–' if old in (None, '') else old} → {'–' if new in (None, '') else new}"
        )
    return "; ".join(parts)


def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Receiver of ``user_logged_in``: one row per successful login (failed ones are django-axes' records)."""
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    audit_record(
        action=AuditAction.LOGIN,
        by=user,
        obj=user,
        object_type="Người dùng",
        object_repr=person_label(user),
        detail=f"Địa chỉ {address}" if address else "",
    )
