"""Results pages and downloads. Views parse, call one service or selector, and render or wrap a file."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from appraisal.core import roles
from appraisal.core.exceptions import ServiceError
from appraisal.registry.models import Organisation, Period, Phase, Unit
from appraisal.registry.selectors import period_default_for_user

from . import services
from .adapters import decision_data_from_run, unit_doc_data
from .documents.annex import build_annex
from .documents.csvexport import PLAIN, build_results_csv
from .documents.data import ExportFile, notice_org
from .documents.decision import build_decision
from .documents.pdf import PdfUnavailable, to_pdf
from .documents.unit_docs import KINDS, build_unit_notice, final_sentence
from .forms import ApproveForm, PublishedResultsForm, ReopenForm
from .published import PUBLISHED_COLUMNS, published_results_import, published_rows, published_template_file
from .selectors import can_download_documents, results_view, unit_result_for_user


def _file_response(exported: ExportFile, fmt: str = "") -> HttpResponse:
    """The file itself, or its PDF copy (``fmt='pdf'``) for digital signing; without LibreOffice a page
    says how to add it (503) instead of failing."""
    if fmt == "pdf":
        try:
            exported = to_pdf(exported)
        except PdfUnavailable as exc:
            return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    elif fmt:
        raise Http404
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = content_disposition_header(True, exported.filename)
    return response


def _period(year: int) -> Period:
    return get_object_or_404(Period, year=year)


def index(request: HttpRequest) -> HttpResponse:
    period = period_default_for_user(request.user)
    if period is None:
        raise Http404("Chưa có kỳ đánh giá.")
    if roles.can_view_all_results(request.user):
        return redirect("scoring:period", year=period.year)
    units = roles.roles_of(request.user).editor_units
    if units:
        unit = Unit.objects.filter(pk__in=units).order_by("name").first()
        return redirect("scoring:unit_detail", year=period.year, code=unit.code)
    raise PermissionDenied


def period_results(request: HttpRequest, year: int) -> HttpResponse:
    if not roles.can_view_all_results(request.user):
        raise PermissionDenied
    period = _period(year)
    view = results_view(period=period)
    is_chair, is_secretariat = roles.is_chair(request.user), roles.is_secretariat(request.user)
    # What blocks the next step, shown beside its button with links (SPEC §3a: a blocked action says why).
    blockers: dict[str, Any] = {}
    if period.phase == Phase.REAPPRAISAL and (is_chair or is_secretariat):
        blockers["finalise"] = services.unfinalised_units(period)
    if period.phase == Phase.FINALISED and is_secretariat:
        blockers["approve"] = services.decision_missing(period)
    return render(
        request,
        "scoring/period_results.html",
        {
            "period": period,
            "view": view,
            "blockers": blockers,
            "can_download": can_download_documents(request.user),
            "is_chair": roles.is_chair(request.user),
            "is_secretariat": roles.is_secretariat(request.user),
            "reopen_form": ReopenForm(),
            "approve_form": ApproveForm(),
            "years": Period.objects.order_by("-year").values_list("year", flat=True),
        },
    )


def unit_detail(request: HttpRequest, year: int, code: str) -> HttpResponse:
    period = _period(year)
    unit, row, view = unit_result_for_user(user=request.user, period=period, code=code)
    return render(
        request,
        "scoring/unit_detail.html",
        {"period": period, "unit": unit, "row": row, "view": view},
    )


def _do(request: HttpRequest, action, success: str, year: int) -> HttpResponse:
    try:
        action()
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("scoring:period", year=year)


@require_POST
def period_snapshot(request: HttpRequest, year: int) -> HttpResponse:
    if not roles.is_secretariat(request.user):
        raise PermissionDenied
    period = _period(year)
    run = services.score_run_create(period=period, by=request.user)
    messages.success(request, f"Đã lưu lần tính #{run.pk}.")
    return redirect("scoring:period", year=year)


@require_POST
def period_finalise(request: HttpRequest, year: int) -> HttpResponse:
    if not roles.is_chair(request.user):
        raise PermissionDenied
    period = _period(year)
    return _do(
        request,
        lambda: services.period_finalise(period=period, by=request.user),
        "Đã chốt kết quả kỳ đánh giá và lưu bản kết quả chính thức.",
        year,
    )


@require_POST
def period_reopen(request: HttpRequest, year: int) -> HttpResponse:
    if not roles.is_chair(request.user):
        raise PermissionDenied
    period = _period(year)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Phải nêu lý do mở lại.")
        return redirect("scoring:period", year=year)
    return _do(
        request,
        lambda: services.period_reopen(period=period, by=request.user, reason=form.cleaned_data["reason"]),
        "Đã mở lại kỳ đánh giá để thẩm định lại.",
        year,
    )


@require_POST
def period_approve(request: HttpRequest, year: int) -> HttpResponse:
    if not roles.is_secretariat(request.user):
        raise PermissionDenied
    period = _period(year)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("scoring:period", year=year)
    return _do(
        request,
        lambda: services.period_approve(
            period=period, number=form.cleaned_data["number"], date=form.cleaned_data["date"], by=request.user
        ),
        "Đã nhập số, ngày quyết định; kỳ đánh giá chuyển sang «Đã phê duyệt».",
        year,
    )


def _documents_run(request: HttpRequest, year: int):
    if not can_download_documents(request.user):
        raise PermissionDenied
    period = _period(year)
    return services.snapshot_for_documents(period=period, by=request.user)


def download_annex(request: HttpRequest, year: int, fmt: str = "") -> HttpResponse:
    return _file_response(build_annex(decision_data_from_run(_documents_run(request, year))), fmt)


def download_decision(request: HttpRequest, year: int, fmt: str = "") -> HttpResponse:
    return _file_response(build_decision(decision_data_from_run(_documents_run(request, year))), fmt)


def download_csv(request: HttpRequest, year: int) -> HttpResponse:
    """The results CSV for Excel set to Vietnamese (';' and a decimal comma)."""
    return _file_response(build_results_csv(decision_data_from_run(_documents_run(request, year))))


def download_csv_plain(request: HttpRequest, year: int) -> HttpResponse:
    """The results CSV for other programs (',' and a decimal point)."""
    data = decision_data_from_run(_documents_run(request, year))
    return _file_response(build_results_csv(data, PLAIN))


def download_unit_doc(request: HttpRequest, year: int, code: str, kind: str, fmt: str = "") -> HttpResponse:
    """A unit's notice, final-result notice or shortcomings report: the council's letters, signed with the
    notice signer of the organisation settings (not the province's decision signer)."""
    if kind not in KINDS:
        raise Http404
    period = _period(year)
    unit_result_for_user(user=request.user, period=period, code=code)  # 404 unless allowed
    run = services.snapshot_for_documents(period=period, by=request.user)
    data = unit_doc_data(run, code, kind)
    return _file_response(build_unit_notice(data, notice_org(Organisation.current()), kind=kind), fmt)


def unit_report(request: HttpRequest, year: int, code: str, kind: str) -> HttpResponse:
    """Print view of a unit's appraisal notice, final-result notice or shortcomings report (the same data
    as the .docx)."""
    if kind not in KINDS:
        raise Http404
    period = _period(year)
    unit, row, view = unit_result_for_user(user=request.user, period=period, code=code)
    run = services.snapshot_for_documents(period=period, by=request.user)
    data = unit_doc_data(run, code, kind)
    fields: dict[str, list] = {}
    for item in data.items:
        fields.setdefault(f"{item.field_code}. {item.field_title}", []).append(item)
    return render(
        request,
        "scoring/unit_report.html",
        {
            "period": period,
            "unit": unit,
            "data": data,
            "fields": fields,
            "kind": kind,
            "run": run,
            "org": Organisation.current(),
            "final_sentence": final_sentence(data) if kind == "result" else "",
        },
    )


def published_results(request: HttpRequest, year: int) -> HttpResponse:
    """The secretariat records a year's results published outside ParIndex (for rank changes next year)."""
    if not roles.is_secretariat(request.user):
        raise PermissionDenied
    form = PublishedResultsForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = published_results_import(
            year=year, file_name=upload.name, content=upload.read(), by=request.user
        )
        if report.ok:
            messages.success(request, report.summary)
            return redirect("scoring:published", year=year)
        messages.error(request, report.summary)
    return render(
        request,
        "scoring/publishedresult_list.html",
        {
            "year": year,
            "form": form,
            "report": report,
            "columns": PUBLISHED_COLUMNS,
            "rows": published_rows(year),
        },
        status=400 if report is not None else 200,
    )


def published_template(request: HttpRequest) -> HttpResponse:
    """The blank template with an example, Vietnamese column names."""
    if not roles.is_secretariat(request.user):
        raise PermissionDenied
    return _file_response(published_template_file())
