"""The secretariat's audit-trail page (issue 13, build item 5): filter by person, object, action, period and
dates; export what is shown to the Vietnamese-Excel CSV. Secretariat and administrator only; a secretariat role
given for some periods shows the rows of those periods only (SPEC §6a; rows without a period need a role without
a period), filtered rather than refused, so the page and its CSV never say what happened in another year."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from appraisal.core import roles
from appraisal.documents.auditcsv import build_audit_csv
from appraisal.registry.audit import audit_export, audit_list, audit_rows
from appraisal.registry.models import AUDIT_ACTION_CHOICES, AuditEntry, Period
from appraisal.registry.selectors import registry_require

PAGE_SIZE = 100


class AuditFilterForm(forms.Form):
    person = forms.ModelChoiceField(
        label="Người thực hiện",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="— tất cả —",
    )
    object_text = forms.CharField(label="Đối tượng (tên hoặc loại)", required=False, max_length=100)
    action = forms.ChoiceField(label="Thao tác", required=False)
    period = forms.ModelChoiceField(
        label="Kỳ đánh giá", queryset=Period.objects.none(), required=False, empty_label="— tất cả —"
    )
    date_from = forms.DateField(
        label="Từ ngày", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Đến ngày", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, held: frozenset[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = AuditEntry.objects.exclude(by=None).values("by")
        self.fields["person"].queryset = get_user_model().objects.filter(pk__in=people).order_by("username")
        self.fields["person"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["action"].choices = [("", "— tất cả —"), *AUDIT_ACTION_CHOICES]
        periods = Period.objects.order_by("-year")
        self.fields["period"].queryset = periods if held is None else periods.filter(pk__in=held)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("«Từ ngày» phải trước hoặc bằng «Đến ngày».")
        return data


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, Any]:
    held = roles.periods_held(request.user, roles.SECRETARIAT)  # None: every period and the rows without one
    form = AuditFilterForm(request.GET or None, held=held)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}
    rows = audit_list(**filters)
    return form, rows if held is None else rows.filter(period_id__in=held)


@require_GET
def audit_page(request: HttpRequest) -> HttpResponse:
    registry_require(request.user)
    form, rows = _filtered(request)
    page = Paginator(rows.select_related("by"), PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "scoring/audit_list.html",
        {"form": form, "page": page, "entries": list(page.object_list), "query": query.urlencode()},
    )


@require_GET
def audit_csv(request: HttpRequest) -> HttpResponse:
    registry_require(request.user)
    form, rows = _filtered(request)
    exported = build_audit_csv(audit_rows(rows), stamp=timezone.localtime().strftime("%Y%m%d-%H%M"))
    audit_export(by=request.user, filename=exported.filename, detail=request.GET.urlencode())
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = content_disposition_header(True, exported.filename)
    return response
