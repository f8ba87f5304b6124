"""Dates as people type and read them (SPEC §3, §3a, §11): Asia/Ho_Chi_Minh, dd/mm/yyyy, a deadline typed as a
date alone meaning the end of that day."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_ONLY_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y")
DATETIME_FORMATS = (
    "%d/%m/%Y %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
)


def fmt_local(value: dt.datetime) -> str:
    """'HH:MM ngày dd/mm/yyyy' in Asia/Ho_Chi_Minh."""
    return timezone.localtime(value, LOCAL_TZ).strftime("%H:%M ngày %d/%m/%Y")


def end_of_day(day: dt.date) -> dt.datetime:
    """A date typed without a time means the end of that day: 23:59 Asia/Ho_Chi_Minh (SPEC §3a)."""
    return dt.datetime.combine(day, dt.time(23, 59), tzinfo=LOCAL_TZ)


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=LOCAL_TZ)


# A day typed as people write it (dd/mm/yyyy, an optional time after it): when its numbers name no day of the
# calendar (31/02, month 13), the person is told to check the day and month, not that the format is wrong (QA).
TYPED_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")


def no_such_day(text: str) -> str:
    """The refusal of a date written dd/mm/yyyy whose day does not exist, else ''."""
    match = TYPED_DAY.match(text)
    if match is None:
        return ""
    day, month, year = (int(g) for g in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError:
        written = text.split()[0]
        return f"Ngày {written} không có thật: hãy kiểm tra lại ngày, tháng."
    return ""


class DayField(forms.DateField):
    """A day typed dd/mm/yyyy: a day that does not exist (31/02/2024, month 13) is refused as such
    (:func:`no_such_day`), not as a format error."""

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str):
            missing = no_such_day(value.strip())
            if missing:
                raise forms.ValidationError(missing, code="no_such_day")
        return super().to_python(value)


class LocalDateTimeField(forms.DateTimeField):
    """A date and time in Asia/Ho_Chi_Minh, typed 'dd/mm/yyyy hh:mm' (or as the browser's datetime-local
    sends it). A date alone is accepted: 23:59 of that day for a deadline (``date_only="end"``), 00:00 for an
    opening time (``date_only="start"``); the page says which time was taken."""

    def __init__(self, *, date_only: str = "end", **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATETIME_FORMATS)
        super().__init__(**kwargs)
        self.date_only = date_only

    def to_python(self, value: Any) -> dt.datetime | None:
        if isinstance(value, str):
            text = value.strip()
            missing = no_such_day(text)
            if missing:
                raise forms.ValidationError(missing, code="no_such_day")
            for fmt in DATE_ONLY_FORMATS:
                try:
                    day = dt.datetime.strptime(text, fmt).date()
                except ValueError:
                    continue
                return end_of_day(day) if self.date_only == "end" else start_of_day(day)
        result = super().to_python(value)
        if result is not None and timezone.is_naive(result):
            result = result.replace(tzinfo=LOCAL_TZ)
        return result
