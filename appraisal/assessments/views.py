"""Self-assessment pages. Each view parses the request, calls one service or selector, renders or redirects."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appraisal.core import roles
from appraisal.core.dates import fmt_local
from appraisal.core.exceptions import ConcurrencyError, ServiceError
from appraisal.registry.audit import audit_export
from appraisal.registry.models import Period, Unit, UnitMembership
from appraisal.registry.selectors import period_default_for_user, period_list_for_user

from . import excel, selectors, services
from .evidence import served_name
from .forms import (
    AttachForm,
    DocumentForm,
    EntryForm,
    ExtensionForm,
    LibraryAddForm,
    NotSubmittedForm,
    ReplaceForm,
    ReturnForm,
    UploadForm,
    WorkbookForm,
)
from .models import Assessment, AssessmentState, ItemEntry

SESSION_EXPIRED = (
    "Phiên đăng nhập đã hết hạn — hãy đăng nhập lại (mở trang đăng nhập ở thẻ mới), "
    "giá trị bạn nhập vẫn còn trên trang."
)


def _form_errors(form: Any) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _form_url(assessment: Assessment, entry: ItemEntry | None = None) -> str:
    url = reverse("assessments:form", args=[assessment.pk])
    return f"{url}#entry-{entry.pk}" if entry is not None else url


def _status_for(error: ServiceError) -> int:
    """A refusal is never answered 200 or with a redirect a client would count as done: 409 when someone
    else's change came first (a stale version, a concurrent state change), 422 for every other refusal (a
    value the rule rejects, a closed window, a missing reason, a bad file)."""
    return 409 if isinstance(error, ConcurrencyError) else 422


# -- landing, home, form ----------------------------------------------------------------------------------


def _period_for(request: HttpRequest, year: int | None) -> Period | None:
    """The page's period: the year in the URL (one of the person's periods), else their default one."""
    periods = period_list_for_user(request.user)
    if year is None:
        return period_default_for_user(request.user, periods)
    period = next((p for p in periods if p.year == year), None)
    if period is None:
        raise Http404("Không tìm thấy kỳ đánh giá.")
    return period


@require_GET
def index(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """The unit's home, or a list when the person sees several units (secretariat, observers, multi-unit)."""
    period = _period_for(request, year)
    if period is None:
        return render(request, "assessments/assessment_list.html", {"period": None, "rows": []})
    request.parindex_year = period.year
    rows = selectors.assessment_rows_for_user(user=request.user, period=period)
    if len(rows) == 1 and not selectors.sees_every_unit(request.user, period):
        return redirect("assessments:open_year", year=period.year, code=rows[0].unit.code)
    return render(request, "assessments/assessment_list.html", {"period": period, "rows": rows})


@require_http_methods(["GET", "HEAD", "POST"])
def open_unit(request: HttpRequest, code: str, year: int | None = None) -> HttpResponse:
    """The unit's assessment of the page's period, only in a period the unit takes part in (never in another
    year just because it is the latest). Before it exists, a GET shows when the self-assessment opens and writes
    nothing (QA item 4); the «Bắt đầu tự đánh giá» button POSTs here to create it."""
    period = _period_for(request, year)
    unit = Unit.objects.filter(code=code).first()
    if period is None or unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    assessment = Assessment.objects.filter(period=period, unit=unit).first()
    selectors.unit_page_check(request.user, period=period, unit=unit, assessment=assessment)
    if not UnitMembership.objects.filter(period=period, unit=unit).exists():
        raise Http404(f"{unit.name} không tham gia {period.name}.")
    request.parindex_year = period.year
    if request.method == "POST":
        try:
            assessment = services.assessment_start(period=period, unit=unit, by=request.user)
        except ServiceError as error:  # the page states the refusal
            return _start_page(request, period, unit, status=_status_for(error))
        if roles.can_edit_unit(request.user, unit.pk, period.pk):
            return redirect("assessments:form", pk=assessment.pk)
        return redirect("assessments:detail", pk=assessment.pk)
    if assessment is not None:
        return redirect("assessments:detail", pk=assessment.pk)
    return _start_page(request, period, unit)


def _start_page(request: HttpRequest, period: Period, unit: Unit, status: int = 200) -> HttpResponse:
    start = selectors.assessment_start_info(request.user, period=period, unit=unit)
    context = {
        "period": period,
        "unit": unit,
        "start": start,
        "can_edit_unit": roles.can_edit_unit(request.user, unit.pk, period.pk),
    }
    return render(request, "assessments/assessment_start.html", context, status=status)


def _detail_context(request: HttpRequest, assessment: Assessment) -> dict[str, Any]:
    form = selectors.assessment_form(assessment)
    user = request.user
    unit_id = assessment.unit_id
    secretariat = roles.holds_in_period(user, roles.SECRETARIAT, assessment.period_id)  # SPEC §6a
    return {
        "assessment": assessment,
        "form": form,
        "deadline": selectors.assessment_deadline(assessment),
        "edit_refusal": selectors.assessment_edit_refusal(user, assessment),
        "can_edit_unit": roles.can_edit_unit(user, unit_id, assessment.period_id),
        "is_head": roles.is_unit_head(user, unit_id, assessment.period_id),
        "is_secretariat": secretariat,
        "events": selectors.assessment_events(assessment, user),
        "return_form": ReturnForm(),
        "extension_form": ExtensionForm(),
        "extension_kind": services.assessment_extension_kind(assessment),
        "actions": selectors.assessment_actions(user, assessment),
        "can_close_not_submitted": secretariat
        and assessment.state in (AssessmentState.DRAFT, AssessmentState.RETURNED)
        and assessment.period.phase_index() >= 1
        and not assessment.period.is_closed
        and bool(selectors.self_phase_refusal(assessment)),
        "workbook_form": WorkbookForm(),
        # A display field, not a state to compare in the template: the secretariat's reason while returned.
        "returned_reason": assessment.returned_reason if assessment.state == AssessmentState.RETURNED else "",
    }


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, pk)
    request.parindex_year = assessment.period.year
    return render(request, "assessments/assessment_detail.html", _detail_context(request, assessment))


def _refused_on_detail(
    request: HttpRequest, assessment: Assessment, message: str, status: int, **extra: Any
) -> HttpResponse:
    """A refused workflow action without htmx: the assessment page again with the message, status 409/422."""
    messages.error(request, message)
    assessment.refresh_from_db()
    context = {**_detail_context(request, assessment), **extra}
    return render(request, "assessments/assessment_detail.html", context, status=status)


def _form_context(request: HttpRequest, assessment: Assessment) -> dict[str, Any]:
    refusal = selectors.assessment_edit_refusal(request.user, assessment)
    return {
        "assessment": assessment,
        "form": selectors.assessment_form(assessment),
        "deadline": selectors.assessment_deadline(assessment),
        "editable": not refusal,
        "edit_refusal": refusal,
    }


def _refused_on_form(
    request: HttpRequest, assessment: Assessment, message: str, status: int, **extra: Any
) -> HttpResponse:
    """A refused item save or evidence change without htmx (no JavaScript): the form again, as stored now,
    with the message and status 409/422; ``extra`` opens an item's evidence panel with what was typed."""
    messages.error(request, message)
    context = {**_form_context(request, assessment), **extra}
    return render(request, "assessments/assessment_form.html", context, status=status)


@require_GET
def form_page(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, pk)
    request.parindex_year = assessment.period.year
    return render(request, "assessments/assessment_form.html", _form_context(request, assessment))


@require_GET
def print_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, pk)
    context = {
        "assessment": assessment,
        "form": selectors.assessment_form(assessment),
        "library": selectors.evidence_library(assessment),
        "printed_at": timezone.localtime(),
    }
    return render(request, "assessments/assessment_print.html", context)


# -- item endpoints ---------------------------------------------------------------------------------------


def _item_context(assessment: Assessment, entry_id: int, **extra: Any) -> dict[str, Any]:
    form = selectors.assessment_form(assessment)
    item = form.items.get(entry_id)
    if item is None:
        raise Http404("Không tìm thấy mục này.")
    return {"assessment": assessment, "form": form, "item": item, "block": form.block_of(entry_id), **extra}


@require_GET
def entry_detail(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """One item's block as it is stored now (used by «Giữ giá trị đã lưu» after a conflict)."""
    assessment = selectors.assessment_get_for_user(request.user, pk)
    entry = selectors.entry_get_for_user(request.user, assessment, entry_pk)
    if not request.htmx:
        return redirect(_form_url(assessment, entry))
    refusal = selectors.assessment_edit_refusal(request.user, assessment)
    context = _item_context(assessment, entry.pk, editable=not refusal, oob=True)
    return render(request, "assessments/entry_refresh.html", context)


@login_not_required
@require_POST
def entry_save(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """Autosave of one item. Answers htmx with the item's state text plus out-of-band totals; a stale
    version gets a conflict (409) showing both values; an expired session gets 401 and the typed value
    stays on the page."""
    if not request.user.is_authenticated:
        if request.htmx:
            response = render(
                request, "assessments/entry_state.html", {"error": SESSION_EXPIRED, "expired": True}
            )
            response.status_code = 401
            return response
        return redirect_to_login(request.get_full_path())
    form = EntryForm(request.POST)
    entry: ItemEntry | None = None
    try:
        # One transaction: the item, its node and its assessment read once (the assessment locked against a
        # concurrent submission), the compare-and-set and the history row (issue 14: ≤ 8 queries a save).
        with transaction.atomic():
            entry = selectors.entry_get_for_save(request.user, assessment_pk=pk, pk=entry_pk)
            if not form.is_valid():
                raise ServiceError(_form_errors(form))
            data = form.cleaned_data
            saved = services.entry_save_self(
                entry=entry,
                value=data["value"],
                note=data["note"],
                expected_version=data["version"],
                by=request.user,
                assessment_locked=True,
            )
    except services.EntryConflict as conflict:
        assert entry is not None
        if not request.htmx:
            return _refused_on_form(request, entry.assessment, conflict.message, 409)
        context = {"assessment": entry.assessment, "entry": entry, "conflict": conflict}
        response = render(request, "assessments/entry_conflict.html", context)
        response.status_code = 409
        response["HX-Retarget"] = f"#entry-{entry.pk}-conflict"
        response["HX-Reswap"] = "innerHTML"
        return response
    except ServiceError as error:
        assert entry is not None
        return _entry_error(request, entry.assessment, entry, error.message, status=_status_for(error))
    assessment = saved.assessment
    if not request.htmx:
        messages.success(request, f"Đã lưu mục {saved.node.code}.")
        return redirect(_form_url(assessment, saved))
    # Only the totals, the missing panel and the item's field total are answered, from one query.
    form_data, block, item = selectors.assessment_save_summary(assessment, saved)
    context = {
        "assessment": assessment,
        "form": form_data,
        "item": item,
        "block": block,
        "saved_at": timezone.localtime(),
        "oob": True,
    }
    return render(request, "assessments/entry_saved.html", context)


def _entry_error(
    request: HttpRequest, assessment: Assessment, entry: ItemEntry, message: str, *, status: int
) -> HttpResponse:
    if not request.htmx:
        return _refused_on_form(request, assessment, message, status)
    response = render(request, "assessments/entry_state.html", {"error": message})
    response.status_code = status
    return response


def _panel(
    request: HttpRequest,
    assessment: Assessment,
    entry: ItemEntry,
    *,
    notice: str = "",
    error: str = "",
    upload_form: UploadForm | None = None,
    document_form: DocumentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _item_context(
        assessment,
        entry.pk,
        notice=notice,
        error=error,
        **_panel_forms(assessment, entry, upload_form, document_form),
        editable=True,
        oob=True,
    )
    response = render(request, "assessments/evidence_panel.html", context)
    response.status_code = status
    return response


def _panel_forms(
    assessment: Assessment,
    entry: ItemEntry,
    upload_form: UploadForm | None = None,
    document_form: DocumentForm | None = None,
) -> dict[str, Any]:
    """The evidence panel's forms (bound to what was typed after a refusal, else empty) and library choices."""
    return {
        "upload_form": upload_form or UploadForm(),
        "document_form": document_form or DocumentForm(),
        "choices": selectors.evidence_choices(assessment, entry),
    }


@require_GET
def entry_evidence(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """The evidence panel of one item: upload, cite a document, or pick from the unit's library."""
    assessment = selectors.assessment_get_for_user(request.user, pk, write=True)
    entry = selectors.entry_get_for_user(request.user, assessment, entry_pk, write=True)
    if not request.htmx:
        return redirect(_form_url(assessment, entry))
    return _panel(request, assessment, entry)


def _evidence_done(
    request: HttpRequest, assessment: Assessment, entry: ItemEntry, notice: str
) -> HttpResponse:
    if request.htmx:
        return _panel(request, assessment, entry, notice=notice)
    messages.success(request, notice)
    return redirect(_form_url(assessment, entry))


def _evidence_failed(
    request: HttpRequest,
    assessment: Assessment,
    entry: ItemEntry,
    message: str,
    *,
    status: int = 422,
    **forms: Any,
) -> HttpResponse:
    if request.htmx:
        return _panel(request, assessment, entry, error=message, status=status, **forms)
    # No JavaScript: the form page with this item's panel open, its forms keeping what was typed.
    panel = _panel_forms(assessment, entry, **forms)
    return _refused_on_form(request, assessment, message, status, panel_entry=entry.pk, **panel)


@require_POST
def entry_upload(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, pk, write=True)
    entry = selectors.entry_get_for_user(request.user, assessment, entry_pk, write=True)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _evidence_failed(request, assessment, entry, _form_errors(form), upload_form=form)
    try:
        link = services.evidence_upload_for_entry(
            entry=entry, uploaded=form.cleaned_data["file"], title=form.cleaned_data["title"], by=request.user
        )
    except ServiceError as error:
        form.add_error(error.field, error.message)  # a file refused: beside the file field
        return _evidence_failed(
            request, assessment, entry, error.message, status=_status_for(error), upload_form=form
        )
    return _evidence_done(
        request, assessment, entry, f"Đã tải lên «{link.evidence.original_name}» cho mục {entry.node.code}."
    )


@require_POST
def entry_cite(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, pk, write=True)
    entry = selectors.entry_get_for_user(request.user, assessment, entry_pk, write=True)
    form = DocumentForm(request.POST)
    if not form.is_valid():
        return _evidence_failed(request, assessment, entry, _form_errors(form), document_form=form)
    try:
        link = services.evidence_cite_for_entry(entry=entry, by=request.user, **form.cleaned_data)
    except ServiceError as error:
        form.add_error(error.field, error.message)
        return _evidence_failed(
            request, assessment, entry, error.message, status=_status_for(error), document_form=form
        )
    return _evidence_done(
        request, assessment, entry, f"Đã gắn văn bản số {link.evidence.doc_number} cho mục {entry.node.code}."
    )


@require_POST
def entry_attach(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, pk, write=True)
    entry = selectors.entry_get_for_user(request.user, assessment, entry_pk, write=True)
    form = AttachForm(request.POST)
    if not form.is_valid():
        return _evidence_failed(request, assessment, entry, _form_errors(form))
    evidence = selectors.evidence_get_for_user(
        request.user, form.cleaned_data["evidence"], editing=assessment
    )
    try:
        services.evidence_attach(entry=entry, evidence=evidence, by=request.user)
    except ServiceError as error:
        return _evidence_failed(request, assessment, entry, error.message, status=_status_for(error))
    return _evidence_done(request, assessment, entry, f"Đã gắn «{evidence.title}» cho mục {entry.node.code}.")


@require_POST
def entry_detach(request: HttpRequest, pk: int, entry_pk: int, link_pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, pk, write=True)
    entry = selectors.entry_get_for_user(request.user, assessment, entry_pk, write=True)
    link = selectors.link_get_for_user(request.user, entry, link_pk)
    link.entry = entry
    try:
        services.evidence_detach(link=link, by=request.user)
    except ServiceError as error:
        return _evidence_failed(request, assessment, entry, error.message, status=_status_for(error))
    return _evidence_done(request, assessment, entry, f"Đã gỡ tài liệu khỏi mục {entry.node.code}.")


# -- library and downloads --------------------------------------------------------------------------------


@require_GET
def library(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, pk)
    return _library(request, assessment, LibraryAddForm())


def _library(
    request: HttpRequest, assessment: Assessment, add_form: LibraryAddForm, status: int = 200
) -> HttpResponse:
    context = {
        "assessment": assessment,
        "library": selectors.evidence_library(assessment),
        "edit_refusal": selectors.assessment_edit_refusal(request.user, assessment),
        "add_form": add_form,
        "replace_form": ReplaceForm(),
    }
    response = render(request, "assessments/evidence_library.html", context)
    response.status_code = status
    return response


@require_POST
def library_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, pk, write=True)
    form = LibraryAddForm(request.POST, request.FILES)
    if not form.is_valid():
        return _library(request, assessment, form, status=422)
    data = form.cleaned_data
    try:
        evidence = services.evidence_add_to_library(
            assessment=assessment,
            by=request.user,
            uploaded=data["file"] or None,
            title=data["title"],
            doc_number=data["doc_number"],
            doc_date=data["doc_date"],
            doc_summary=data["doc_summary"],
        )
    except ServiceError as error:
        form.add_error(None, error.message)
        return _library(request, assessment, form, status=422)
    messages.success(request, f"Đã thêm «{evidence.title}» vào thư viện tài liệu của đơn vị.")
    return redirect("assessments:library", pk=assessment.pk)


@require_POST
def evidence_replace(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, pk, write=True)
    evidence = selectors.evidence_get_for_user(request.user, evidence_pk, editing=assessment)
    form = ReplaceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _library(request, assessment, LibraryAddForm(), status=422)
    try:
        services.evidence_replace_file(
            assessment=assessment, evidence=evidence, uploaded=form.cleaned_data["file"], by=request.user
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return _library(request, assessment, LibraryAddForm(), status=_status_for(error))
    messages.success(request, f"Đã thay tệp của «{evidence.title}»; tệp cũ vẫn được lưu trong lịch sử.")
    return redirect("assessments:library", pk=assessment.pk)


def _file_response(stored: Any, name: str) -> FileResponse:
    """Always an attachment, under the detected type's extension and content type; SecurityMiddleware adds
    ``X-Content-Type-Options: nosniff``, so no browser renders an evidence file as a page."""
    if stored is None:
        raise Http404("Tài liệu này là văn bản trích dẫn, không có tệp.")
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=served_name(name, stored.content_type),
        content_type=stored.content_type,
    )


@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Every evidence download passes here: the permission is :func:`selectors.evidence_download_check`."""
    evidence = selectors.evidence_get_for_user(request.user, pk)
    return _file_response(evidence.file, evidence.original_name)


@require_GET
def evidence_version_download(request: HttpRequest, evidence_pk: int, version_pk: int) -> FileResponse:
    evidence = selectors.evidence_get_for_user(request.user, evidence_pk)
    version = selectors.evidence_version_get_for_user(request.user, evidence, version_pk)
    return _file_response(version.file, version.original_name)


# -- workflow ---------------------------------------------------------------------------------------------


def _detail_redirect(assessment: Assessment) -> HttpResponse:
    return redirect("assessments:detail", pk=assessment.pk)


@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the unit's people may try (403 for the secretariat and observers); the head alone submits (422 says so).
    assessment = selectors.assessment_get_for_user(request.user, pk, write=True)
    try:
        services.assessment_submit(assessment=assessment, by=request.user)
    except services.IncompleteError as error:
        return _refused_on_detail(request, assessment, error.message, 422, submit_error=error)
    except ServiceError as error:
        return _refused_on_detail(request, assessment, error.message, _status_for(error))
    messages.success(request, "Đã chốt bản tự đánh giá và gửi Hội đồng thẩm định.")
    return _detail_redirect(assessment)


@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, pk)
    try:
        services.assessment_withdraw(assessment=assessment, by=request.user)
    except ServiceError as error:
        return _refused_on_detail(request, assessment, error.message, _status_for(error))
    messages.success(request, "Đã rút lại bản tự đánh giá về trạng thái đang tự đánh giá; có thể sửa tiếp.")
    return _detail_redirect(assessment)


@require_POST
def return_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, pk, action="return")
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _refused_on_detail(request, assessment, _form_errors(form), 422)
    try:
        services.assessment_return(assessment=assessment, reason=form.cleaned_data["reason"], by=request.user)
    except ServiceError as error:
        return _refused_on_detail(request, assessment, error.message, _status_for(error))
    messages.success(
        request,
        "Đã trả lại bản tự đánh giá cho đơn vị. Nếu đã quá hạn chót, hãy gia hạn riêng cho đơn vị.",
    )
    return _detail_redirect(assessment)


@require_POST
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, pk, action="extend")
    # A refusal shows the page again with what was typed and the message beside its field (QA: keep input).
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        return _refused_on_detail(request, assessment, _form_errors(form), 422, extension_form=form)
    try:
        services.assessment_grant_extension(assessment=assessment, by=request.user, **form.cleaned_data)
    except ServiceError as error:
        form.add_error(error.field, error.message)
        return _refused_on_detail(request, assessment, error.message, _status_for(error), extension_form=form)
    until = form.cleaned_data["until"]
    what = "giải trình" if assessment.explanation_until == until else "tự đánh giá"
    messages.success(
        request,
        "Đã gia hạn {what} cho {unit} đến {until}.".format(
            what=what, unit=assessment.unit.name, until=fmt_local(until)
        ),
    )
    return _detail_redirect(assessment)


@require_POST
def close_not_submitted(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, pk, action="close_not_submitted")
    form = NotSubmittedForm(request.POST)
    form.is_valid()  # no rule of its own: the service refuses a missing reason
    try:
        services.assessment_close_not_submitted(
            assessment=assessment, reason=form.cleaned_data["reason"], by=request.user
        )
    except ServiceError as error:
        form.add_error("reason", error.message)  # its one field: the refusal stands beside the typed reason
        return _refused_on_detail(request, assessment, error.message, _status_for(error), close_form=form)
    messages.success(
        request,
        f"Đã đóng «không nộp» bản tự đánh giá của {assessment.unit.name}; Hội đồng thẩm định trên dữ liệu hiện có.",
    )
    return _detail_redirect(assessment)


# -- offline workbook -------------------------------------------------------------------------------------


@require_GET
def excel_download(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, pk)
    export = excel.build_workbook(selectors.assessment_form(assessment))
    audit_export(by=request.user, filename=export.filename, period=assessment.period)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@require_POST
def excel_upload(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_user(request.user, pk, write=True)
    form = WorkbookForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused_on_detail(request, assessment, _form_errors(form), 422)
    try:
        summary = services.assessment_import_workbook(
            assessment=assessment, content=form.cleaned_data["file"].read(), by=request.user
        )
    except services.WorkbookRejected as error:
        return _refused_on_detail(request, assessment, error.message, 422, workbook_error=error)
    except ServiceError as error:
        return _refused_on_detail(request, assessment, error.message, _status_for(error))
    if summary.changed:
        messages.success(
            request,
            "Đã cập nhật {n} mục từ tệp Excel: {codes}.".format(
                n=len(summary.changed), codes=", ".join(summary.changed)
            ),
        )
    else:
        messages.info(request, "Tệp Excel không có gì khác với dữ liệu đã lưu: không thay đổi mục nào.")
    return _detail_redirect(assessment)
