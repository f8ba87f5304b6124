"""The life of a period (SPEC §3a, issue 9 behaviours 2 and 3): delete an empty period, archive one with data,
roll a year over into the next, export its unit list as the units import workbook."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import load_workbook

from appraisal.assessments.layers import assessment_get_or_create, entry_record_layer
from appraisal.assessments.models import Assessment, Evidence, EvidenceLink, ItemEntry
from appraisal.core import roles
from appraisal.core.exceptions import ConcurrencyError, ServiceError
from appraisal.council.models import Assignment, SurveyImport
from appraisal.registry import lifecycle, phases
from appraisal.registry.importing import UNIT_COLUMNS
from appraisal.registry.lifecycle import (
    AssignmentCopy,
    GroupCopy,
    IndexSetCopy,
    RoleCopy,
    SettingCopy,
    UnitCopy,
)
from appraisal.registry.models import (
    Group,
    IndexNode,
    IndexSet,
    Organisation,
    Period,
    PeriodEvent,
    Phase,
    PhaseWindow,
    RoleAssignment,
    Unit,
    UnitMembership,
)
from appraisal.registry.services import index_set_copy, index_set_import, units_import
from appraisal.scoring.models import ScoreRun
from tests.factories import (
    SMALL_SET_ROWS,
    GroupFactory,
    PeriodFactory,
    UnitFactory,
    UserFactory,
    build_index_set,
    grant,
    member_of,
)
from tests.registry.helpers import small_set_xlsx, snapshot

HUYEN_ROWS = SMALL_SET_ROWS[:5]  # field 1 and its four criteria: a 4-point set for the district group


@pytest.fixture
def year_2023(period, group, unit, other_unit, index_set, secretariat, chair, member, editor):
    """2023 with two groups, tracked, untracked and deactivated units, a council, settings and decision texts."""
    huyen = GroupFactory(code="huyen", name="UBND cấp huyện", order=2)
    thachha = UnitFactory(
        code="thachha",
        name="UBND huyện Thạch Hà",
        short_name="Thạch Hà",
        head_name="Phạm Văn Nam",
        head_title="Chủ tịch UBND huyện",
        tags="no_tthc,vung_bien",
    )
    member_of(period, thachha, huyen)
    huyen_set = build_index_set(period, huyen, HUYEN_ROWS)
    merged = member_of(period, UnitFactory(code="sxd", name="Sở Xây dựng"), group)
    UnitMembership.objects.filter(pk=merged.pk).update(tracked=False, untracked_reason="Hợp nhất vào Sở GTVT")
    member_of(period, UnitFactory(code="scu", name="Sở Cũ", active=False), group)
    Period.objects.filter(pk=period.pk).update(
        decimals=3,
        bands=[["xuat_sac", "92"], ["tot", "82"], ["kha", "70"], ["trung_binh", "50"]],
        head_ratings=[["htxs", "91"], ["htt", "81"], ["ht", "71"]],
        head_min_field_index=Decimal("55.50"),
        survey_weights={"A": "100", "B": "70", "C": "30", "D": "0"},
        explanation_days=7,
        legal_bases="Căn cứ Luật Tổ chức chính quyền địa phương;\nCăn cứ Quyết định số 12/QĐ-UBND ngày 05/01/2023;",
        proposal="Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số",
        recipients="Như Điều 4;\nBộ Nội vụ;\nLưu: VT, NV.",
        decision_number="519/QĐ-UBND",
        decision_date=date(2024, 2, 20),
        proposal_number="45/TTr-SNV",
        proposal_date=date(2024, 2, 10),
    )
    period.refresh_from_db()
    snv = UserFactory(username="snv.thuky", first_name="Lan", last_name="Nguyễn Thị")
    grant(chair, roles.CHAIR, period=period)
    grant(member, roles.MEMBER, other_unit, period=period)
    grant(snv, roles.SECRETARIAT, period=period)
    grant(editor, roles.UNIT_EDITOR, unit, period=period)  # a unit role: never copied with the council
    Assignment.objects.create(
        period=period, member=member, field_code="1", group=group, created_by=secretariat
    )
    Assignment.objects.create(
        period=period, member=member, field_code="2", group=None, created_by=secretariat
    )
    now = timezone.now()
    PhaseWindow.objects.create(
        period=period,
        phase=Phase.SELF_ASSESSMENT,
        opens_at=now - timedelta(days=3),
        due_at=now + timedelta(days=3),
    )
    return {"period": period, "so": group, "huyen": huyen, "so_set": index_set, "huyen_set": huyen_set}


def _nodes(index_set: IndexSet) -> list[tuple]:
    return list(
        index_set.nodes.order_by("position").values_list(
            "code",
            "title",
            "max_points",
            "method",
            "rule",
            "guidance",
            "evidence",
            "excluded_tags",
            "position",
            "depth",
            "is_leaf",
            "parent__code",
        )
    )


def _events(period: Period) -> list[tuple]:
    return list(
        PeriodEvent.objects.filter(period=period).values_list(
            "kind", "from_phase", "to_phase", "by", "reason", "detail"
        )
    )


def _period_values(period: Period, fields: tuple[str, ...]) -> dict:
    return {name: getattr(period, name) for name in fields}


# -- roll-over -------------------------------------------------------------------------------------------


def test_rollover_copies_every_group_units_council_settings_and_texts(year_2023, secretariat):
    source = year_2023["period"]
    source_rows = snapshot()

    new = lifecycle.period_rollover(
        source=source, year=2024, by=secretariat, include_council=True, reason="Chuẩn bị năm 2024"
    )

    new.refresh_from_db()
    assert (new.year, new.name, new.phase, new.archived_at) == (
        2024,
        "Chỉ số CCHC năm 2024",
        Phase.PREPARING,
        None,
    )
    copied = lifecycle.SETTING_FIELDS + lifecycle.TEXT_FIELDS
    assert _period_values(new, copied) == _period_values(source, copied)
    assert (new.decision_number, new.decision_date, new.proposal_number, new.proposal_date) == (
        "",
        None,
        "",
        None,
    )
    assert not PhaseWindow.objects.filter(period=new).exists()

    sets = list(IndexSet.objects.filter(period=new).order_by("group__order"))
    assert [(s.group.code, s.version, s.copied_from_id) for s in sets] == [
        ("so", 1, year_2023["so_set"].pk),
        ("huyen", 1, year_2023["huyen_set"].pk),
    ]
    assert _nodes(sets[0]) == _nodes(year_2023["so_set"])
    assert _nodes(sets[1]) == _nodes(year_2023["huyen_set"])
    assert not IndexNode.objects.filter(index_set__in=sets, parent__index_set__period=source).exists()

    assert sorted(
        UnitMembership.objects.filter(period=new).values_list("unit__code", "group__code", "tracked")
    ) == [("skhcn", "so", True), ("stp", "so", True), ("thachha", "huyen", True)]
    assert Unit.objects.get(code="thachha").tag_set == frozenset({"no_tthc", "vung_bien"})

    assert sorted(
        RoleAssignment.objects.filter(period=new).values_list("user__username", "role", "unit__code")
    ) == [("chair", "chair", None), ("member.stp", "member", "stp"), ("snv.thuky", "secretariat", None)]
    assert sorted(
        Assignment.objects.filter(period=new).values_list(
            "member__username", "field_code", "group__code", "created_by__username"
        ),
        key=repr,
    ) == [("member.stp", "1", "so", "secretariat"), ("member.stp", "2", None, "secretariat")]

    assert _events(new) == [
        (
            "rollover",
            "preparing",
            "preparing",
            secretariat.pk,
            "Chuẩn bị năm 2024",
            "Tạo từ Chỉ số CCHC năm 2023: 2 bộ chỉ số, 3 đơn vị trong 2 khối, 3 vai trò gắn với kỳ (Hội đồng, "
            "Tổ thư ký…) và 2 phân công thẩm định; thiết lập và văn bản cố định của quyết định. Chưa có thời hạn "
            "các giai đoạn, số và ngày quyết định, Tờ trình.",
        )
    ]
    after = snapshot()
    for name in ("Group", "Unit"):
        assert after[name] == source_rows[name]


def test_rollover_without_council_copies_no_roles_or_assignments(year_2023, secretariat):
    new = lifecycle.period_rollover(
        source=year_2023["period"], year=2024, by=secretariat, include_council=False
    )
    assert not RoleAssignment.objects.filter(period=new).exists()
    assert not Assignment.objects.filter(period=new).exists()
    assert IndexSet.objects.filter(period=new).count() == 2
    assert PeriodEvent.objects.get(period=new).detail == (
        "Tạo từ Chỉ số CCHC năm 2023: 2 bộ chỉ số, 3 đơn vị trong 2 khối, không sao chép Hội đồng; thiết lập và "
        "văn bản cố định của quyết định. Chưa có thời hạn các giai đoạn, số và ngày quyết định, Tờ trình."
    )


def test_rollover_copied_index_sets_stay_editable(year_2023, secretariat):
    new = lifecycle.period_rollover(
        source=year_2023["period"], year=2024, by=secretariat, include_council=False
    )
    assert new.is_locked_structure is False
    result = index_set_import(
        year=2024, group_code="so", file_name="so-2024.xlsx", content=small_set_xlsx(), by=secretariat
    )
    assert result.ok, result.messages
    replaced = IndexSet.objects.get(period=new, group__code="so")
    assert (replaced.version, replaced.copied_from_id, replaced.source_name) == (2, None, "so-2024.xlsx")


def test_rollover_preview_lists_what_will_be_copied(year_2023):
    preview = lifecycle.rollover_preview(source=year_2023["period"], year=2024)

    assert (preview.ok, preview.problems, preview.target, preview.year) == (True, [], None, 2024)
    assert preview.index_sets == [
        IndexSetCopy("so", "Các sở, ban, ngành", 12, 9, 1),
        IndexSetCopy("huyen", "UBND cấp huyện", 5, 4, 1),
    ]
    assert preview.groups == [
        GroupCopy(
            "so",
            "Các sở, ban, ngành",
            [UnitCopy("skhcn", "Sở Khoa học và Công nghệ", ""), UnitCopy("stp", "Sở Tư pháp", "")],
        ),
        GroupCopy(
            "huyen", "UBND cấp huyện", [UnitCopy("thachha", "UBND huyện Thạch Hà", "no_tthc,vung_bien")]
        ),
    ]
    assert preview.unit_count == 3
    assert preview.skipped_units == [
        "Sở Cũ (đơn vị đã ngừng hoạt động trong danh mục)",
        "Sở Xây dựng (ngừng theo dõi năm 2023: Hợp nhất vào Sở GTVT)",
    ]
    assert preview.council_roles == [
        RoleCopy("Người dùng (chair)", "Chủ tịch Hội đồng", ""),
        RoleCopy("Người dùng (member.stp)", "Thành viên Hội đồng", "Sở Tư pháp"),
        RoleCopy("Lan Nguyễn Thị (snv.thuky)", "Tổ thư ký (Sở Nội vụ)", ""),
    ]
    assert preview.assignments == [
        AssignmentCopy("Người dùng (member.stp)", "1", "Các sở, ban, ngành"),
        AssignmentCopy("Người dùng (member.stp)", "2", "mọi khối"),
    ]
    assert preview.settings == [
        SettingCopy("Số chữ số thập phân của chỉ số", "3"),
        SettingCopy("Ngưỡng xếp loại (%)", "Xuất sắc ≥ 92; Tốt ≥ 82; Khá ≥ 70; Trung bình ≥ 50"),
        SettingCopy(
            "Ngưỡng đánh giá người đứng đầu (%)",
            "Hoàn thành xuất sắc nhiệm vụ ≥ 91; Hoàn thành tốt nhiệm vụ ≥ 81; Hoàn thành nhiệm vụ ≥ 71",
        ),
        SettingCopy("Chỉ số thành phần tối thiểu để xét người đứng đầu (%)", "55,50"),
        SettingCopy("Trọng số phương án điều tra XHH", "A = 100 %; B = 70 %; C = 30 %; D = 0 %"),
        SettingCopy("Số ngày giải trình", "7"),
    ]
    assert [t.label for t in preview.texts] == ["Căn cứ pháp lý", "Theo đề nghị của", "Nơi nhận"]
    assert preview.texts[0].value == year_2023["period"].legal_bases
    assert preview.signer == "KT. CHỦ TỊCH – PHÓ CHỦ TỊCH"
    assert "Thời hạn các giai đoạn: đặt lại cho năm mới trên trang của kỳ." in preview.not_copied
    assert not Period.objects.filter(year=2024).exists()


def test_rollover_refuses_a_year_not_after_the_source_and_writes_nothing(year_2023, secretariat):
    before = snapshot()
    preview = lifecycle.rollover_preview(source=year_2023["period"], year=2023)
    assert preview.problems == [
        "Năm của kỳ mới (2023) phải sau năm của kỳ nguồn (2023).",
        "Năm 2023 đã có Chỉ số CCHC năm 2023 ở giai đoạn «Tự đánh giá»: chỉ điền được vào một kỳ còn trống ở "
        "giai đoạn Chuẩn bị.",
    ]
    with pytest.raises(ServiceError) as error:
        lifecycle.period_rollover(source=year_2023["period"], year=2023, by=secretariat, include_council=True)
    assert error.value.message == "Không thể tạo kỳ năm 2023 từ Chỉ số CCHC năm 2023: " + " ".join(
        preview.problems
    )
    assert snapshot() == before


def test_rollover_refuses_a_target_year_that_already_has_content(year_2023, secretariat):
    target = PeriodFactory(year=2024, phase=Phase.PREPARING)
    build_index_set(target, year_2023["so"])
    member_of(target, Unit.objects.get(code="skhcn"), year_2023["so"])
    before = snapshot()
    with pytest.raises(ServiceError) as error:
        lifecycle.period_rollover(source=year_2023["period"], year=2024, by=secretariat, include_council=True)
    assert error.value.message == (
        "Không thể tạo kỳ năm 2024 từ Chỉ số CCHC năm 2023: Năm 2024 đã có Chỉ số CCHC năm 2024 với 1 bộ chỉ số, "
        "1 đơn vị: chỉ điền được vào một kỳ còn trống. Hãy chọn năm khác, hoặc xóa kỳ đó nếu chưa có dữ liệu."
    )
    assert snapshot() == before


def test_rollover_fills_an_existing_empty_preparing_period(year_2023, secretariat):
    target = PeriodFactory(year=2024, phase=Phase.PREPARING, name="Chỉ số CCHC năm 2024 (dự thảo)")
    now = timezone.now()
    window = PhaseWindow.objects.create(
        period=target, phase=Phase.SELF_ASSESSMENT, opens_at=now, due_at=now + timedelta(days=30)
    )
    preview = lifecycle.rollover_preview(source=year_2023["period"], year=2024)
    assert (preview.ok, preview.target) == (True, target)

    filled = lifecycle.period_rollover(
        source=year_2023["period"], year=2024, by=secretariat, include_council=True
    )

    assert filled.pk == target.pk
    filled.refresh_from_db()
    assert (filled.name, filled.decimals, filled.explanation_days) == ("Chỉ số CCHC năm 2024 (dự thảo)", 3, 7)
    assert list(PhaseWindow.objects.filter(period=filled)) == [window]
    assert Period.objects.filter(year=2024).count() == 1
    assert IndexSet.objects.filter(period=filled).count() == 2
    assert list(PeriodEvent.objects.filter(period=filled).values_list("kind", flat=True)) == ["rollover"]


@pytest.mark.parametrize("persona", ["editor", "chair", "member", "observer"])
def test_lifecycle_services_refuse_everyone_but_secretariat(request, year_2023, persona):
    user = request.getfixturevalue(persona)
    empty = PeriodFactory(year=2025, phase=Phase.PREPARING)
    before = snapshot()
    for call in (
        lambda: lifecycle.period_rollover(
            source=year_2023["period"], year=2024, by=user, include_council=True
        ),
        lambda: lifecycle.period_delete(period=empty, by=user),
        lambda: lifecycle.period_archive(period=empty, by=user, reason="thử"),
        lambda: lifecycle.period_unarchive(period=empty, by=user, reason="thử"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert snapshot() == before


# -- delete ----------------------------------------------------------------------------------------------


@pytest.fixture
def draft_2024(year_2023, secretariat):
    """2024 in preparation with a set, units, a window, touched phases and two opened but empty assessments."""
    p = PeriodFactory(year=2024, phase=Phase.PREPARING)
    build_index_set(p, year_2023["so"])
    for code in ("skhcn", "stp"):
        member_of(p, Unit.objects.get(code=code), year_2023["so"])
    now = timezone.now()
    PhaseWindow.objects.create(
        period=p, phase=Phase.SELF_ASSESSMENT, opens_at=now, due_at=now + timedelta(days=9)
    )
    phases.period_move(period=p, to_phase=Phase.SELF_ASSESSMENT, by=secretariat, reason="Mở thử")
    phases.period_move(period=p, to_phase=Phase.PREPARING, by=secretariat, reason="Mở nhầm")
    for code in ("skhcn", "stp"):
        assessment_get_or_create(period=p, unit=Unit.objects.get(code=code))
    return p


def test_period_with_touched_phase_but_no_data_can_be_deleted(draft_2024, year_2023, secretariat):
    source = year_2023["period"]
    kept = {
        "sets": list(IndexSet.objects.filter(period=source).values_list("pk", flat=True)),
        "members": UnitMembership.objects.filter(period=source).count(),
        "events": PeriodEvent.objects.filter(period=source).count(),
        "roles": RoleAssignment.objects.filter(period=source).count(),
    }
    assert ItemEntry.objects.filter(assessment__period=draft_2024).count() == 18  # 9 leaves × 2 units
    pk = draft_2024.pk

    deleted = lifecycle.period_delete(period=draft_2024, by=secretariat)

    assert (
        deleted.index_sets,
        deleted.memberships,
        deleted.assessments,
        deleted.windows,
        deleted.events,
    ) == (
        1,
        2,
        2,
        1,
        2,
    )
    assert not Period.objects.filter(pk=pk).exists()
    assert not IndexSet.objects.filter(period_id=pk).exists()
    assert not IndexNode.objects.filter(index_set__period_id=pk).exists()
    assert not UnitMembership.objects.filter(period_id=pk).exists()
    assert not PhaseWindow.objects.filter(period_id=pk).exists()
    assert not PeriodEvent.objects.filter(period_id=pk).exists()
    assert not Assessment.objects.filter(period_id=pk).exists()
    assert not ItemEntry.objects.filter(assessment__period_id=pk).exists()
    assert {
        "sets": list(IndexSet.objects.filter(period=source).values_list("pk", flat=True)),
        "members": UnitMembership.objects.filter(period=source).count(),
        "events": PeriodEvent.objects.filter(period=source).count(),
        "roles": RoleAssignment.objects.filter(period=source).count(),
    } == kept
    log = LogEntry.objects.get()
    assert (log.user_id, log.object_id, log.object_repr, log.action_flag, log.change_message) == (
        secretariat.pk,
        str(pk),
        "Chỉ số CCHC năm 2024",
        DELETION,
        "Xóa kỳ chưa có dữ liệu: 1 bộ chỉ số, 2 đơn vị trong kỳ, 2 bản tự đánh giá trống, 1 thời hạn, "
        "2 dòng lịch sử.",
    )


def _entry(period: Period, unit_code: str, node_code: str) -> ItemEntry:
    return ItemEntry.objects.select_related("node", "assessment__period").get(
        assessment__period=period, assessment__unit__code=unit_code, node__code=node_code
    )


def test_period_delete_refusal_lists_entered_items_units_and_council_records(
    draft_2024, secretariat, editor, member
):
    entry_record_layer(entry=_entry(draft_2024, "skhcn", "1.1"), layer="self", value="Có", by=editor)
    entry_record_layer(entry=_entry(draft_2024, "skhcn", "1.3"), layer="self", value="Tốt", by=editor)
    ItemEntry.objects.filter(pk=_entry(draft_2024, "stp", "1.1").pk).update(self_note="Đang chờ số liệu")
    evidence = Evidence.objects.create(
        unit=Unit.objects.get(code="skhcn"), kind="document", title="Kế hoạch CCHC 2024", created_by=editor
    )
    EvidenceLink.objects.create(entry=_entry(draft_2024, "skhcn", "1.2"), evidence=evidence, by=editor)
    Assessment.objects.filter(period=draft_2024, unit__code="stp").update(state="submitted")
    grant(member, roles.MEMBER, Unit.objects.get(code="stp"), period=draft_2024)
    for code in ("1", "2"):
        Assignment.objects.create(period=draft_2024, member=member, field_code=code, created_by=secretariat)
    SurveyImport.objects.create(period=draft_2024, file="survey/xhh.xlsx", file_name="xhh.xlsx", rows=2)
    ScoreRun.objects.create(period=draft_2024, inputs_hash="h", engine_version="1", result_json={})
    before = snapshot()
    entries = ItemEntry.objects.count()

    with pytest.raises(ServiceError) as error:
        lifecycle.period_delete(period=draft_2024, by=secretariat)

    assert error.value.message == (
        "Chỉ số CCHC năm 2024 đã có dữ liệu (3 mục đã nhập của 2 đơn vị, 1 tài liệu kiểm chứng đã gắn vào mục, "
        "1 bản tự đánh giá đã chốt hoặc đã chuyển trạng thái, 1 vai trò gắn với kỳ (Hội đồng, Tổ thư ký…), "
        "2 phân công Hội đồng, 1 lần nhập kết quả điều tra XHH, 1 lần tính kết quả): kỳ có dữ liệu chỉ có thể "
        "lưu trữ, không xóa được."
    )
    assert snapshot() == before
    assert ItemEntry.objects.count() == entries
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "blocker"),
    [
        ("self_value", "Có", "1 mục đã nhập của 1 đơn vị"),
        ("self_note", "Ghi chú", "1 mục đã nhập của 1 đơn vị"),
        ("round1_value", "Không", "1 mục đã nhập của 1 đơn vị"),
        ("round1_reason", "Thiếu văn bản", "1 mục đã nhập của 1 đơn vị"),
        ("explanation", "Đã bổ sung", "1 mục đã nhập của 1 đơn vị"),
        ("round2_decision", "keep", "1 mục đã nhập của 1 đơn vị"),
        ("survey_value", "80%", "1 mục đã nhập của 1 đơn vị"),
    ],
)
def test_period_delete_refused_by_any_layer_typed_in_one_item(draft_2024, secretariat, field, value, blocker):
    ItemEntry.objects.filter(pk=_entry(draft_2024, "stp", "1.4").pk).update(**{field: value})
    with pytest.raises(ServiceError) as error:
        lifecycle.period_delete(period=draft_2024, by=secretariat)
    assert f"({blocker})" in error.value.message
    assert Period.objects.filter(pk=draft_2024.pk).exists()


def test_period_delete_and_archive_refuse_the_current_period(draft_2024, secretariat):
    org = Organisation.current()
    org.current_period = draft_2024
    org.save()
    with pytest.raises(ServiceError) as error:
        lifecycle.period_delete(period=draft_2024, by=secretariat)
    assert error.value.message == (
        "Chỉ số CCHC năm 2024 đang là kỳ hiện hành của tỉnh: hãy chọn kỳ hiện hành khác trước khi xóa."
    )
    with pytest.raises(ServiceError) as error:
        lifecycle.period_archive(period=draft_2024, by=secretariat, reason="Không dùng")
    assert error.value.message == (
        "Chỉ số CCHC năm 2024 đang là kỳ hiện hành của tỉnh: hãy chọn kỳ hiện hành khác trước khi lưu trữ."
    )
    draft_2024.refresh_from_db()
    assert draft_2024.archived_at is None


# -- archive ---------------------------------------------------------------------------------------------


def test_period_archive_and_unarchive_set_the_fields_and_log_events(year_2023, secretariat):
    period = year_2023["period"]
    lifecycle.period_archive(period=period, by=secretariat, reason="  Kỳ dừng theo chỉ đạo  ")
    period.refresh_from_db()
    assert period.archived_at is not None and period.archived_by == secretariat and period.is_archived
    assert period.phase == Phase.SELF_ASSESSMENT

    with pytest.raises(ConcurrencyError) as error:
        lifecycle.period_archive(period=period, by=secretariat, reason="lần hai")
    assert error.value.message == "Chỉ số CCHC năm 2023 đã được lưu trữ."

    lifecycle.period_unarchive(period=period, by=secretariat, reason="Tiếp tục đánh giá")
    period.refresh_from_db()
    assert (period.archived_at, period.archived_by) == (None, None)
    assert _events(period) == [
        (
            "archive",
            "self_assessment",
            "self_assessment",
            secretariat.pk,
            "Kỳ dừng theo chỉ đạo",
            "Lưu trữ kỳ đánh giá: chỉ còn để xem.",
        ),
        (
            "archive",
            "self_assessment",
            "self_assessment",
            secretariat.pk,
            "Tiếp tục đánh giá",
            "Bỏ lưu trữ kỳ đánh giá.",
        ),
    ]


def test_period_archive_and_unarchive_need_a_reason(year_2023, secretariat):
    period = year_2023["period"]
    with pytest.raises(ServiceError) as error:
        lifecycle.period_archive(period=period, by=secretariat, reason="  ")
    assert error.value.message == "Hãy nêu lý do lưu trữ kỳ."
    with pytest.raises(ServiceError) as error:
        lifecycle.period_unarchive(period=period, by=secretariat, reason="")
    assert error.value.message == "Hãy nêu lý do bỏ lưu trữ kỳ."
    period.refresh_from_db()
    assert period.archived_at is None
    assert not PeriodEvent.objects.filter(period=period).exists()


# -- index set copy (issue 9 behaviour 3) ----------------------------------------------------------------


def test_index_set_copy_refuses_a_missing_target_period_and_creates_none(year_2023, secretariat):
    with pytest.raises(ServiceError) as error:
        index_set_copy(source=year_2023["so_set"], year=2024, by=secretariat)
    assert error.value.message == (
        "Chưa có kỳ đánh giá năm 2024: hãy tạo kỳ năm 2024 (hoặc tạo kỳ mới từ năm trước) rồi sao chép bộ chỉ số."
    )
    assert list(Period.objects.values_list("year", flat=True)) == [2023]


# -- unit list export ------------------------------------------------------------------------------------


def test_units_export_is_the_import_workbook_and_round_trips_into_another_year(year_2023, secretariat):
    source = year_2023["period"]
    exported = lifecycle.units_export(period=source)
    assert (exported.filename, exported.content_type) == (
        "don-vi-2023.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    book = load_workbook(io.BytesIO(exported.content))
    rows = [
        [c if c is not None else "" for c in row] for row in book.worksheets[0].iter_rows(values_only=True)
    ]
    assert rows == [
        [c.label for c in UNIT_COLUMNS],
        [
            "skhcn",
            "Sở Khoa học và Công nghệ",
            "so",
            "Các sở, ban, ngành",
            "",
            "Trần Văn Hùng",
            "Giám đốc",
            "",
        ],
        ["stp", "Sở Tư pháp", "so", "Các sở, ban, ngành", "", "Lê Thị Hoa", "Giám đốc", ""],
        [
            "thachha",
            "UBND huyện Thạch Hà",
            "huyen",
            "UBND cấp huyện",
            "Thạch Hà",
            "Phạm Văn Nam",
            "Chủ tịch UBND huyện",
            "no_tthc,vung_bien",
        ],
    ]
    notes = [c.value for c in book["Hướng dẫn"]["B"] if c.value]
    assert "Không gồm: scu (Sở Cũ, đã ngừng hoạt động); sxd (Sở Xây dựng, ngừng theo dõi trong kỳ)." in notes
    units_before = sorted(Unit.objects.values_list(), key=repr)

    result = units_import(year=2024, file_name=exported.filename, content=exported.content, by=secretariat)

    assert result.ok, result.messages
    assert result.counts == {"rows": 3, "created": 0, "updated": 3, "groups_created": 0}
    assert sorted(
        UnitMembership.objects.filter(period__year=2024).values_list("unit__code", "group__code")
    ) == [
        ("skhcn", "so"),
        ("stp", "so"),
        ("thachha", "huyen"),
    ]
    assert sorted(Unit.objects.values_list(), key=repr) == units_before


def test_units_export_reads_back_into_an_empty_registry(year_2023, secretariat):
    """Another installation (or a registry rebuilt from scratch) gets the same units and groups back."""
    exported = lifecycle.units_export(period=year_2023["period"])
    fields = ("code", "name", "short_name", "head_name", "head_title", "tags")
    units = sorted(Unit.objects.filter(code__in=["skhcn", "stp", "thachha"]).values_list(*fields))
    groups = sorted(Group.objects.values_list("code", "name"))
    Assessment.objects.all().delete()
    for model in (Assignment, RoleAssignment, IndexSet, UnitMembership, PhaseWindow, PeriodEvent):
        model.objects.all().delete()
    Period.objects.all().delete()
    Unit.objects.all().delete()
    Group.objects.all().delete()

    result = units_import(year=2024, file_name=exported.filename, content=exported.content, by=secretariat)

    assert result.ok, result.messages
    assert result.counts == {"rows": 3, "created": 3, "updated": 0, "groups_created": 2}
    assert sorted(Unit.objects.values_list(*fields)) == units
    assert sorted(Group.objects.values_list("code", "name")) == groups


def test_units_export_writes_formula_like_names_as_text_cells(year_2023, secretariat):
    """A unit named like a formula stays text in the workbook (OWASP CSV injection): no live HYPERLINK, no
    '=1+2' computed; the quote-prefix flag keeps it text when someone edits the cell, and it reads back as typed."""
    Unit.objects.filter(code="skhcn").update(name='=HYPERLINK("http://x","y")', head_name="@SUM(A1)")
    Unit.objects.filter(code="stp").update(name="=1+2", head_name="+84 912", head_title="-Giám đốc")

    exported = lifecycle.units_export(period=year_2023["period"])

    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    cells = [
        (rows[code][column].value, rows[code][column].data_type, rows[code][column].quotePrefix)
        for code, column in (("skhcn", 1), ("skhcn", 5), ("stp", 1), ("stp", 5), ("stp", 6), ("thachha", 1))
    ]
    assert cells == [
        ('=HYPERLINK("http://x","y")', "s", True),
        ("@SUM(A1)", "s", True),
        ("=1+2", "s", True),
        ("+84 912", "s", True),
        ("-Giám đốc", "s", True),
        ("UBND huyện Thạch Hà", "s", False),
    ]
