"""Council pages. Each view fetches through a council selector (which authorises: Http404 for anything the
person may not see, conflicts of interest included), calls one service and renders or redirects."""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from appraisal.assessments.forms import UploadForm
from appraisal.assessments.models import (
    ROUND1_STATES,
    Assessment,
    AssessmentState,
    EvidenceLink,
    ItemEntry,
    Layer,
    Round2Decision,
)
from appraisal.assessments.selectors import rule_for
from appraisal.assessments.services import EntryConflict
from appraisal.core import roles
from appraisal.core.exceptions import ConcurrencyError, ServiceError
from appraisal.core.jobs import import_in_background
from appraisal.documents.pdf import PdfUnavailable, to_pdf
from appraisal.registry.audit import audit_export
from appraisal.registry.models import Organisation, Period, Phase, Unit
from appraisal.registry.phases import phase_deadline, phase_is_open
from appraisal.registry.selectors import unit_role_elsewhere
from appraisal.registry.switcher import landing_period, year_page

from . import access as policy
from . import exports, history, queues, services
from . import selectors as sel
from .adjustments import AdjustmentLayers, adjustment_entries, adjustment_layers
from .forms import (
    AssignmentBulkForm,
    CouncilRoleForm,
    ExplanationForm,
    ReopenForm,
    Round1Form,
    Round2Form,
    ScoresImportForm,
)
from .importing import scores_import
from .lifecycle import round1_refusal, round2_item_refusal, round2_refusal
from .models import OutboxMessage, SurveyImport
from .notice import notice_data
from .sheet import Sheet, appraisal_sheet

S = AssessmentState


def _period(year: int) -> Period:
    return sel.period_for_year(year)


def _require_secretariat(request: HttpRequest, period: Period) -> policy.CouncilAccess:
    access = policy.council_access(request.user, period)
    if not access.secretariat:
        raise PermissionDenied("Trang này dành cho Tổ thư ký.")
    return access


def _require_council(request: HttpRequest, period: Period) -> policy.CouncilAccess:
    access = policy.council_access(request.user, period)
    if not access.any:
        raise PermissionDenied("Trang này dành cho Hội đồng thẩm định.")
    return access


def _explanation_seen(request: HttpRequest, assessment: Assessment) -> bool:
    """Whether the page shows the unit's explanation, its text and its files (SPEC §6a, row "explanation": the
    assigned members only once the unit sent it)."""
    return policy.can_see(request.user, "explanation", policy.Subject.of(assessment))


def _links_for(entries: list[ItemEntry]) -> dict[int, dict[str, list[EvidenceLink]]]:
    """Each entry's evidence links by layer; ``council/includes/evidence_item.html`` links a file to the
    assessments app's permission-checked download and shows a document reference (no file) as text."""
    out: dict[int, dict[str, list[EvidenceLink]]] = {}
    for entry_id, links in queues.evidence_links_of(entries).items():
        by_layer: dict[str, list[EvidenceLink]] = {Layer.SELF: [], Layer.EXPLANATION: []}
        for link in links:
            by_layer.setdefault(link.layer, []).append(link)
        out[entry_id] = by_layer
    return out


# -- landing and dashboards ----------------------------------------------------------------------------------


# The period switcher's checks (QA): the same question each view asks before it reads; a year whose page does
# not open for the person is linked to that year's landing (:func:`index`), which says why.
def _opens_dashboard(user: Any, period: Period, kwargs: dict[str, Any]) -> bool:
    return policy.council_dashboard_opens(user, period)


def _opens_council(user: Any, period: Period, kwargs: dict[str, Any]) -> bool:
    return policy.council_pages_open(user, period)


def _opens_secretariat(user: Any, period: Period, kwargs: dict[str, Any]) -> bool:
    return policy.council_access(user, period).secretariat


def index(request: HttpRequest) -> HttpResponse:
    """The council's pages of a period (``?ky=YEAR``, when the person has something in it), else of the
    person's default period; a period where they open nothing (a member not assigned there) says so (200: the
    landing never refuses nor leads to a refusal)."""
    period = landing_period(request)
    if period is None:
        messages.info(request, "Chưa có kỳ đánh giá nào.")
        return redirect("core:home")
    if policy.council_dashboard_opens(request.user, period):
        return redirect("council:dashboard", year=period.year)
    request.parindex_year = period.year  # the switcher and the menu stay in the year shown
    return render(
        request,
        "dashboards/no_results.html",
        {"period": period, "heading": "Thẩm định", "message": policy.not_assigned(period)},
    )


@year_page(_opens_dashboard)
def dashboard(request: HttpRequest, year: int) -> HttpResponse:
    """Council side: the assessments the person works on with progress; unit side: the unit's notice and
    explanation."""
    period = _period(year)
    access = policy.council_access(request.user, period)
    own = queues.unit_assessments_for_user(request.user, period)
    # A unit's people open their side in every year: a year in which their unit has nothing yet says so.
    unit_side = bool(roles.unit_ids_held(request.user, None))
    if not policy.council_dashboard_opens(request.user, period):
        raise PermissionDenied("Bạn không có việc nào trong thẩm định kỳ này.")
    progress = queues.progress_for_council(request.user, period) if access.any else []
    # What blocks the period's finalisation, where its refusal links to (SPEC §3a).
    filtered = request.GET.get("loc") == queues.NOT_FINALISED_FILTER and (access.chair or access.secretariat)
    not_finalised = queues.units_not_finalised(period) if filtered else None
    unit_rows = [{"assessment": a, "notice_open": policy.notice_is_open(a)} for a in own]
    # A unit role of other years only: say so, not that the unit has no notice (its notice may exist).
    role_elsewhere = ""
    if unit_side and not roles.unit_ids_held(request.user, period.pk):
        unit = Unit.objects.filter(pk__in=roles.unit_ids_held(request.user, None)).order_by("name").first()
        role_elsewhere = unit_role_elsewhere(request.user, unit, period) if unit is not None else ""
    return render(
        request,
        "council/period_dashboard.html",
        {
            "period": period,
            "role_elsewhere": role_elsewhere,
            "access": access,
            "progress": progress,
            "unit_rows": unit_rows,
            "unit_side": unit_side,
            "not_finalised": not_finalised,
            "phases": _phase_rows(period),
        },
    )


def _phase_rows(period: Period) -> list[dict[str, Any]]:
    rows = []
    for phase in (Phase.APPRAISAL, Phase.EXPLANATION, Phase.REAPPRAISAL):
        d = phase_deadline(period=period, phase=phase)
        rows.append(
            {"label": Phase(phase).label, "deadline": d, "open": phase_is_open(period=period, phase=phase)}
        )
    return rows


# -- queues and items ----------------------------------------------------------------------------------------


def _grouped(entries: list[ItemEntry]) -> list[tuple[Assessment, list[ItemEntry]]]:
    groups: OrderedDict[int, tuple[Assessment, list[ItemEntry]]] = OrderedDict()
    for e in entries:
        groups.setdefault(e.assessment_id, (e.assessment, []))[1].append(e)
    return list(groups.values())


QUEUE_ROUNDS = {
    # round: (the entry field that says the item is done, the phase whose window the queue works in)
    1: ("round1_value", Phase.APPRAISAL),
    2: ("round2_value", Phase.REAPPRAISAL),
}


def _queue(request: HttpRequest, year: int, round_no: int) -> HttpResponse:
    period = _period(year)
    _require_council(request, period)
    entries = queues.queue_for_appraiser(request.user, period, round_no=round_no)
    done_field, phase = QUEUE_ROUNDS[round_no]
    done = sum(1 for e in entries if getattr(e, done_field))
    return render(
        request,
        "council/entry_queue.html",
        {
            "period": period,
            "round_no": round_no,
            "groups": _grouped(entries),
            "total": len(entries),
            "done": done,
            "left": len(entries) - done,
            "phase_open": phase_is_open(period=period, phase=phase),
            "deadline": phase_deadline(period=period, phase=phase),
        },
    )


@year_page(_opens_council)
def queue(request: HttpRequest, year: int) -> HttpResponse:
    """A member's round-1 queue: the assigned items of submitted assessments, done or still to do."""
    return _queue(request, year, 1)


@year_page(_opens_council)
def queue_round2(request: HttpRequest, year: int) -> HttpResponse:
    """A member's round-2 queue: explained items of the assigned fields (and any item of a reopened unit)."""
    return _queue(request, year, 2)


def _entry_context(request: HttpRequest, entry: ItemEntry, **extra: Any) -> dict[str, Any]:
    period = entry.assessment.period
    can_write = policy.can_write_entry(request.user, entry)
    state = entry.assessment.state
    appraised_item = entry.node.method in sel.APPRAISED_METHODS
    round1_open = (
        can_write and appraised_item and state in ROUND1_STATES and not round1_refusal(entry.assessment)
    )
    round2_open = (
        can_write
        and appraised_item
        and not round2_item_refusal(
            state=state,
            unit=entry.assessment.unit.name,
            item_code=entry.node.code,
            explanation=entry.explanation,
        )
        and not round2_refusal(entry.assessment)
    )
    rule = rule_for(entry.node.rule, entry.node.max_points, entry.node.method)
    ctx: dict[str, Any] = {
        "period": period,
        "entry": entry,
        "node": entry.node,
        "rule": rule,
        "links": _links_for([entry]).get(entry.pk, {}),
        "explanation_seen": _explanation_seen(request, entry.assessment),
        "can_write": can_write,
        "round1_open": round1_open,
        # The person scores this item in round 1, but the round-1 window is closed now.
        "round1_phase_closed": can_write and state == S.SUBMITTED and not round1_open,
        "round2_open": round2_open,
        "lowered": sel.entry_is_lowered(entry),
        "final": sel.final_points(entry),
        "round1_form": Round1Form(
            initial={
                "value": entry.round1_value or entry.self_value,
                "reason": entry.round1_reason,
                "version": entry.version,
            }
        ),
        "round2_form": Round2Form(
            initial={
                "decision": entry.round2_decision,
                "value": entry.round2_value,
                "reason": entry.round2_reason,
                "version": entry.version,
            }
        ),
    }
    ctx.update(extra)
    return ctx


def entry_detail(request: HttpRequest, entry_pk: int) -> HttpResponse:
    """One item: the unit's input, points, note and evidence beside the council's rounds, with the forms."""
    entry = policy.entry_get_for_user(request.user, entry_pk, "view")
    return render(request, "council/entry_detail.html", _entry_context(request, entry))


def _saved_fragment(
    request: HttpRequest, entry: ItemEntry, *, error: str = "", layer: str = "round1", **extra: Any
) -> HttpResponse:
    """An htmx save's state, and out of band the form's version field (``version_name``: its name, when the
    form has a prefix)."""
    return render(
        request,
        "council/includes/save_state.html",
        {"entry": entry, "error": error, "layer": layer, "saved_at": timezone.localtime(), **extra},
    )


def _refused(
    request: HttpRequest, entry: ItemEntry, exc: ServiceError | str, *, layer: str, **extra: Any
) -> HttpResponse:
    """An htmx save that was refused: 409 when someone saved the item in between (stale version), 422 when
    the input itself is refused; the message is shown in place and the typed value stays in the form."""
    message = exc if isinstance(exc, str) else exc.message
    response = _saved_fragment(request, entry, error=message, layer=layer, **extra)
    response.status_code = 409 if isinstance(exc, ConcurrencyError) else 422
    return response


def _sheet_saved(request: HttpRequest, entry: ItemEntry, *, round_no: int) -> HttpResponse:
    """After a save on the one-page appraisal: the item's state, and out of band its new version, points, the
    running total and the list of lowered items."""
    assessment = entry.assessment
    sheet = appraisal_sheet(request.user, assessment, round_no=round_no, totals_only=True)
    return render(
        request,
        "council/includes/sheet_saved.html",
        {
            "sheet": sheet,
            "row": sheet.row(entry.pk),
            "f": sheet.field_of(entry.pk),
            "entry": entry,
            "layer": f"round{round_no}",
            "saved_at": timezone.localtime(),
            "period": assessment.period,
        },
    )


def entry_round1(request: HttpRequest, entry_pk: int) -> HttpResponse:
    """Save the round-1 input (htmx autosave from the item page or the one-page appraisal, or 'Lưu' / 'Lưu và
    tiếp' as a plain form)."""
    entry = policy.entry_get_for_user(request.user, entry_pk, "appraise")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = Round1Form(request.POST)
    if not form.is_valid():
        error = "Biểu mẫu không hợp lệ: hãy tải lại trang."
        if request.htmx:
            return _refused(request, entry, error, layer="round1")
        messages.error(request, error)
        return redirect("council:entry", entry_pk=entry.pk)
    data = form.cleaned_data
    try:
        entry = services.round1_record(
            entry=entry,
            value=data["value"],
            reason=data["reason"],
            by=request.user,
            expected_version=data["version"],
        )
    except ServiceError as exc:
        if request.htmx:
            return _refused(request, entry, exc, layer="round1")
        messages.error(request, exc.message)
        fresh = ItemEntry.objects.get(pk=entry.pk)
        entry.version = fresh.version if isinstance(exc, ConcurrencyError) else entry.version
        ctx = _entry_context(request, entry, round1_form=form)
        return render(
            request,
            "council/entry_detail.html",
            ctx,
            status=409 if isinstance(exc, ConcurrencyError) else 422,
        )
    if request.htmx and "sheet" in request.POST:
        return _sheet_saved(request, entry, round_no=1)
    if request.htmx:
        return _saved_fragment(request, entry)
    messages.success(request, f"Đã lưu kết quả thẩm định vòng 1 mục {entry.node.code}.")
    if "sheet" in request.POST:  # the one-page form without JavaScript: back to the item on that page
        return redirect(reverse("council:appraise", args=[entry.assessment_id]) + f"#item-{entry.pk}")
    if "next" in request.POST:
        return _redirect_next(request, entry, round_no=1)
    return redirect("council:entry", entry_pk=entry.pk)


def _redirect_next(request: HttpRequest, entry: ItemEntry, *, round_no: int) -> HttpResponse:
    period = entry.assessment.period
    following = queues.queue_next(
        queues.queue_for_appraiser(request.user, period, round_no=round_no), entry.pk, round_no=round_no
    )
    if following is None:
        messages.info(request, "Đã chấm xong mọi mục trong hàng đợi.")
        return redirect("council:queue" if round_no == 1 else "council:queue_round2", year=period.year)
    if following.assessment_id != entry.assessment_id:
        messages.info(
            request,
            "Đã xong các mục của {done}. Chuyển sang đơn vị tiếp theo: {next}.".format(
                done=entry.assessment.unit.name, next=following.assessment.unit.name
            ),
        )
    return redirect("council:entry", entry_pk=following.pk)


def entry_round2(request: HttpRequest, entry_pk: int) -> HttpResponse:
    """Save the round-2 decision (accept / accept in part / keep) with its reason."""
    entry = policy.entry_get_for_user(request.user, entry_pk, "appraise")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = Round2Form(request.POST)
    status = 422
    if request.htmx and not form.is_valid():
        return _refused(
            request, entry, " ".join(m for errs in form.errors.values() for m in errs), layer="round2"
        )
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.round2_record(
                entry=entry,
                decision=data["decision"],
                value=data["value"],
                reason=data["reason"],
                by=request.user,
                expected_version=data["version"],
            )
        except ServiceError as exc:
            if request.htmx:
                return _refused(request, entry, exc, layer="round2")
            form.add_error(None, exc.message)
            status = 409 if isinstance(exc, ConcurrencyError) else 422
        else:
            if request.htmx and "sheet" in request.POST:
                return _sheet_saved(request, entry, round_no=2)
            if request.htmx:
                return _saved_fragment(request, entry, layer="round2")
            messages.success(request, f"Đã lưu kết luận vòng 2 mục {entry.node.code}.")
            if "next" in request.POST:
                return _redirect_next(request, entry, round_no=2)
            return redirect("council:entry", entry_pk=entry.pk)
    ctx = _entry_context(request, entry, round2_form=form)
    return render(request, "council/entry_detail.html", ctx, status=status)


def entry_history(request: HttpRequest, entry_pk: int) -> HttpResponse:
    """The item's timeline: self → round 1 → explanation → round 2, who, when, old → new, reason."""
    entry = policy.entry_get_for_user(request.user, entry_pk, "history")
    rows = policy.timeline_for_viewer(
        request.user, policy.Subject.of(entry.assessment), history.item_timeline(entry)
    )
    return render(
        request,
        "council/entry_history.html",
        {"entry": entry, "period": entry.assessment.period, "rows": rows},
    )


# -- one unit on one page ------------------------------------------------------------------------------------


def _sheet_page(request: HttpRequest, assessment_pk: int, round_no: int) -> HttpResponse:
    action = "appraise" if round_no == 1 else "appraise_round2"
    assessment = policy.appraisal_get_for_user(request.user, assessment_pk, action)
    sheet = appraisal_sheet(request.user, assessment, round_no=round_no)
    if not sheet.rows:
        raise PermissionDenied(
            "Bạn không có mục nào để thẩm định vòng {n} ở {unit}.".format(
                n=round_no, unit=assessment.unit.name
            )
        )
    phase = Phase.APPRAISAL if round_no == 1 else Phase.REAPPRAISAL
    return render(
        request,
        "council/assessment_appraise.html",
        {
            "period": assessment.period,
            "assessment": assessment,
            "sheet": sheet,
            "decisions": Round2Decision.choices,
            "deadline": phase_deadline(period=assessment.period, phase=phase),
            "phase_label": Phase(phase).label,
        },
    )


def appraise(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """Round 1 of one unit on one page: every item of the member's fields, grouped by field, each saved on its
    own (htmx), with the running total and the lowered items."""
    return _sheet_page(request, assessment_pk, 1)


def appraise_round2(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """Round 2 of one unit on one page: the explained items with the unit's explanation beside each."""
    return _sheet_page(request, assessment_pk, 2)


def appraise_accept_remaining(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """«Chấp nhận các mục còn lại theo điểm tự chấm»: GET lists what would be recorded and asks to confirm;
    POST records it (one history row per item)."""
    assessment = policy.appraisal_get_for_user(request.user, assessment_pk, "accept_remaining")
    sheet: Sheet = appraisal_sheet(request.user, assessment, round_no=1)
    if not sheet.rows:
        raise PermissionDenied(
            "Bạn không có mục nào để thẩm định vòng 1 ở {unit}.".format(unit=assessment.unit.name)
        )
    rows = sheet.remaining_acceptable
    if request.method == "POST":
        try:
            done = services.round1_accept_remaining(
                assessment=assessment, entries=[r.entry for r in rows], by=request.user
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                "Đã chấp nhận {n} mục theo điểm tự chấm: {codes}.".format(
                    n=len(done), codes=", ".join(e.node.code for e in done) or "không có mục nào"
                ),
            )
        return redirect("council:appraise", assessment_pk=assessment.pk)
    return render(
        request,
        "council/assessment_accept_remaining.html",
        {"period": assessment.period, "assessment": assessment, "sheet": sheet, "rows": rows},
    )


# -- one unit ------------------------------------------------------------------------------------------------


def assessment_layers(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """Every layer side by side (self | round 1 | explanation | round 2 | final), with the unit's actions."""
    assessment, council_side = policy.layers_get_for_user(request.user, assessment_pk)
    period = assessment.period
    entries = queues.entries_of_assessment(assessment, user=request.user if council_side else None)
    access = policy.council_access(request.user, period)
    links = _links_for(entries)
    # SPEC §6a: each layer from the moment it is shown to the reader (the unit's people read survey results and
    # round 2, hence the final points, from finalisation; the notice opens the page to them earlier).
    seen = policy.visibility(request.user, policy.Subject.of(assessment))
    rows = [
        {
            "entry": e,
            "lowered": sel.entry_is_lowered(e),
            "final": sel.final_points(e),
            "final_seen": policy.final_points_seen(e, seen),
            "links": links.get(e.pk, {}),
        }
        for e in entries
    ]
    return render(
        request,
        "council/assessment_layers.html",
        {
            "period": period,
            "assessment": assessment,
            "rows": rows,
            "adjustments": adjustment_layers(entries, sel.final_points),
            "final_adjustments": "round2" in seen,
            "council_side": council_side,
            "seen": seen,
            "explanation_seen": _explanation_seen(request, assessment),
            "can_mark": council_side
            and (access.secretariat or access.leader)
            and assessment.state in ROUND1_STATES
            and not period.is_closed,
            "can_finalise": council_side
            and (access.secretariat or access.chair)
            and assessment.state in (S.APPRAISED, S.EXPLAINED, S.REAPPRAISED),
            "can_reopen": council_side
            and access.chair
            and assessment.state == S.FINALISED
            and not period.is_closed,
            "can_audit": access.secretariat,
            "notice_visible": assessment.state in sel.NOTICE_STATES
            and (council_side or policy.notice_is_open(assessment)),
            "results_url": _results_url(period.year, assessment.unit.code),
        },
    )


def _results_url(year: int, code: str) -> str:
    try:
        return reverse("scoring:unit_detail", kwargs={"year": year, "code": code})
    except NoReverseMatch:
        return ""


def _assessment_action(
    request: HttpRequest, assessment_pk: int, action: str, service: Any, success: str
) -> HttpResponse:
    """POST only: run one assessment service, report its refusal or ``success`` (formatted with the unit)."""
    assessment = policy.appraisal_get_for_user(request.user, assessment_pk, action)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        service(assessment=assessment, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success.format(unit=assessment.unit.name))
    return redirect("council:layers", assessment_pk=assessment.pk)


def assessment_mark_appraised(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    return _assessment_action(
        request,
        assessment_pk,
        "mark_appraised",
        services.assessment_mark_appraised,
        "Đã chốt thẩm định vòng 1 của {unit}.",
    )


def assessment_finalise(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    return _assessment_action(
        request, assessment_pk, "finalise", services.assessment_finalise, "Đã chốt kết quả của {unit}."
    )


def assessment_reopen(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = policy.appraisal_get_for_user(request.user, assessment_pk, "reopen")
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_reopen(
                assessment=assessment, reason=form.cleaned_data["reason"], by=request.user
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Đã mở lại kết quả của {assessment.unit.name}.")
            return redirect("council:layers", assessment_pk=assessment.pk)
    return render(
        request,
        "council/assessment_reopen.html",
        {"assessment": assessment, "period": assessment.period, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def assessment_audit(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """Every score and state change of one unit (secretariat)."""
    assessment = policy.appraisal_get_for_user(request.user, assessment_pk, "audit")
    return render(
        request,
        "council/assessment_audit.html",
        {"assessment": assessment, "period": assessment.period, "rows": history.assessment_audit(assessment)},
    )


# -- notice and explanation (the unit's side) ----------------------------------------------------------------


def _notice_lost(assessment: Assessment) -> tuple[Decimal, AdjustmentLayers | None]:
    """What round 1 took from the unit, by the one notice rule (grouped bonus and penalty counted after their
    groups' caps: a lowered item inside a group whose claim passed the cap may cost nothing), and those groups."""
    adjustments = adjustment_layers(adjustment_entries(assessment), sel.final_points)
    lost = notice_data(assessment=assessment).total_lost
    return lost if lost is not None else sel.ZERO, adjustments


def _notice_context(assessment: Assessment) -> dict[str, Any]:
    items = sel.lowered_entries(assessment)
    total_lost, adjustments = _notice_lost(assessment)
    return {
        "assessment": assessment,
        "period": assessment.period,
        "items": items,
        "total_lost": total_lost,
        "adjustments": adjustments,
        "organisation": Organisation.current(),
        "today": timezone.localdate(),
        "explanation_due": sel.explanation_due_local(assessment),
    }


def notice(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """The preliminary notice: items whose points the council lowered, with its reasons."""
    assessment = policy.notice_get_for_user(request.user, assessment_pk)
    ctx = _notice_context(assessment)
    ctx["can_explain"] = policy.unit_can_explain(request.user, assessment)
    return render(request, "council/assessment_notice.html", ctx)


def notice_print(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = policy.notice_get_for_user(request.user, assessment_pk)
    return render(request, "council/assessment_notice_print.html", _notice_context(assessment))


def notice_download(request: HttpRequest, assessment_pk: int, fmt: str = "") -> HttpResponse:
    """The notice as a .docx (Decree 30 layout), built by the documents package from plain data, or its PDF
    copy for digital signing (503 with how to add LibreOffice where it is absent)."""
    assessment = policy.notice_get_for_user(request.user, assessment_pk)
    export = exports.notice_export(assessment)
    if fmt == "pdf":
        try:
            export = to_pdf(export)
        except PdfUnavailable as exc:
            return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    audit_export(by=request.user, filename=export.filename, period=assessment.period)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


def explanation(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """The unit answers its lowered items (text and new evidence); the head sends the explanation."""
    assessment = policy.explanation_get_for_user(request.user, assessment_pk, "read")
    return _explanation_page(request, assessment)


def _explanation_page(
    request: HttpRequest, assessment: Assessment, *, status: int = 200, refused_entry: int = 0, **refused: Any
) -> HttpResponse:
    """The explanation page. After a refused plain-form post (no htmx), ``refused`` holds that item's bound form
    (``form`` for the text, ``file_form`` for a file): what was typed stays, with the message beside its field."""
    items = sel.lowered_entries(assessment)
    links = _links_for(items)
    can_edit = policy.unit_can_explain(request.user, assessment)
    rows = [
        {
            "entry": e,
            "form": ExplanationForm(initial={"text": e.explanation, "version": e.version}, prefix=f"e{e.pk}"),
            "file_form": UploadForm(prefix=f"f{e.pk}"),
            "links": links.get(e.pk, {}),
            **(refused if e.pk == refused_entry else {}),
        }
        for e in items
    ]
    return render(
        request,
        "council/assessment_explanation.html",
        {
            "assessment": assessment,
            "period": assessment.period,
            "rows": rows,
            "can_edit": can_edit,
            "can_submit": policy.unit_can_submit_explanation(request.user, assessment),
            "deadline": phase_deadline(period=assessment.period, phase=Phase.EXPLANATION),
            "phase_open": phase_is_open(period=assessment.period, phase=Phase.EXPLANATION),
        },
        status=status,
    )


def _explanation_refused(
    request: HttpRequest, entry: ItemEntry, error: ServiceError | str, **refused: Any
) -> HttpResponse:
    """A refused explanation save or upload without htmx: the page again (409 when someone saved the item in
    between, else 422), never a redirect that would lose what was typed."""
    message = error if isinstance(error, str) else error.message
    messages.error(request, message)
    status = 409 if isinstance(error, ConcurrencyError) else 422
    return _explanation_page(request, entry.assessment, status=status, refused_entry=entry.pk, **refused)


def _errors(form: Any) -> str:
    return "; ".join(m for errs in form.errors.values() for m in errs)


def explanation_save(request: HttpRequest, entry_pk: int) -> HttpResponse:
    entry = policy.entry_get_for_user(request.user, entry_pk, "explain")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ExplanationForm(request.POST, prefix=f"e{entry.pk}")
    fragment = {"layer": "explanation", "version_name": form["version"].html_name}
    if not form.is_valid():
        if request.htmx:
            return _refused(request, entry, _errors(form), **fragment)
        return _explanation_refused(request, entry, _errors(form), form=form)
    try:
        entry = services.explanation_record(
            entry=entry,
            text=form.cleaned_data["text"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except ServiceError as exc:
        # Someone saved another text in between: the answer shows it (who, when, what) beside the typed one
        # and carries the stored version, so that saving again is a choice made having seen both.
        conflict = exc if isinstance(exc, EntryConflict) else None
        if request.htmx:
            stored = conflict.current if conflict else entry
            return _refused(request, stored, exc, conflict=conflict, **fragment)
        form.add_error("text", exc.message)
        return _explanation_refused(request, entry, exc, form=form, conflict=conflict)
    if request.htmx:
        return _saved_fragment(request, entry, **fragment)
    messages.success(request, f"Đã lưu giải trình mục {entry.node.code}.")
    return redirect("council:explanation", assessment_pk=entry.assessment_id)


def explanation_upload(request: HttpRequest, entry_pk: int) -> HttpResponse:
    entry = policy.entry_get_for_user(request.user, entry_pk, "explain")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    # The self-assessment's upload form: an empty file reaches the one upload check (check_upload), which
    # refuses it, an executable or a web page with the same messages as evidence uploads.
    form = UploadForm(request.POST, request.FILES, prefix=f"f{entry.pk}")
    if not form.is_valid():
        return _explanation_refused(request, entry, _errors(form), file_form=form)
    try:
        link = services.explanation_evidence_upload(
            entry=entry,
            uploaded=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            by=request.user,
        )
    except ServiceError as exc:
        form.add_error(exc.field, exc.message)  # a file refused (UploadError): beside the file field
        return _explanation_refused(request, entry, exc, file_form=form)
    messages.success(request, f"Đã tải lên «{link.evidence.title}» cho mục {entry.node.code}.")
    return redirect("council:explanation", assessment_pk=entry.assessment_id)


def explanation_submit(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = policy.explanation_get_for_user(request.user, assessment_pk, "submit")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.explanation_submit(assessment=assessment, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã gửi giải trình tới Hội đồng thẩm định.")
    return redirect("council:explanation", assessment_pk=assessment.pk)


# -- secretariat: setup, workload, survey, outbox, audit -----------------------------------------------------


@year_page(_opens_secretariat)
def council_setup(request: HttpRequest, year: int) -> HttpResponse:
    """The period's council: chair, vice-chair, members with their unit, secretariat."""
    period = _period(year)
    _require_secretariat(request, period)
    form = CouncilRoleForm(request.POST or None, period=period)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.council_role_grant(
                period=period, user=data["user"], role=data["role"], unit=data["unit"], by=request.user
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Đã thêm vào Hội đồng.")
            return redirect("council:setup", year=year)
    return render(
        request,
        "council/council_setup.html",
        {"period": period, "form": form, "rows": list(sel.council_roles_for_period(period))},
        status=400 if request.method == "POST" else 200,
    )


def council_role_remove(request: HttpRequest, year: int, role_pk: int) -> HttpResponse:
    period = _period(year)
    _require_secretariat(request, period)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    row = policy.council_role_get_for_user(request.user, role_pk, period=period)
    try:
        services.council_role_revoke(role_assignment=row, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã gỡ khỏi Hội đồng.")
    return redirect("council:setup", year=year)


@year_page(_opens_secretariat)
def assignments(request: HttpRequest, year: int) -> HttpResponse:
    """Assignments of members to fields across groups, created in bulk."""
    period = _period(year)
    _require_secretariat(request, period)
    form = AssignmentBulkForm(request.POST or None, period=period)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.assignments_create_bulk(
                period=period,
                members=list(form.cleaned_data["members"]),
                field_codes=form.cleaned_data["field_codes"],
                groups=form.selected_groups(),
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Đã tạo {created} phân công mới.")
            return redirect("council:assignments", year=year)
    return render(
        request,
        "council/assignment_list.html",
        {"period": period, "form": form, "rows": list(sel.assignments_for_period(period))},
        status=400 if request.method == "POST" else 200,
    )


def assignment_remove(request: HttpRequest, year: int, assignment_pk: int) -> HttpResponse:
    period = _period(year)
    _require_secretariat(request, period)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    row = policy.assignment_get_for_user(request.user, assignment_pk, period=period)
    services.assignment_delete(assignment=row, by=request.user)
    messages.success(request, "Đã xóa phân công.")
    return redirect("council:assignments", year=year)


@year_page(_opens_council)
def workload(request: HttpRequest, year: int) -> HttpResponse:
    """Items to appraise, done and left: every member for the secretariat and the council's leaders, one's
    own line for a member."""
    period = _period(year)
    access = _require_council(request, period)
    everyone = access.secretariat or access.leader
    loads, fallback = queues.workload(period, only_user=None if everyone else request.user)
    return render(
        request,
        "council/assignment_workload.html",
        {"period": period, "loads": loads, "fallback": fallback if access.secretariat else None},
    )


@year_page(_opens_secretariat)
def survey(request: HttpRequest, year: int) -> HttpResponse:
    """Upload survey (XHH) results; list earlier imports with their files."""
    period = _period(year)
    _require_secretariat(request, period)
    form = ScoresImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        job_url = import_in_background(
            what="survey", period=period, by=request.user, file_name=upload.name, content=content
        )
        if job_url is not None:
            return redirect(job_url)
        report = scores_import(
            period=period, layer=Layer.SURVEY, file_name=upload.name, content=content, by=request.user
        )
        if report.ok:
            messages.success(request, report.summary)
            return redirect("council:survey", year=year)
        messages.error(request, report.summary)
    return render(
        request,
        "council/surveyimport_list.html",
        {"period": period, "form": form, "report": report, "imports": list(history.survey_imports(period))},
        status=400 if request.method == "POST" else 200,
    )


def survey_template(request: HttpRequest, year: int) -> HttpResponse:
    """The survey import's blank template with example rows (openpyxl loaded only when asked for)."""
    period = _period(year)
    _require_secretariat(request, period)
    from .importing import survey_template as build

    template = build(period)
    return HttpResponse(
        template.content,
        content_type=template.content_type,
        headers={"Content-Disposition": f'attachment; filename="{template.filename}"'},
    )


def survey_download(request: HttpRequest, import_pk: int) -> HttpResponse:
    record = get_object_or_404(SurveyImport.objects.select_related("period"), pk=import_pk)
    _require_secretariat(request, record.period)
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.file_name)


@year_page(_opens_secretariat)
def outbox(request: HttpRequest, year: int) -> HttpResponse:
    period = _period(year)
    _require_secretariat(request, period)
    return render(
        request,
        "council/outboxmessage_list.html",
        {"period": period, "rows": list(history.outbox(period)[:500])},
    )


def outbox_detail(request: HttpRequest, message_pk: int) -> HttpResponse:
    message = get_object_or_404(
        OutboxMessage.objects.select_related("period", "unit", "member"), pk=message_pk
    )
    _require_secretariat(request, message.period)
    return render(
        request, "council/outboxmessage_detail.html", {"period": message.period, "message": message}
    )


@year_page(_opens_secretariat)
def period_audit(request: HttpRequest, year: int) -> HttpResponse:
    """The period's latest score and state changes across every unit (secretariat)."""
    period = _period(year)
    _require_secretariat(request, period)
    return render(
        request, "council/period_audit.html", {"period": period, "rows": history.period_audit(period)}
    )


# -- the period's phase change (the secretariat), after seeing what is still running ---------------------------


@year_page(_opens_secretariat)
def period_advance(request: HttpRequest, year: int) -> HttpResponse:
    """GET: what is still running and the reason to give; POST: the change, confirmed (SPEC §3a)."""
    from appraisal.registry.forms import PeriodAdvanceForm

    from .lifecycle import ConfirmationNeeded, period_running
    from .lifecycle import period_advance as advance

    period = _period(year)
    _require_secretariat(request, period)
    data = request.POST if request.method == "POST" else request.GET
    form = PeriodAdvanceForm(data or None, period=period)
    form.fields["reason"].required = request.method == "POST"
    running: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            advance(
                period=period,
                to_phase=form.cleaned_data["to_phase"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                confirmed=bool(form.cleaned_data.get("confirm")),
            )
        except ConfirmationNeeded as needed:
            running = needed.running
            messages.warning(request, needed.message)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, f"Đã chuyển {period.name} sang giai đoạn «{period.get_phase_display()}»."
            )
            return redirect("registry:period_detail", pk=period.pk)
    else:
        running = period_running(period=period)
    target = form.data.get("to_phase") or (form.fields["to_phase"].choices or [("", "")])[0][0]
    return render(
        request,
        "council/period_advance.html",
        {
            "period": period,
            "form": form,
            "running": running,
            "target_label": Phase(target).label if target in Phase.values else "",
        },
    )
