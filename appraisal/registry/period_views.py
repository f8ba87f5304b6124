"""Secretariat pages for the life of a period (SPEC §3a): roll last year over, delete an empty period, archive or
unarchive one, download its unit list. Like every registry page: the secretariat and the administrator only
(``registry_require`` / ``period_get_for_user`` raise 403 for anyone else), and a page about one period only to
the secretariat holding its role in that period (``period_require``, SPEC §6a); a view parses, calls one service,
renders or redirects. Nothing is written on GET.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from appraisal.core.exceptions import ServiceError

from . import lifecycle, selectors
from .audit import audit_export
from .forms import PeriodReasonForm, PeriodRolloverForm
from .views import _file_response


@require_http_methods(["GET", "POST"])
def period_rollover(request: HttpRequest) -> HttpResponse:
    """GET: choose the source and the year, see the preview. POST (the preview's one button): create."""
    selectors.province_require(request.user)
    data = request.POST if request.method == "POST" else (request.GET if "source" in request.GET else None)
    initial = {}
    current = selectors.period_current()
    if current is not None:
        initial = {"source": current.pk, "year": current.year + 1}
    form = PeriodRolloverForm(data, initial=initial)
    preview = None
    if data is not None and form.is_valid():
        d = form.cleaned_data
        selectors.period_require(request.user, d["source"])  # the secretariat of the source period (SPEC §6a)
        if request.method == "POST":
            try:
                period = lifecycle.period_rollover(
                    source=d["source"],
                    year=d["year"],
                    include_council=d["include_council"],
                    reason=d["reason"],
                    by=request.user,
                )
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    f"Đã tạo {period.name} từ {d['source'].name}. Bộ chỉ số còn sửa được đến khi mở tự đánh "
                    "giá. Hãy đặt thời hạn các giai đoạn cho năm mới.",
                )
                return redirect("registry:period_detail", pk=period.pk)
        preview = lifecycle.rollover_preview(source=d["source"], year=d["year"])
    include_council = preview is not None and form.cleaned_data["include_council"]
    return render(
        request,
        "registry/period_rollover.html",
        {"form": form, "preview": preview, "include_council": include_council},
    )


@require_http_methods(["GET", "POST"])
def period_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what would be deleted, or what blocks it. POST: delete."""
    period = selectors.period_get_for_user(request.user, pk)
    if request.method == "POST":
        name = period.name
        try:
            lifecycle.period_delete(period=period, by=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("registry:period_delete", pk=pk)
        messages.success(request, f"Đã xóa {name}.")
        return redirect("registry:period_list")
    contents = lifecycle.period_contents(period)
    problems = lifecycle.period_delete_problems(period=period, contents=contents)
    return render(
        request,
        "registry/period_delete.html",
        {"period": period, "contents": contents, "problems": problems},
    )


def _archive_page(request: HttpRequest, pk: int, *, archive: bool) -> HttpResponse:
    period = selectors.period_get_for_user(request.user, pk)
    form = PeriodReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = lifecycle.period_archive if archive else lifecycle.period_unarchive
        try:
            service(period=period, by=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            done = "Đã lưu trữ" if archive else "Đã bỏ lưu trữ"
            messages.success(request, f"{done} {period.name}.")
            return redirect("registry:period_detail", pk=period.pk)
    return render(
        request, "registry/period_archive.html", {"form": form, "period": period, "archive": archive}
    )


@require_http_methods(["GET", "POST"])
def period_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive_page(request, pk, archive=True)


@require_http_methods(["GET", "POST"])
def period_unarchive(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive_page(request, pk, archive=False)


@require_GET
def period_units_export(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.period_get_for_user(request.user, pk)
    exported = lifecycle.units_export(period=period)
    audit_export(by=request.user, filename=exported.filename, period=period)
    return _file_response(exported)
