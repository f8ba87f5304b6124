"""Issue 11, behaviour 1: adjustment contents as the 2025 sets write them ('9. Điểm thưởng, điểm trừ' with
'9.1 Điểm thưởng' capped at 3 and '9.2 Điểm trừ' capped at 5), and the older block 'Điểm trừ' of penalty items."""

from __future__ import annotations

import io
from decimal import Decimal

import docx
import openpyxl
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from appraisal import engine
from appraisal.assessments.layers import assessment_get_or_create
from appraisal.assessments.models import Assessment, AssessmentState
from appraisal.assessments.selectors import assessment_form
from appraisal.council.adjustments import group_inputs
from appraisal.council.sheet import SheetField, SheetRow, appraisal_sheet
from appraisal.documents.annex import build_annex
from appraisal.documents.decision import build_decision
from appraisal.registry.models import IndexNode, Period, Phase
from appraisal.registry.services import index_set_import
from appraisal.scoring.adapters import decision_data_from_run
from appraisal.scoring.services import period_finalise, results_compute
from tests.registry.helpers import SET_HEADER_VI, xlsx_bytes
from tests.scoring.conftest import fill, finalise_all

SET_2025 = [
    SET_HEADER_VI,
    ["1", "Công tác chỉ đạo, điều hành CCHC", "100", "", "", ""],
    ["1.1", "Kết quả thực hiện kế hoạch CCHC", "100", "TĐ", "manual", ""],
    ["9", "Điểm thưởng, điểm trừ", "", "", "", ""],
    ["9.1", "Điểm thưởng", "3", "", "", ""],
    ["9.1.1", "Sáng kiến CCHC được công nhận", "1", "Thưởng", "boolean", ""],
    ["9.1.2", "Giải thưởng về CCHC", "1", "Thưởng", "boolean", ""],
    ["9.1.3", "Mô hình mới được nhân rộng", "1", "Thưởng", "boolean", ""],
    ["9.1.4", "Được Trung ương biểu dương", "1", "Thưởng", "boolean", ""],
    ["9.2", "Điểm trừ", "5", "", "", ""],
    ["9.2.1", "Để xảy ra sai phạm bị xử lý kỷ luật", "2", "Trừ", "boolean", ""],
    ["9.2.2", "Chậm ban hành kế hoạch CCHC", "2", "Trừ", "boolean", ""],
    ["9.2.3", "Hồ sơ trễ hạn", "1.5", "Trừ", "penalty: per=0.5", ""],
    ["9.2.4", "Không báo cáo đúng hạn", "0.5", "Trừ", "boolean", ""],
    ["9.2.5", "Phản ánh, kiến nghị chưa xử lý", "0.5", "Trừ", "boolean", ""],
]


def _import(rows, by, group="so"):
    """Import while the period is preparing (sets are locked afterwards), then put its phase back."""
    period = Period.objects.get(year=2023)
    phase = period.phase
    Period.objects.filter(pk=period.pk).update(phase=Phase.PREPARING)
    result = index_set_import(
        year=2023, group_code=group, file_name="bo-chi-so-2025.xlsx", content=xlsx_bytes(rows), by=by
    )
    Period.objects.filter(pk=period.pk).update(phase=phase)
    return result


def test_index_set_import_accepts_2025_adjustment_contents_9_1_and_9_2(period, group, secretariat):
    result = _import(SET_2025, secretariat)
    assert result.ok, result.messages
    nodes = {n.code: n for n in IndexNode.objects.filter(index_set__period=period)}
    assert (nodes["9"].is_leaf, nodes["9"].method, nodes["9"].max_points) == (False, "", Decimal("0"))
    assert (nodes["9.1"].method, nodes["9.1"].max_points) == ("bonus", Decimal("3"))
    assert (nodes["9.2"].method, nodes["9.2"].max_points) == ("penalty", Decimal("5"))
    assert nodes["9.1.1"].parent == nodes["9.1"]
    assert "thang điểm 100" in result.summary


def test_index_set_import_accepts_an_old_block_of_penalty_criteria_capped_by_its_max(
    period, group, unit, secretariat
):
    rows = [
        SET_HEADER_VI,
        ["1", "Công tác chỉ đạo, điều hành CCHC", "100", "", "", ""],
        ["1.1", "Kết quả thực hiện kế hoạch CCHC", "100", "TĐ", "manual", ""],
        ["10", "Điểm trừ", "5", "", "", ""],
        *[[f"10.{i}", f"Vi phạm thứ {i}", "1", "Trừ", "boolean", ""] for i in range(1, 11)],
    ]
    result = _import(rows, secretariat)
    assert result.ok, result.messages
    a = assessment_get_or_create(period=period, unit=unit)
    fill(a, {"1.1": ("90", "90"), **{f"10.{i}": ("Có", "Có") for i in range(1, 8)}}, secretariat)
    _, computed = results_compute(period=period)
    (skhcn,) = computed.groups[0].units
    assert (skhcn.penalty_points, skhcn.total_points, skhcn.max_points) == (
        Decimal("5"),
        Decimal("85.0000"),
        Decimal("100"),
    )
    assert [(x.code, x.claimed, x.points) for x in skhcn.adjustments] == [
        ("10", Decimal("7.0000"), Decimal("5"))
    ]


def test_index_set_import_refuses_a_max_on_a_content_holding_both_kinds(period, group, secretariat):
    rows = [list(r) for r in SET_2025]
    rows[3][2] = "8"
    result = _import(rows, secretariat)
    assert result.messages == [
        "Dòng 4: mục 9 gồm cả điểm thưởng và điểm trừ nên không có điểm tối đa chung; để trống cột Điểm tối đa "
        "(mỗi nhóm con ghi điểm tối đa của mình)."
    ]


def _scored_2025(period, unit, other_unit, secretariat):
    result = _import(SET_2025, secretariat)
    assert result.ok, result.messages
    a = assessment_get_or_create(period=period, unit=unit)
    bonus = {f"9.1.{i}": ("Có", "Có") for i in range(1, 5)}
    fill(a, {"1.1": ("80", "80"), **bonus}, secretariat)
    b = assessment_get_or_create(period=period, unit=other_unit)
    penalties = {
        "9.2.1": ("Có", "Có"),
        "9.2.2": ("Có", "Có"),
        "9.2.3": ("3", "3"),
        "9.2.4": ("Có", "Có"),
        "9.2.5": ("Có", "Có"),
    }
    fill(b, {"1.1": ("90", "90"), **penalties}, secretariat)


def test_adjustment_groups_cap_bonus_at_3_and_penalty_at_5(period, group, unit, other_unit, secretariat):
    _scored_2025(period, unit, other_unit, secretariat)
    _, result = results_compute(period=period)
    units = {u.code: u for u in result.groups[0].units}
    skhcn, stp = units["skhcn"], units["stp"]
    assert (skhcn.bonus_points, skhcn.penalty_points, skhcn.total_points) == (
        Decimal("3"),
        Decimal("0.0000"),
        Decimal("83.0000"),
    )
    assert (stp.bonus_points, stp.penalty_points, stp.total_points) == (
        Decimal("0.0000"),
        Decimal("5"),
        Decimal("85.0000"),
    )
    assert [(a.code, a.claimed, a.points) for a in skhcn.adjustments] == [
        ("9", Decimal("3"), Decimal("3")),
        ("9.1", Decimal("4.0000"), Decimal("3")),
        ("9.2", Decimal("0.0000"), Decimal("0.0000")),
    ]
    assert "Mục 9.2 (Điểm trừ): 6,5 điểm, tối đa 5 → 5" in stp.trace
    assert [f.code for f in stp.fields] == ["1"]


def test_annex_and_decision_show_9_1_and_9_2_with_their_numbers(
    period, group, unit, other_unit, secretariat, chair
):
    _scored_2025(period, unit, other_unit, secretariat)
    Period.objects.filter(pk=period.pk).update(phase=Phase.REAPPRAISAL)
    period.refresh_from_db()
    finalise_all(period)
    run = period_finalise(period=period, by=chair)
    data = decision_data_from_run(run)

    ws = openpyxl.load_workbook(io.BytesIO(build_annex(data).content))["Phụ lục I"]
    header = [c.value for c in ws[6]]
    assert header[-2:] == ["9.1. Điểm thưởng (tối đa 3)", "9.2. Điểm trừ (tối đa 5)"]
    rows = {ws.cell(row=r, column=2).value: [c.value for c in ws[r]] for r in (8, 9)}
    assert rows["Sở Tư pháp"][-2:] == [0, 5]
    assert rows["Sở Khoa học và Công nghệ"][-2:] == [3, 0]
    assert rows["Sở Tư pháp"][6] == -5  # Điểm thưởng/trừ
    assert rows["Sở Khoa học và Công nghệ"][6] == 3

    document = docx.Document(io.BytesIO(build_decision(data).content))
    table = next(t for t in document.tables if t.rows[0].cells[-1].text == "9.2. Điểm trừ (tối đa 5)")
    assert [c.text for c in table.rows[0].cells] == [
        "STT",
        "Tên cơ quan, đơn vị",
        "9.1. Điểm thưởng (tối đa 3)",
        "9.2. Điểm trừ (tối đa 5)",
    ]
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == [
        ["1", "Sở Tư pháp", "0,00", "5,00"],
        ["2", "Sở Khoa học và Công nghệ", "3,00", "0,00"],
    ]


def test_top_level_t1_and_p1_keep_working(scored):
    a, _ = scored
    _, result = results_compute(period=a.period)
    skhcn = next(u for u in result.groups[0].units if u.code == "skhcn")
    assert (skhcn.bonus_points, skhcn.penalty_points) == (Decimal("1.0000"), Decimal("0.5000"))
    assert skhcn.adjustments == ()


def test_engine_adjustment_totals_caps_each_group_of_any_layer():
    groups = (
        engine.AdjustmentGroup(code="9", title="Điểm thưởng, điểm trừ", method=None, max_points=None),
        engine.AdjustmentGroup(
            code="9.1", title="Điểm thưởng", method="bonus", max_points=Decimal("3"), parent="9"
        ),
        engine.AdjustmentGroup(
            code="9.2", title="Điểm trừ", method="penalty", max_points=Decimal("5"), parent="9"
        ),
    )
    leaves = (
        [("bonus", "9.1", Decimal("1"))] * 4
        + [("penalty", "9.2", Decimal("2"))] * 3
        + [("bonus", None, Decimal("0.5"))]
    )
    totals = engine.adjustment_totals(groups, leaves)
    assert (totals.bonus, totals.penalty) == (Decimal("3.5"), Decimal("5"))
    assert [(g.code, g.claimed, g.points) for g in totals.groups] == [
        ("9", Decimal("-2"), Decimal("-2")),
        ("9.1", Decimal("4.0000"), Decimal("3")),
        ("9.2", Decimal("6.0000"), Decimal("5")),
    ]


def test_self_assessment_form_counts_a_bonus_group_at_its_cap_and_says_so(
    period, group, unit, other_unit, secretariat
):
    _scored_2025(period, unit, other_unit, secretariat)
    a = assessment_get_or_create(period=period, unit=unit)
    form = assessment_form(a)
    assert (form.self_points, form.bonus, form.penalty, form.total) == (
        Decimal("80.0000"),
        Decimal("3"),
        Decimal("0.0000"),
        Decimal("83.0000"),
    )
    assert [(g.code, g.claimed, g.points) for g in form.capped_groups] == [
        ("9.1", Decimal("4.0000"), Decimal("3"))
    ]
    block = next(b for b in form.blocks if b.node.code == "9")
    assert (block.adjustment.bonus, block.adjustment.penalty) == (Decimal("3"), Decimal("0.0000"))

    totals = render_to_string("assessments/assessment_totals.html", {"form": form})
    assert "Điểm thưởng: +3</span>" in totals
    assert "Tổng tự đánh giá: <strong>83</strong>" in totals
    assert "Mục 9.1 Điểm thưởng: khai 4 điểm, chỉ tính 3 điểm (tối đa 3 điểm)" in totals
    block_total = render_to_string("assessments/block_total.html", {"block": block})
    assert "Thưởng +3, trừ −0 điểm" in block_total


def test_self_assessment_form_counts_a_penalty_group_at_its_cap(period, group, unit, other_unit, secretariat):
    _scored_2025(period, unit, other_unit, secretariat)
    b = assessment_get_or_create(period=period, unit=other_unit)
    form = assessment_form(b)
    assert (form.penalty, form.total) == (Decimal("5"), Decimal("85.0000"))
    assert [(g.code, g.claimed, g.points) for g in form.capped_groups] == [
        ("9.2", Decimal("6.5000"), Decimal("5"))
    ]


def test_council_sheet_running_totals_apply_the_group_caps(period, group, unit, other_unit, secretariat):
    _scored_2025(period, unit, other_unit, secretariat)
    a = assessment_get_or_create(period=period, unit=unit)
    entries = list(a.entries.select_related("node").order_by("node__position"))
    f = SheetField(
        code="9",
        title="Điểm thưởng, điểm trừ",
        rows=[
            SheetRow(entry=e, rule=None, links=[], explanation_links=[])
            for e in entries
            if e.node.code.startswith("9.")
        ],
        groups=group_inputs(entries),
    )
    assert (f.self_points, f.round1_points, f.self_points_of_done) == (
        Decimal("3"),
        Decimal("3"),
        Decimal("3"),
    )
    assert [(label, g.code, g.claimed, g.points) for label, g in f.capped] == [
        ("tự chấm", "9.1", Decimal("4.0000"), Decimal("3")),
        ("thẩm định", "9.1", Decimal("4.0000"), Decimal("3")),
    ]
    line = render_to_string("council/includes/sheet_field_total.html", {"f": f})
    assert "tự chấm 3" in line
    assert "mục 9.1 Điểm thưởng (tự chấm): khai 4, chỉ tính 3 (tối đa 3)" in line


def _lowered_in_round1(period, unit, other_unit, secretariat):
    """skhcn claims 80 on 1.1 and four bonus points in 9.1 (capped 3); round 1 gives 70 and takes 9.1.4 away."""
    _scored_2025(period, unit, other_unit, secretariat)
    a = assessment_get_or_create(period=period, unit=unit)
    fill(a, {"1.1": ("80", "70"), "9.1.4": ("Có", "Không")}, secretariat)
    Assessment.objects.filter(pk=a.pk).update(
        state=AssessmentState.APPRAISED, notice_issued_at=timezone.now()
    )
    return a


def test_notice_counts_grouped_bonus_after_the_cap_and_shows_9_1_and_9_2(
    client_for, period, group, unit, other_unit, secretariat
):
    a = _lowered_in_round1(period, unit, other_unit, secretariat)
    body = client_for(secretariat).get(reverse("council:notice", args=[a.pk])).content.decode()
    # 9.1.4 lost 1 point, but the unit's four claimed points counted 3 only: the notice loses 10, not 11.
    assert "Hội đồng thẩm định đã hạ điểm <strong>2</strong> tiêu chí (giảm tổng cộng 10 điểm)" in body
    assert (
        '<tr id="group-9.1"><td>9.1</td><td>Điểm thưởng</td><td class="num">3</td>'
        "<td>3 (khai 4, chỉ tính 3)</td><td>3</td>"
    ) in body
    assert (
        '<tr id="group-9.2"><td>9.2</td><td>Điểm trừ</td><td class="num">5</td><td>trừ 0</td><td>trừ 0</td>'
        in body
    )
    printed = client_for(secretariat).get(reverse("council:notice_print", args=[a.pk])).content.decode()
    assert "(giảm tổng cộng 10 điểm)" in printed
    assert '<tr id="group-9.1">' in printed


def test_layers_page_shows_each_adjustment_group_with_its_cap_in_every_layer(
    client_for, period, group, unit, other_unit, secretariat
):
    a = _lowered_in_round1(period, unit, other_unit, secretariat)
    body = client_for(secretariat).get(reverse("council:layers", args=[a.pk])).content.decode()
    assert (
        '<tr id="group-9.1"><td>9.1</td><td>Điểm thưởng</td><td class="num">3</td>'
        "<td>3 (khai 4, chỉ tính 3)</td><td>3</td><td>3</td>"
    ) in body
    assert '<tr id="group-9"><td>9</td><td>Điểm thưởng, điểm trừ</td><td class="num">—</td><td>3</td>' in body


def test_notice_docx_states_the_loss_after_the_group_caps(
    client_for, period, group, unit, other_unit, secretariat
):
    a = _lowered_in_round1(period, unit, other_unit, secretariat)
    response = client_for(secretariat).get(reverse("council:notice_download", args=[a.pk]))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "(giảm tổng cộng 10,00 điểm)" in text  # not 11: 9.1.4 cost nothing within the cap of 3


def test_one_page_appraisal_counts_the_bonus_group_at_its_cap(period, group, unit, other_unit, secretariat):
    _scored_2025(period, unit, other_unit, secretariat)
    a = assessment_get_or_create(period=period, unit=unit)
    Assessment.objects.filter(pk=a.pk).update(state=AssessmentState.SUBMITTED)
    a.refresh_from_db()
    sheet = appraisal_sheet(secretariat, a, round_no=1)
    nine = next(f for f in sheet.fields if f.code == "9")
    assert [r.node.code for r in nine.rows] == [f"9.1.{i}" for i in range(1, 5)] + [
        f"9.2.{i}" for i in range(1, 6)
    ]
    assert (nine.self_points, nine.round1_points) == (Decimal("3"), Decimal("3"))
    assert (sheet.self_points, sheet.round1_points) == (Decimal("83.0000"), Decimal("83.0000"))


def test_unit_doc_notice_counts_grouped_bonus_after_the_cap_like_the_council_notice(
    period, group, unit, other_unit, secretariat
):
    """What happens today: scoring's unit notice summed the items' losses (11) without the group caps, and the
    council's notice and scoring's were two builders with two rules for penalties."""
    from appraisal.council.notice import notice_data
    from appraisal.scoring.adapters import unit_doc_data
    from appraisal.scoring.services import score_run_create

    a = _lowered_in_round1(period, unit, other_unit, secretariat)
    run = score_run_create(period=period, by=secretariat)
    from_snapshot = unit_doc_data(run, unit.code, "notice")
    live = notice_data(assessment=a)
    for data in (from_snapshot, live):
        assert [(s.item_code, s.self_points, s.final_points, s.lost) for s in data.items] == [
            ("1.1", Decimal("80"), Decimal("70"), Decimal("10")),
            ("9.1.4", Decimal("1"), Decimal("0"), Decimal("1")),
        ]
        assert data.total_lost == Decimal("10")
        assert [(s.item_title, s.field_title, s.reason) for s in data.items] == [
            (
                "Kết quả thực hiện kế hoạch CCHC",
                "Công tác chỉ đạo, điều hành CCHC",
                "Thiếu tài liệu kiểm chứng",
            ),
            ("Được Trung ương biểu dương", "Điểm thưởng, điểm trừ", "Thiếu tài liệu kiểm chứng"),
        ]
