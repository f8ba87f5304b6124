"""Results pages and downloads. Views parse, call one service or selector, and render or wrap a file."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from appraisal.core import roles
from appraisal.core.access import Persona
from appraisal.core.dates import fmt_local
from appraisal.core.exceptions import ServiceError
from appraisal.core.jobs import import_in_background
from appraisal.council import access
from appraisal.council.access import Subject, council_access
from appraisal.documents.annex import build_annex
from appraisal.documents.csvexport import PLAIN, build_results_csv
from appraisal.documents.data import ExportFile, notice_org
from appraisal.documents.decision import build_decision
from appraisal.documents.pdf import PdfUnavailable, to_pdf
from appraisal.documents.unit_docs import build_unit_notice, final_sentence
from appraisal.registry.audit import audit_export
from appraisal.registry.models import Organisation, Period, Phase, Unit
from appraisal.registry.selectors import (
    period_for_request,
    period_list_for_request,
    year_require,
)
from appraisal.registry.switcher import landing_period, opens, year_page

from . import services
from .adapters import decision_data_from_run, unit_doc_data
from .forms import ApproveForm, PublishedResultsForm, ReopenForm
from .job_views import finalise_in_background
from .published import (
    PUBLISHED_COLUMNS,
    PUBLISHING,
    published_results_import,
    published_rows,
    published_template_file,
)
from .selectors import (
    redact_unit_doc,
    results_view,
    unit_doc_get_for_user,
    unit_has_result,
    unit_letters_ready,
    unit_letters_run,
    unit_result_get_for_user,
    unit_subject_get_for_user,
)


def _file_response(
    exported: ExportFile, fmt: str = "", *, by: Any = None, period: Period | None = None
) -> HttpResponse:
    """The file itself, or its PDF copy (``fmt='pdf'``) for digital signing; without LibreOffice a page
    says how to add it (503) instead of failing. Each download by a person is kept in the audit trail."""
    if fmt == "pdf":
        try:
            exported = to_pdf(exported)
        except PdfUnavailable as exc:
            return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    elif fmt:
        raise Http404
    if by is not None:
        audit_export(by=by, filename=exported.filename, period=period)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = content_disposition_header(True, exported.filename)
    return response


def _period(request: HttpRequest, year: int) -> Period:
    return period_for_request(request, year)


def index(request: HttpRequest) -> HttpResponse:
    """The results landing of a period (``?ky=YEAR``, else the person's default): the results table when the
    person may see it now, else their unit's page, else the council's dashboard."""
    period = landing_period(request)
    if period is None:
        raise Http404("Chưa có kỳ đánh giá.")
    if request.user.has_perm("parindex.view_ranks", Subject(period)):
        return redirect("scoring:period", year=period.year)
    units = roles.unit_ids_held(request.user, period.pk)  # SPEC §6a: their units in the period shown
    if units:
        unit = Unit.objects.filter(pk__in=units).order_by("name").first()
        return redirect("scoring:unit_detail", year=period.year, code=unit.code)
    if council_access(request.user, period).any:
        messages.info(request, "Bảng kết quả được công bố khi Hội đồng chốt kết quả.")
        return redirect("council:dashboard", year=period.year)
    # An observer before finalisation: the latest period whose results are already out.
    for other in period_list_for_request(request):
        if request.user.has_perm("parindex.view_ranks", Subject(other)):
            messages.info(request, f"Kết quả {period.name} chưa được chốt; đây là kết quả {other.name}.")
            return redirect("scoring:period", year=other.year)
    # Nothing out yet in any year: said on a page, not refused (the menu's «Kết quả» never leads to a 403).
    return render(
        request,
        "dashboards/no_results.html",
        {
            "period": period,
            "heading": "Kết quả",
            "message": f"Kết quả năm {period.year} được xem khi Hội đồng chốt kết quả.",
        },
    )


def _sees_ranks(user: Any, period: Period, kwargs: dict[str, Any]) -> bool:
    return bool(user.has_perm("parindex.view_ranks", Subject(period)))


@year_page(_sees_ranks)
def period_results(request: HttpRequest, year: int) -> HttpResponse:
    period = _period(request, year)
    subject = Subject(period)
    access.require(request.user, "ranks", subject)  # SPEC §6a: ranks and other units' results
    # Nothing entered yet: an empty state, never a table of every unit at 0 % (QA item 10).
    empty = services.results_empty_reason(period, run=services.final_run(period))
    view = None if empty else results_view(period=period)
    council = council_access(request.user, period)
    is_chair, is_secretariat = council.chair, council.secretariat
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
            "empty": empty,
            "blockers": blockers,
            "can_download": not empty and request.user.has_perm("parindex.view_decision", subject),
            "has_run": not empty and services.run_for_documents(period) is not None,
            "published_only": access.persona_of(request.user, subject) in (Persona.UNIT, Persona.OTHER),
            "actions": services.period_actions(period=period, chair=is_chair, secretariat=is_secretariat),
            "reopen_form": ReopenForm(),
            "approve_form": ApproveForm(),
            "years": Period.objects.order_by("-year").values_list("year", flat=True),
        },
    )


@year_page(
    lambda user, period, kw: (
        opens(lambda: unit_subject_get_for_user(user, period=period, code=kw["code"]))
        and unit_has_result(period=period, code=kw["code"])
    )
)
def unit_detail(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """A unit's result, showing exactly the layers SPEC §6a allows the person now: what is hidden is not in
    the page at all."""
    period = _period(request, year)
    result = unit_result_get_for_user(request.user, period=period, code=code)
    return render(
        request,
        "scoring/unit_detail.html",
        {
            # Nothing entered yet: the results page's empty state, never a unit at 0 % (QA item 10).
            "empty": "" if result.view.is_official else services.results_empty_reason(period),
            "period": period,
            "unit": result.unit,
            "row": result.row,
            "view": result.view,
            "seen": result.seen,
            "docs": result.docs,
            # A link shown opens: the letters are built from a run, which only the secretariat makes (QA).
            "has_run": unit_letters_ready(period, code, result.docs),
        },
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
    period = _period(request, year)
    if not council_access(request.user, period).secretariat:
        raise PermissionDenied(f"Chỉ Tổ thư ký kỳ {period.year} được làm việc này.")
    try:
        run = services.snapshot_for_documents(period=period, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("scoring:period", year=year)
    messages.success(
        request,
        "Đã tính tạm kết quả (lúc {at}); các tài liệu dự thảo lấy từ bản tính này.".format(
            at=fmt_local(run.created_at)
        ),
    )
    return redirect("scoring:period", year=year)


@require_POST
def period_finalise(request: HttpRequest, year: int) -> HttpResponse:
    period = _period(request, year)
    if not council_access(request.user, period).chair:
        raise PermissionDenied(f"Chỉ Chủ tịch Hội đồng kỳ {period.year} được phê duyệt chốt kết quả.")
    # Off the request (issue 13 item 7): a national-scale period takes many seconds to finalise.
    return finalise_in_background(request, period)


@require_POST
def period_reopen(request: HttpRequest, year: int) -> HttpResponse:
    period = _period(request, year)
    if not council_access(request.user, period).chair:
        raise PermissionDenied(f"Chỉ Chủ tịch Hội đồng kỳ {period.year} được mở lại kỳ đánh giá.")
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
    period = _period(request, year)
    if not council_access(request.user, period).secretariat:
        raise PermissionDenied(f"Chỉ Tổ thư ký kỳ {period.year} được làm việc này.")
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


def _documents_run(request: HttpRequest, year: int) -> Any:
    """The run the period's documents come from, for a person allowed the decision (SPEC §6a), or the response
    that says there is none yet. A GET writes nothing: before finalisation the last provisional run («Tính tạm»)
    is used."""
    period = _period(request, year)
    access.require(request.user, "decision", Subject(period))
    return services.run_for_documents(period) or _draft_missing(request, period)


def _draft_missing(request: HttpRequest, period: Period, *, unit_missing: bool = False) -> HttpResponse:
    """409: no official and no provisional run yet (or, ``unit_missing``, the last one does not hold the unit:
    it joined the period after it); the secretariat makes one with «Tính tạm»."""
    empty = services.results_empty_reason(period)
    return render(
        request,
        "scoring/draft_missing.html",
        {"period": period, "empty": empty, "unit_missing": unit_missing},
        status=409,
    )


def _unit_run(request: HttpRequest, period: Period, code: str) -> Any:
    """The run a unit's letters come from (:func:`unit_letters_run`), or the 409 that says why there is none."""
    run, any_run = unit_letters_run(period, code)
    return run if run is not None else _draft_missing(request, period, unit_missing=any_run)


def _document(request: HttpRequest, year: int, build: Any, fmt: str = "") -> HttpResponse:
    run = _documents_run(request, year)
    if isinstance(run, HttpResponse):
        return run
    return _file_response(build(decision_data_from_run(run)), fmt, by=request.user, period=run.period)


def download_annex(request: HttpRequest, year: int, fmt: str = "") -> HttpResponse:
    return _document(request, year, build_annex, fmt)


def download_decision(request: HttpRequest, year: int, fmt: str = "") -> HttpResponse:
    return _document(request, year, build_decision, fmt)


def download_csv(request: HttpRequest, year: int) -> HttpResponse:
    """The results CSV for Excel set to Vietnamese (';' and a decimal comma)."""
    return _document(request, year, build_results_csv)


def download_csv_plain(request: HttpRequest, year: int) -> HttpResponse:
    """The results CSV for other programs (',' and a decimal point)."""
    return _document(request, year, lambda data: build_results_csv(data, PLAIN))


def download_unit_doc(request: HttpRequest, year: int, code: str, kind: str, fmt: str = "") -> HttpResponse:
    """A unit's notice, final-result notice or shortcomings report: the council's letters, signed with the
    notice signer of the organisation settings (not the province's decision signer)."""
    period = _period(request, year)
    unit, seen = unit_doc_get_for_user(request.user, period=period, code=code, kind=kind)
    run = _unit_run(request, period, code)
    if isinstance(run, HttpResponse):
        return run
    data = redact_unit_doc(unit_doc_data(run, code, kind), seen)
    return _file_response(
        build_unit_notice(data, notice_org(Organisation.current()), kind=kind),
        fmt,
        by=request.user,
        period=period,
    )


@year_page(
    lambda user, period, kw: (
        opens(lambda: unit_doc_get_for_user(user, period=period, code=kw["code"], kind=kw["kind"]))
        and unit_letters_ready(period, kw["code"], frozenset([kw["kind"]]))
    )
)
def unit_report(request: HttpRequest, year: int, code: str, kind: str) -> HttpResponse:
    """Print view of a unit's appraisal notice, final-result notice or shortcomings report (the same data
    as the .docx)."""
    period = _period(request, year)
    unit, seen = unit_doc_get_for_user(request.user, period=period, code=code, kind=kind)
    run = _unit_run(request, period, code)
    if isinstance(run, HttpResponse):
        return run
    data = redact_unit_doc(unit_doc_data(run, code, kind), seen)
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
    """The secretariat records a year's results published outside ParIndex (for rank changes next year): the
    secretariat of that year's period when ParIndex has one (SPEC §6a)."""
    year_require(request.user, year, PUBLISHING)
    form = PublishedResultsForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        # The job is filed under that year's period, else the latest one (published years may predate ParIndex).
        job_url = import_in_background(
            what="results",
            period=Period.objects.filter(year=year).first() or Period.objects.order_by("-year").first(),
            by=request.user,
            file_name=upload.name,
            content=content,
            params={"year": year},
        )
        if job_url is not None:
            return redirect(job_url)
        report = published_results_import(year=year, file_name=upload.name, content=content, by=request.user)
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
