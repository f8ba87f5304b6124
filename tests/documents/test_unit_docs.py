"""The per-unit appraisal notice and shortcomings report, reopened with python-docx."""

from __future__ import annotations

import dataclasses
import io

import docx
import pytest
from docx.enum.section import WD_ORIENT

from appraisal.documents import build_unit_notice
from appraisal.documents.data import Org

from .samples import ORG, sample_unit_doc

COUNCIL = Org(
    name="HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CCHC",
    parent_name="ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
    place="Hà Tĩnh",
    signer_name="Nguyễn Thị Lan",
    signer_title="CHỦ TỊCH",
    signer_for="TM. HỘI ĐỒNG THẨM ĐỊNH",
    issuer_symbol="HĐTĐ",
)


def _open(kind: str, data=None):
    file = build_unit_notice(data or sample_unit_doc(), ORG, kind)
    return file, docx.Document(io.BytesIO(file.content))


def _texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def test_unit_notice_lists_only_the_lowered_items_with_reasons():
    file, doc = _open("notice")
    assert file.filename == "thong-bao-tham-dinh-2023-so-ngoai-vu.docx"
    texts = _texts(doc)
    assert "THÔNG BÁO" in texts
    assert "Kết quả thẩm định Chỉ số cải cách hành chính năm 2023 của Sở Ngoại vụ" in texts
    assert "Kính gửi: Sở Ngoại vụ" in texts
    table = doc.tables[1]
    assert [c.text for c in table.rows[0].cells] == [
        "STT", "Mã", "Tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định",
        "Lý do của Hội đồng thẩm định",
    ]  # fmt: skip
    codes = [row.cells[1].text for row in table.rows[1:]]
    # 5.4 lost points but was not lowered (claimed 1,5 of 2); 8.1 is a survey item (not self-assessed).
    assert codes == ["1.3", "1.5.2", "3.2.1", "7.3.2"]
    assert [c.text for c in table.rows[3].cells] == [
        "3", "3.2.1", "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn", "2,00", "2,00", "1,00",
        "Tỷ lệ đúng hạn 96,4% theo Hệ thống thông tin giải quyết TTHC (đơn vị tự đánh giá 100%).",
    ]  # fmt: skip
    intro = next(t for t in texts if t.startswith("Hội đồng thẩm định"))
    assert "có 04 tiêu chí, tiêu chí thành phần" in intro
    assert "giảm tổng cộng 2,8125 điểm" in intro


def test_unit_shortcomings_groups_every_lost_item_by_field():
    file, doc = _open("shortcomings")
    assert file.filename == "bao-cao-ton-tai-han-che-2023-so-ngoai-vu.docx"
    assert "BÁO CÁO" in _texts(doc)
    table = doc.tables[1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0][-1] == "Kết luận của Hội đồng thẩm định"
    field_rows = [r[0] for r in rows[1:] if len(set(r)) == 1]
    assert field_rows == [
        "1. Công tác chỉ đạo, điều hành cải cách hành chính (bị trừ 1,25 điểm)",
        "3. Cải cách thủ tục hành chính (bị trừ 1,00 điểm)",
        "5. Cải cách chế độ công vụ (bị trừ 0,50 điểm)",
        "7. Xây dựng và phát triển Chính quyền điện tử, Chính quyền số (bị trừ 0,5625 điểm)",
        "8. Tác động của cải cách hành chính (điều tra XHH) (bị trừ 0,65 điểm)",
    ]
    items = [r for r in rows[1:] if len(set(r)) > 1]
    assert [r[1] for r in items] == ["1.3", "1.5.2", "3.2.1", "5.4", "7.3.2", "8.1"]
    assert items[-1][4:] == ["4,35", "0,65", "Điều tra xã hội học: 87% người được hỏi hài lòng."]


def test_unit_documents_share_the_decree_30_letterhead():
    for kind, symbol in (("notice", "TB-UBND"), ("shortcomings", "BC-UBND")):
        _, doc = _open(kind)
        letterhead = doc.tables[0]
        assert [p.text for p in letterhead.cell(0, 0).paragraphs if p.text] == [
            "ỦY BAN NHÂN DÂN",
            "TỈNH HÀ TĨNH",
        ]
        assert letterhead.cell(1, 0).text == f"Số:      /{symbol}"
        assert letterhead.cell(1, 1).text == "Hà Tĩnh, ngày      tháng      năm 2024"
        assert doc.sections[0].orientation == WD_ORIENT.PORTRAIT
        assert doc.sections[0].left_margin.mm == pytest.approx(30, abs=0.1)
        signature = doc.tables[-1]
        assert signature.cell(0, 0).paragraphs[0].text == "Nơi nhận:"
        assert [p.text for p in signature.cell(0, 1).paragraphs if p.text][-1] == "Trần Văn Minh"


def test_unit_notice_says_so_when_nothing_was_lowered():
    data = dataclasses.replace(sample_unit_doc(), items=())
    _, doc = _open("notice", data)
    assert any("giữ nguyên điểm tự đánh giá" in t for t in _texts(doc))
    assert len(doc.tables) == 2  # letterhead and signature only


def test_unit_documents_are_deterministic():
    assert (
        build_unit_notice(sample_unit_doc(), ORG, "notice").content
        == build_unit_notice(sample_unit_doc(), ORG, "notice").content
    )


def test_unit_notice_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="kind must be one of"):
        build_unit_notice(sample_unit_doc(), ORG, "letter")


def test_shortcomings_report_gives_the_reason_as_the_councils_finding_not_the_units():
    """What happens today (issue 15, point 7): the council's round-2 reasoning was the unit's «Nguyên nhân»."""
    _, doc = _open("shortcomings")
    header = [c.text for c in doc.tables[1].rows[0].cells]
    assert "Nguyên nhân, hạn chế" not in header
    assert header[-1] == "Kết luận của Hội đồng thẩm định"
    assert any("Kết luận của Hội đồng thẩm định về các tồn tại" in t for t in _texts(doc))


def test_unit_notice_is_issued_and_signed_by_the_council_not_the_province():
    """What happens today (issue 15, point 7): the council's letter was signed «KT. CHỦ TỊCH» of the province."""
    doc = docx.Document(io.BytesIO(build_unit_notice(sample_unit_doc(), COUNCIL, "notice").content))
    letterhead = doc.tables[0]
    left = [p.text for p in letterhead.cell(0, 0).paragraphs if p.text]
    assert left[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH HÀ TĨNH"]
    assert "HỘI ĐỒNG THẨM ĐỊNH" in " ".join(left[2:])
    assert letterhead.cell(1, 0).text == "Số:      /TB-HĐTĐ"
    signature = [p.text for p in doc.tables[-1].cell(0, 1).paragraphs if p.text]
    assert signature == ["TM. HỘI ĐỒNG THẨM ĐỊNH", "CHỦ TỊCH", "Nguyễn Thị Lan"]
    assert "KT. CHỦ TỊCH" not in signature


def test_final_result_notice_states_totals_and_every_changed_item_with_its_layers():
    """What happens today (issue 15, point 7): there was no notice of the final result after round 2."""
    from decimal import Decimal

    base = sample_unit_doc()
    data = dataclasses.replace(
        base,
        items=tuple(dataclasses.replace(it, round1_points=it.final_points) for it in base.items),
        total_points=Decimal("80.5"),
        max_points=Decimal("100"),
        index_text="80,50",
        rank=3,
        group_name="Các sở, ban, ngành",
        band_label="Tốt",
        final=True,
    )
    file = build_unit_notice(data, ORG, "result")
    assert file.filename == "thong-bao-ket-qua-cuoi-cung-2023-so-ngoai-vu.docx"
    doc = docx.Document(io.BytesIO(file.content))
    texts = _texts(doc)
    assert "Kết quả cuối cùng Chỉ số cải cách hành chính năm 2023 của Sở Ngoại vụ" in texts
    assert any("thông báo kết quả chính thức của Sở Ngoại vụ" in t for t in texts)
    assert (
        "Sở Ngoại vụ đạt tổng điểm 80,50/100,00 điểm, Chỉ số cải cách hành chính 80,50%, xếp thứ 3 trong "
        "các sở, ban, ngành, xếp loại «Tốt»." in texts
    )
    table = doc.tables[1]
    assert [c.text for c in table.rows[0].cells][-3:] == [
        "Điểm thẩm định vòng 1", "Điểm cuối cùng", "Kết luận của Hội đồng thẩm định"
    ]  # fmt: skip
    codes = [row.cells[1].text for row in table.rows[1:]]
    assert "3.2.1" in codes and "8.1" not in codes  # a survey item has no claim to differ from


@pytest.mark.parametrize("kind", ["notice", "shortcomings", "result"])
def test_council_letters_keep_hoi_dong_tham_dinh_whole_in_the_letterhead(kind):
    """QA 16: line balancing cut «THẨM ĐỊNH» into «HỘI ĐỒNG THẨM» / «ĐỊNH CHỈ SỐ CCHC»."""
    doc = docx.Document(io.BytesIO(build_unit_notice(sample_unit_doc(), COUNCIL, kind).content))

    left = [p.text for p in doc.tables[0].cell(0, 0).paragraphs if p.text]

    assert left == ["ỦY BAN NHÂN DÂN", "TỈNH HÀ TĨNH", "HỘI ĐỒNG THẨM ĐỊNH", "CHỈ SỐ CCHC"]
