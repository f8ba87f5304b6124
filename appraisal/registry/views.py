"""Secretariat pages for the registry: groups, units, imports, index sets, periods, organisation.

Every view is for the secretariat and the administrator only (``can_manage_registry``); the selectors'
``*_for_user``/``registry_require`` raise 403 for anyone else. What is about one period (its settings, windows,
current period, index sets, a unit's group or tracking in it, an import into it) asks the secretariat's role in
that period too (``period_require``, SPEC §6a: a role given for 2022 means nothing in 2023). Views parse, call one service, render or redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from appraisal.core import roles
from appraisal.core.exceptions import ServiceError
from appraisal.core.jobs import import_in_background

from . import phases, selectors, services
from .forms import (
    GroupForm,
    IndexSetCopyForm,
    IndexSetImportForm,
    NodeTextFixForm,
    OrganisationForm,
    PeriodAdvanceForm,
    PeriodCreateForm,
    PeriodSettingsForm,
    PhaseWindowForm,
    UnitFilterForm,
    UnitForm,
    UnitsImportForm,
)
from .models import Group, Organisation, Period, Phase, UnitMembership

WINDOW_PHASES = phases.WINDOW_PHASES


def _upload(form: Any) -> tuple[str, bytes]:
    upload = form.cleaned_data["file"]
    return upload.name, upload.read()


def _file_response(file: Any) -> HttpResponse:
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response


# -- landing page -----------------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    """Periods, groups, units and index sets at a glance. A link shown opens (QA): a period and its index sets
    are linked to a secretariat holding its role in that period (a role without a period: every one), the
    others are named in plain text."""
    selectors.registry_require(request.user)
    current = selectors.period_current()
    held = roles.periods_held(request.user, roles.SECRETARIAT)
    periods = list(selectors.period_list())
    index_sets = list(selectors.index_set_list())
    for p in periods:
        p.held = held is None or p.pk in held
    for s in index_sets:
        s.held = held is None or s.period_id in held
    return render(
        request,
        "registry/registry_index.html",
        {
            "current": current,
            "periods": periods,
            "groups": list(selectors.group_list_with_units(current)),
            "index_sets": index_sets,
            "unit_total": selectors.unit_list(period=None).count(),
            "organisation": Organisation.current(),
        },
    )


# -- groups -----------------------------------------------------------------------------------------------


def group_list(request: HttpRequest) -> HttpResponse:
    selectors.registry_require(request.user)
    current = selectors.period_current()
    return render(
        request,
        "registry/group_list.html",
        {"groups": list(selectors.group_list_with_units(current)), "current": current},
    )


def group_create(request: HttpRequest) -> HttpResponse:
    selectors.province_require(request.user)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            group = services.group_create(
                code=d["code"], name=d["name"], title_noun=d["title_noun"], order=d["order"], by=request.user
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Đã tạo khối «{group.name}».")
            return redirect("registry:group_list")
    return render(request, "registry/group_form.html", {"form": form, "group": None})


def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.province_require(request.user)
    group = selectors.group_get_for_user(request.user, pk)
    initial = {"code": group.code, "name": group.name, "title_noun": group.title_noun, "order": group.order}
    form = GroupForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.group_update(
                group=group, name=d["name"], title_noun=d["title_noun"], order=d["order"], by=request.user
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Đã lưu khối «{group.name}».")
            return redirect("registry:group_list")
    return render(request, "registry/group_form.html", {"form": form, "group": group})


# -- units ------------------------------------------------------------------------------------------------


def unit_list(request: HttpRequest) -> HttpResponse:
    selectors.registry_require(request.user)
    periods = Period.objects.order_by("-year")
    groups = Group.objects.order_by("order", "code")
    data = request.GET.copy()
    if "period" not in data:
        current = selectors.period_current()
        data["period"] = str(current.pk) if current else ""
    form = UnitFilterForm(data, periods=periods, groups=groups)
    period = group = None
    if form.is_valid():
        period, group = form.cleaned_data["period"], form.cleaned_data["group"]
    units = list(selectors.unit_list(period=period, group=group))
    return render(
        request,
        "registry/unit_list.html",
        {"form": form, "units": units, "period": period, "group": group},
    )


def _unit_form_initial(unit: Any) -> dict[str, Any]:
    initial = {
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "head_name": unit.head_name,
        "head_title": unit.head_title,
        "email": unit.email,
        "tags": unit.tags,
    }
    current = selectors.period_current()
    if current is not None:
        initial["period"] = current.pk
        membership = UnitMembership.objects.filter(period=current, unit=unit).first()
        if membership is not None:
            initial["group"] = membership.group_id
    return initial


def _unit_values(form: UnitForm, user: Any) -> dict[str, Any]:
    d = form.cleaned_data
    if d["period"] is not None:
        selectors.period_require(user, d["period"])
    return {
        "name": d["name"],
        "short_name": d["short_name"],
        "tags": d["tags"],
        "head_name": d["head_name"],
        "head_title": d["head_title"],
        "email": d["email"],
        "period": d["period"],
        "group": d["group"],
    }


def unit_create(request: HttpRequest) -> HttpResponse:
    selectors.province_require(request.user)
    current = selectors.period_current()
    form = UnitForm(request.POST or None, initial={"period": current.pk if current else None})
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(
                code=form.cleaned_data["code"], by=request.user, **_unit_values(form, request.user)
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Đã tạo đơn vị «{unit.name}».")
            return redirect("registry:unit_list")
    return render(request, "registry/unit_form.html", {"form": form, "unit": None})


def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.province_require(request.user)
    unit = selectors.unit_get_for_user(request.user, pk)
    form = UnitForm(request.POST or None, initial=_unit_form_initial(unit), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(unit=unit, by=request.user, **_unit_values(form, request.user))
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Đã lưu đơn vị «{unit.name}».")
            return redirect("registry:unit_list")
    return render(request, "registry/unit_form.html", {"form": form, "unit": unit})


@require_POST
def unit_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Ngừng theo dõi (or resume) a unit in one period, with a reason (SPEC §3a). Other years are untouched."""
    unit = selectors.unit_get_for_user(request.user, pk)
    period_pk = request.POST.get("period", "")
    period = Period.objects.filter(pk=int(period_pk)).first() if period_pk.isdigit() else None
    if period is None:
        messages.error(request, "Hãy chọn kỳ đánh giá trong danh sách đơn vị trước khi ngừng theo dõi.")
        return redirect("registry:unit_list")
    selectors.period_require(request.user, period)
    tracked = request.POST.get("tracked") == "1"
    try:
        services.unit_set_tracked(
            period=period, unit=unit, tracked=tracked, reason=request.POST.get("reason", ""), by=request.user
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        if tracked:
            messages.success(request, f"Đã theo dõi lại đơn vị «{unit.name}» trong {period.name}.")
        else:
            messages.success(
                request,
                f"Đã ngừng theo dõi đơn vị «{unit.name}» trong {period.name}. Các năm khác không thay đổi.",
            )
    return redirect(f"{reverse('registry:unit_list')}?period={period.pk}")


@require_POST
def unit_activate(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.province_require(request.user)
    unit = selectors.unit_get_for_user(request.user, pk)
    services.unit_set_active(unit=unit, active=True, by=request.user)
    messages.success(request, f"Đã kích hoạt lại đơn vị «{unit.name}».")
    return redirect("registry:unit_list")


# -- imports ----------------------------------------------------------------------------------------------


def units_import(request: HttpRequest) -> HttpResponse:
    selectors.province_require(
        request.user, "được nhập danh sách đơn vị (đơn vị, khối dùng chung cho mọi năm)"
    )
    form = UnitsImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        file_name, content = _upload(form)
        year = form.cleaned_data["year"]
        selectors.year_require(request.user, year, selectors.PERIOD_PAGES)
        job_url = import_in_background(
            what="units",
            period=Period.objects.filter(year=year).first(),
            by=request.user,
            file_name=file_name,
            content=content,
            params={"year": year},
        )
        if job_url is not None:
            return redirect(job_url)
        try:
            result = services.units_import(year=year, file_name=file_name, content=content, by=request.user)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            if result.ok:
                messages.success(request, result.summary)
                assert result.period is not None
                return redirect(f"{reverse('registry:unit_list')}?period={result.period.pk}")
    return render(request, "registry/unit_import.html", {"form": form, "result": result})


def index_set_import(request: HttpRequest) -> HttpResponse:
    selectors.registry_require(request.user)
    form = IndexSetImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        selectors.year_require(request.user, d["year"], selectors.PERIOD_PAGES)
        file_name, content = _upload(form)
        job_url = import_in_background(
            what="index_set",
            period=Period.objects.filter(year=d["year"]).first(),
            by=request.user,
            file_name=file_name,
            content=content,
            params={
                "year": d["year"],
                "group": d["group"],
                "group_name": d["group_name"] or "",
                "scale": str(d["scale"]) if d["scale"] is not None else "",
            },
        )
        if job_url is not None:
            return redirect(job_url)
        try:
            result = services.index_set_import(
                year=d["year"],
                group_code=d["group"],
                group_name=d["group_name"] or None,
                file_name=file_name,
                content=content,
                scale=d["scale"],
                by=request.user,
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            if result.ok:
                messages.success(request, result.summary)
                assert result.index_set is not None
                return redirect("registry:index_set_detail", pk=result.index_set.pk)
    return render(
        request,
        "registry/indexset_import.html",
        {"form": form, "result": result, "groups": list(Group.objects.order_by("order", "code"))},
    )


def template_units(request: HttpRequest) -> HttpResponse:
    selectors.registry_require(request.user)
    from .templates_xlsx import units_template  # openpyxl is loaded only when a template is asked for

    return _file_response(units_template())


def template_index_set(request: HttpRequest) -> HttpResponse:
    selectors.registry_require(request.user)
    from .templates_xlsx import index_set_template

    return _file_response(index_set_template())


# -- index sets -------------------------------------------------------------------------------------------


def index_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    index_set = selectors.index_set_get_for_user(request.user, pk)
    tree = selectors.index_set_tree(index_set)
    return render(
        request,
        "registry/indexset_detail.html",
        {
            "index_set": index_set,
            "tree": tree,
            "locked": index_set.period.is_locked_structure,
            "fixes": selectors.index_set_text_fixes(index_set),
        },
    )


def index_set_copy(request: HttpRequest) -> HttpResponse:
    selectors.registry_require(request.user)
    initial = {}
    if request.method == "GET" and request.GET.get("source", "").isdigit():
        initial["source"] = int(request.GET["source"])
    form = IndexSetCopyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        selectors.period_require(request.user, form.cleaned_data["source"].period)
        selectors.year_require(request.user, form.cleaned_data["year"], selectors.PERIOD_PAGES)
        try:
            copy = services.index_set_copy(
                source=form.cleaned_data["source"], year=form.cleaned_data["year"], by=request.user
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Đã sao chép thành {copy} (phiên bản 1).")
            return redirect("registry:index_set_detail", pk=copy.pk)
    return render(request, "registry/indexset_copy.html", {"form": form})


def index_node_fix(request: HttpRequest, pk: int) -> HttpResponse:
    node = selectors.index_node_get_for_user(request.user, pk)
    initial = {"title": node.title, "guidance": node.guidance, "evidence": node.evidence}
    form = NodeTextFixForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.index_node_text_fix(node=node, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            if changed:
                messages.success(
                    request, f"Đã sửa {changed} nội dung của mục {node.code}; thay đổi được ghi nhật ký."
                )
            else:
                messages.info(request, f"Mục {node.code} không có gì thay đổi.")
            return redirect(
                f"{reverse('registry:index_set_detail', args=[node.index_set_id])}#node-{node.pk}"
            )
    return render(request, "registry/indexnode_fix.html", {"form": form, "node": node})


# -- periods ----------------------------------------------------------------------------------------------


def period_list(request: HttpRequest) -> HttpResponse:
    """Periods, newest first; archived ones only with ``?luu-tru=1`` (SPEC §3a: hidden unless asked for)."""
    selectors.registry_require(request.user)
    periods = list(selectors.period_list())
    show_archived = request.GET.get("luu-tru") == "1"
    shown = periods if show_archived else [p for p in periods if not p.is_archived]
    return render(
        request,
        "registry/period_list.html",
        {"periods": shown, "show_archived": show_archived, "archived_count": len(periods) - len(shown)},
    )


def period_create(request: HttpRequest) -> HttpResponse:
    selectors.province_require(request.user)
    form = PeriodCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_create(
                year=form.cleaned_data["year"], name=form.cleaned_data["name"], by=request.user
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Đã tạo kỳ «{period.name}».")
            return redirect("registry:period_detail", pk=period.pk)
    return render(request, "registry/period_create.html", {"form": form})


def _window_rows(period: Period, bound: dict[str, PhaseWindowForm] | None = None) -> list[dict[str, Any]]:
    windows = {w.phase: w for w in selectors.period_windows(period)}
    rows = []
    for phase in WINDOW_PHASES:
        window = windows.get(phase)
        form = (bound or {}).get(phase)
        if form is None:
            initial = (
                {"opens_at": window.opens_at, "due_at": window.due_at, "grace_minutes": window.grace_minutes}
                if window
                else {"grace_minutes": 0}
            )
            form = PhaseWindowForm(initial=initial, prefix=phase)
        rows.append(
            {
                "phase": phase,
                "label": Phase(phase).label,
                "window": window,
                "form": form,
                "status": phases.window_status(period=period, phase=phase),
            }
        )
    return rows


def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.period_get_for_user(request.user, pk)
    return render(
        request,
        "registry/period_detail.html",
        {
            "period": period,
            "windows": _window_rows(period),
            "advance_form": PeriodAdvanceForm(period=period),
            "closed_refusal": phases.period_closed_refusal(period),
            "is_current": (current := selectors.period_current()) is not None and current.pk == period.pk,
            "events": selectors.period_events(period),
            "index_sets": list(selectors.index_set_list(period)),
        },
    )


def period_edit(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.period_get_for_user(request.user, pk)
    form = PeriodSettingsForm(request.POST or None, period=period)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_update(period=period, by=request.user, **form.values())
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Đã lưu thiết lập của {period.name}.")
            return redirect("registry:period_detail", pk=period.pk)
    return render(request, "registry/period_form.html", {"form": form, "period": period})


@require_POST
def period_window(request: HttpRequest, pk: int, phase: str) -> HttpResponse:
    """Save one phase window; htmx swaps the row in place, a plain post redirects to the period page."""
    period = selectors.period_get_for_user(request.user, pk)
    if phase not in WINDOW_PHASES:
        return redirect("registry:period_detail", pk=period.pk)
    form = PhaseWindowForm(request.POST, prefix=phase)
    saved = False
    if form.is_valid():
        try:
            services.phase_window_set(period=period, phase=phase, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            saved = True
    if getattr(request, "htmx", False):
        row = next(r for r in _window_rows(period, None if saved else {phase: form}) if r["phase"] == phase)
        return render(
            request, "registry/includes/window_row.html", {"row": row, "period": period, "saved": saved}
        )
    if saved:
        messages.success(request, f"Đã lưu thời hạn giai đoạn {Phase(phase).label}.")
    else:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, f"Chưa lưu thời hạn giai đoạn {Phase(phase).label}: {errors}")
    return redirect("registry:period_detail", pk=period.pk)


@require_POST
def period_set_current(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.period_get_for_user(request.user, pk)
    try:
        services.period_set_current(period=period, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{period.name} là kỳ hiện hành: mọi người mở ParIndex sẽ vào kỳ này.")
    return redirect("registry:period_detail", pk=period.pk)


# -- organisation -----------------------------------------------------------------------------------------


def organisation_edit(request: HttpRequest) -> HttpResponse:
    selectors.province_require(request.user)
    org = Organisation.current()
    form = OrganisationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                by=request.user, **{k: form.cleaned_data[k] for k in form.Meta.fields}
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Đã lưu thông tin cơ quan.")
            return redirect("registry:index")
    return render(request, "registry/organisation_form.html", {"form": form})
