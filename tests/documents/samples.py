"""Realistic sample inputs for the document generators: Hà Tĩnh's 2023 PAR index.

Unit names follow SPEC §12; scores, people and document numbers other than the reference decision are
invented. Used by the tests and by render_samples.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from appraisal.documents.data import (
    Decision,
    DecisionData,
    FieldCol,
    GroupTable,
    HeadRow,
    Org,
    Shortfall,
    UnitDocData,
    UnitLine,
)
from appraisal.engine import FieldResult, StoredDetails, UnitResult
from appraisal.engine.rounding import index_display, q4

GENERATED_AT = dt.datetime(2024, 1, 30, 9, 15, tzinfo=dt.timezone(dt.timedelta(hours=7)))
SNAPSHOT_ID = "run 12 / sha256:ab12cd34ef56"

ORG = Org(
    name="ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
    place="Hà Tĩnh",
    signer_name="Trần Văn Minh",
    signer_title="PHÓ CHỦ TỊCH",
)

LEGAL_BASES = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015; Luật sửa đổi, bổ sung một số điều của Luật "
    "Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22/11/2019;",
    "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình tổng thể cải cách hành "
    "chính nhà nước giai đoạn 2021 - 2030;",
    "Căn cứ Quyết định số 876/QĐ-BNV ngày 10/11/2022 của Bộ trưởng Bộ Nội vụ phê duyệt Đề án “Xác định Chỉ "
    "số cải cách hành chính của các bộ, cơ quan ngang bộ, Ủy ban nhân dân các tỉnh, thành phố trực thuộc "
    "trung ương”;",
    "Căn cứ Quyết định số 2130/QĐ-UBND ngày 22/11/2023 của Ủy ban nhân dân tỉnh ban hành Bộ Chỉ số cải cách "
    "hành chính của các sở, ban, ngành; Ủy ban nhân dân các huyện, thị xã, thành phố và các cơ quan Trung "
    "ương đóng trên địa bàn tỉnh;",
)
PROPOSAL = "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 35/TTr-SNV ngày 25/01/2024."
RECIPIENTS = (
    "- Như Điều 4;",
    "- Bộ Nội vụ (để báo cáo);",
    "- Thường trực Tỉnh ủy;",
    "- Thường trực HĐND tỉnh;",
    "- Chủ tịch, các PCT UBND tỉnh;",
    "- Chánh VP, các PCVP UBND tỉnh;",
    "- Trung tâm CB-TH tỉnh;",
    "- Lưu: VT, NC1.",
)
EXECUTORS = (
    "Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ, Thủ trưởng các sở, ban, ngành cấp tỉnh; Chủ "
    "tịch Ủy ban nhân dân các huyện, thị xã, thành phố; Thủ trưởng các cơ quan Trung ương đóng trên địa bàn "
    "tỉnh và các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./."
)

DEPARTMENT_FIELDS = (
    ("1", "Công tác chỉ đạo, điều hành cải cách hành chính", "11"),
    ("2", "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật", "8"),
    ("3", "Cải cách thủ tục hành chính", "13"),
    ("4", "Cải cách tổ chức bộ máy hành chính nhà nước", "8"),
    ("5", "Cải cách chế độ công vụ", "12"),
    ("6", "Cải cách tài chính công", "9"),
    ("7", "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số", "19"),
    ("8", "Tác động của cải cách hành chính (điều tra XHH)", "20"),
)
DISTRICT_FIELDS = (
    ("1", "Công tác chỉ đạo, điều hành cải cách hành chính", "9"),
    ("2", "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật", "7"),
    ("3", "Cải cách thủ tục hành chính", "11"),
    ("4", "Cải cách tổ chức bộ máy hành chính nhà nước", "7"),
    ("5", "Cải cách chế độ công vụ", "10"),
    ("6", "Cải cách tài chính công", "8"),
    ("7", "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số", "15"),
    ("8", "Thực hiện cơ chế một cửa, một cửa liên thông", "13"),
    ("9", "Tác động của cải cách hành chính (điều tra XHH)", "20"),
)
CENTRAL_FIELDS = (
    ("1", "Công tác chỉ đạo, điều hành cải cách hành chính", "8"),
    ("2", "Cải cách thủ tục hành chính", "12"),
    ("3", "Cải cách tổ chức bộ máy và chế độ công vụ", "8"),
    ("4", "Hiện đại hóa hành chính", "12"),
    ("5", "Tác động của cải cách hành chính (điều tra XHH)", "20"),
)

# (unit, head's name, head's title, index target in %, rank change since 2022 or None)
DEPARTMENTS = (
    ("Sở Khoa học và Công nghệ", "Nguyễn Thị Hoài", "Giám đốc Sở", "92.15", 3),
    ("Sở Thông tin và Truyền thông", "Lê Văn Khánh", "Giám đốc Sở", "91.02", 1),
    ("Sở Ngoại vụ", "Phan Thị Thu Hà", "Giám đốc Sở", "90.5", -2),
    ("Sở Tư pháp", "Đặng Quốc Vinh", "Giám đốc Sở", "90.021", 0),
    ("Sở Nội vụ", "Bùi Thị Quỳnh Vân", "Giám đốc Sở", "90.018", 0),
    ("Sở Kế hoạch và Đầu tư", "Trần Báu Hà", "Giám đốc Sở", "89.44", 2),
    ("Văn phòng UBND tỉnh", "Nguyễn Duy Nghị", "Chánh Văn phòng", "88.9", -1),
    ("Sở Tài chính", "Nguyễn Văn Sơn", "Giám đốc Sở", "88.12", 1),
    ("Sở Công Thương", "Võ Trọng Hải", "Giám đốc Sở", "87.6", -3),
    ("Sở Nông nghiệp và Phát triển nông thôn", "Nguyễn Văn Việt", "Giám đốc Sở", "86.75", 0),
    ("Sở Giao thông vận tải", "Hoàng Văn Thành", "Giám đốc Sở", "85.9", 4),
    ("Sở Xây dựng", "Lê Ngọc Huấn", "Giám đốc Sở", "85.2", -1),
    ("Sở Tài nguyên và Môi trường", "Hồ Huy Thành", "Giám đốc Sở", "84.3", 1),
    ("Sở Lao động – Thương binh và Xã hội", "Đậu Tùng Lâm", "Giám đốc Sở", "83.85", -2),
    ("Sở Văn hóa, Thể thao và Du lịch", "Nguyễn Thị Nữ Y", "Giám đốc Sở", "82.7", 0),
    ("Sở Giáo dục và Đào tạo", "Thái Văn Thành", "Giám đốc Sở", "81.95", 2),
    ("Sở Y tế", "Bùi Thị Hải Yến", "Giám đốc Sở", "80.4", -1),
    ("Thanh tra tỉnh", "Trần Hữu Thông", "Chánh Thanh tra tỉnh", "79.35", None),
    ("Ban Quản lý Khu kinh tế tỉnh", "Nguyễn Văn Đông", "Trưởng ban", "76.8", -4),
)
DISTRICTS = (
    ("Thị xã Kỳ Anh", "Lê Ngọc Hiếu", "Chủ tịch UBND thị xã", "93.1", 2),
    ("Huyện Can Lộc", "Đặng Tú Dũng", "Chủ tịch UBND huyện", "92.45", 0),
    ("Thành phố Hà Tĩnh", "Phan Văn Phong", "Chủ tịch UBND thành phố", "91.8", -2),
    ("Huyện Cẩm Xuyên", "Phan Thiên Định", "Chủ tịch UBND huyện", "91.2", 1),
    ("Huyện Thạch Hà", "Trần Việt Thắng", "Chủ tịch UBND huyện", "90.65", 3),
    ("Huyện Đức Thọ", "Nguyễn Tuấn Anh", "Chủ tịch UBND huyện", "90.1", 0),
    ("Thị xã Hồng Lĩnh", "Hà Huy Hoàng", "Chủ tịch UBND thị xã", "89.3", -1),
    ("Huyện Nghi Xuân", "Nguyễn Hải Nam", "Chủ tịch UBND huyện", "88.4", 1),
    ("Huyện Lộc Hà", "Nguyễn Hồng Lĩnh", "Chủ tịch UBND huyện", "87.25", -3),
    ("Huyện Hương Sơn", "Lê Văn Giang", "Chủ tịch UBND huyện", "86.6", 0),
    ("Huyện Kỳ Anh", "Phạm Thế Hưng", "Chủ tịch UBND huyện", "85.15", 1),
    ("Huyện Hương Khê", "Nguyễn Phi Long", "Chủ tịch UBND huyện", "83.9", -1),
    ("Huyện Vũ Quang", "Hồ Đức Thành", "Chủ tịch UBND huyện", "81.7", 0),
)
CENTRAL = (
    ("Cục Thuế tỉnh", "Nguyễn Văn Hiếu", "Cục trưởng", "95.4", 0),
    ("Bảo hiểm xã hội tỉnh", "Lê Anh Trung", "Giám đốc", "94.7", 1),
    ("Kho bạc Nhà nước tỉnh", "Trần Đình Vượng", "Giám đốc", "94.05", -1),
    ("Cục Hải quan tỉnh", "Nguyễn Hữu Phương", "Cục trưởng", "93.3", 0),
    ("Ngân hàng Nhà nước – Chi nhánh tỉnh", "Võ Thị Minh Hương", "Giám đốc", "92.6", 0),
    ("Công an tỉnh", "Nguyễn Hồng Phong", "Giám đốc", "91.95", None),
)

RATINGS = (
    (Decimal(90), "Hoàn thành xuất sắc nhiệm vụ"),
    (Decimal(80), "Hoàn thành tốt nhiệm vụ"),
    (Decimal(70), "Hoàn thành nhiệm vụ"),
    (Decimal(0), "Không hoàn thành nhiệm vụ"),
)
BANDS = ((Decimal(90), "Xuất sắc"), (Decimal(80), "Tốt"), (Decimal(70), "Khá"), (Decimal(50), "Trung bình"))


def _label(value: Decimal, table: tuple[tuple[Decimal, str], ...], fallback: str) -> str:
    return next((label for floor, label in table if value >= floor), fallback)


def make_units(
    specs: tuple[tuple[str, str, str, str, int | None], ...],
    fields: tuple[tuple[str, str, str], ...],
    *,
    decimals: int = 2,
) -> tuple[UnitLine, ...]:
    """Units whose points add up: each field scores near the unit's target, the last field is the survey."""
    maxima = [Decimal(m) for _, _, m in fields]
    codes = [(code, title) for code, title, _ in fields]
    unit_max = sum(maxima, Decimal(0))
    built = []
    for i, (name, _head, _title, target, change) in enumerate(specs):
        ratio = Decimal(target) / 100
        cells = []
        for f, field_max in enumerate(maxima):
            wobble = Decimal((i * 7 + f * 3) % 5 - 2) / 100
            points = min(field_max, q4(field_max * (ratio + wobble)))
            index = points / field_max * 100
            cells.append(
                FieldResult(
                    code=codes[f][0],
                    title=codes[f][1],
                    points=points,
                    max_points=field_max,
                    index=index,
                    index_display=index_display(index, decimals),
                )
            )
        appraisal = sum((c.points for c in cells[:-1]), Decimal(0))
        survey = cells[-1].points
        bonus = Decimal("0.5") if i % 4 == 0 else Decimal(0)
        penalty = Decimal("0.25") if i % 5 == 3 else Decimal(0)
        total = max(Decimal(0), min(unit_max, appraisal + survey + bonus - penalty))
        index = total / unit_max * 100
        built.append(
            {
                "name": name,
                "max_points": unit_max,
                "self_points": appraisal + Decimal("2.75") + Decimal(i % 3),
                "appraisal_points": appraisal,
                "survey_points": survey,
                "bonus_points": bonus,
                "penalty_points": penalty,
                "total_points": total,
                "index": index,
                "index_display": index_display(index, decimals),
                "rank_change": change,
                "details": StoredDetails(field_results=tuple(cells)),
            }
        )
    built.sort(key=lambda u: u["index"], reverse=True)
    rows = []
    for stt, unit in enumerate(built, start=1):
        rank = 1 + sum(1 for other in built if other["index"] > unit["index"])
        band = _label(unit["index_display"], BANDS, "Yếu")
        result = UnitResult(
            code=f"dv-{unit['name']}",
            rank=rank,
            band="",
            head_rating="",
            head_rating_reason=None,
            **unit,
        )
        rows.append(UnitLine(stt=stt, result=result, band_label=band))
    return tuple(rows)


def _field_cols(fields: tuple[tuple[str, str, str], ...]) -> tuple[FieldCol, ...]:
    return tuple(FieldCol(code=code, title=title) for code, title, _ in fields)


def sample_groups(decimals: int = 2) -> tuple[GroupTable, ...]:
    return (
        GroupTable(
            code="SBN",
            name="các sở, ban, ngành",
            title_noun="CỦA CÁC SỞ, BAN, NGÀNH",
            field_cols=_field_cols(DEPARTMENT_FIELDS),
            rows=make_units(DEPARTMENTS, DEPARTMENT_FIELDS, decimals=decimals),
        ),
        GroupTable(
            code="HUYEN",
            name="Ủy ban nhân dân các huyện, thị xã, thành phố",
            title_noun="CỦA ỦY BAN NHÂN DÂN CÁC HUYỆN, THỊ XÃ, THÀNH PHỐ",
            field_cols=_field_cols(DISTRICT_FIELDS),
            rows=make_units(DISTRICTS, DISTRICT_FIELDS, decimals=decimals),
        ),
        GroupTable(
            code="TW",
            name="các cơ quan Trung ương đóng trên địa bàn tỉnh",
            title_noun="CỦA CÁC CƠ QUAN TRUNG ƯƠNG ĐÓNG TRÊN ĐỊA BÀN TỈNH",
            field_cols=_field_cols(CENTRAL_FIELDS),
            rows=make_units(CENTRAL, CENTRAL_FIELDS, decimals=decimals),
        ),
    )


def sample_heads(groups: tuple[GroupTable, ...]) -> tuple[HeadRow, ...]:
    people = {name: (head, title) for name, head, title, _, _ in DEPARTMENTS + DISTRICTS + CENTRAL}
    heads = []
    for group in groups:
        for row in group.rows:
            head, title = people[row.result.name]
            note = "Đơn vị có cán bộ bị kỷ luật" if row.result.name == "Ban Quản lý Khu kinh tế tỉnh" else ""
            heads.append(
                HeadRow(
                    stt=len(heads) + 1,
                    name=head,
                    title=title,
                    unit_name=row.result.name,
                    unit_code=row.result.code,
                    index_display=row.result.index_display,
                    rating_label=_label(row.result.index_display, RATINGS, "Không hoàn thành nhiệm vụ"),
                    note=note,
                )
            )
    return tuple(heads)


def sample_decision(*, draft: bool) -> Decision:
    return Decision(
        number=None if draft else "519/QĐ-UBND",
        date=None if draft else dt.date(2024, 2, 5),
        draft=draft,
        legal_bases=LEGAL_BASES,
        proposal=PROPOSAL,
        recipients=RECIPIENTS,
        effect_text=None,
        executors_text=EXECUTORS,
    )


def sample_data(*, draft: bool = False, decimals: int = 2) -> DecisionData:
    """The whole province: 19 departments, 13 districts, 6 central agencies and their 38 heads."""
    groups = sample_groups(decimals)
    return DecisionData(
        org=ORG,
        year=2023,
        decimals=decimals,
        decision=sample_decision(draft=draft),
        groups=groups,
        heads=sample_heads(groups),
        snapshot_id=SNAPSHOT_ID,
        generated_at=GENERATED_AT,
    )


def big_data(units: int = 3300) -> DecisionData:
    """A national-scale group (3,300 communes, 9 fields) for timing the annex."""
    specs = tuple(
        (
            f"Ủy ban nhân dân xã Thử Nghiệm {n:04d}",
            f"Người đứng đầu {n:04d}",
            "Chủ tịch UBND xã",
            str(Decimal(70) + Decimal(n % 2500) / 100),
            (n % 7) - 3,
        )
        for n in range(1, units + 1)
    )
    rows = make_units(specs, DISTRICT_FIELDS)
    group = GroupTable(
        code="XA",
        name="Ủy ban nhân dân các xã, phường, thị trấn",
        title_noun="CỦA ỦY BAN NHÂN DÂN CÁC XÃ, PHƯỜNG, THỊ TRẤN",
        field_cols=_field_cols(DISTRICT_FIELDS),
        rows=rows,
    )
    heads = tuple(
        HeadRow(
            stt=row.stt,
            name=f"Người đứng đầu {row.stt:04d}",
            title="Chủ tịch UBND xã",
            unit_name=row.result.name,
            index_display=row.result.index_display,
            rating_label=_label(row.result.index_display, RATINGS, "Không hoàn thành nhiệm vụ"),
        )
        for row in rows
    )
    return DecisionData(
        org=ORG,
        year=2023,
        decimals=2,
        decision=sample_decision(draft=False),
        groups=(group,),
        heads=heads,
        snapshot_id=SNAPSHOT_ID,
        generated_at=GENERATED_AT,
    )


def sample_unit_doc() -> UnitDocData:
    """Sở Ngoại vụ's lowered and lost items in 2023."""
    items = (
        Shortfall(
            item_code="1.3",
            item_title="Thực hiện kế hoạch tuyên truyền cải cách hành chính",
            field_code="1",
            field_title="Công tác chỉ đạo, điều hành cải cách hành chính",
            max_points=Decimal("1.5"),
            self_points=Decimal("1.5"),
            final_points=Decimal("0.75"),
            lost=Decimal("0.75"),
            reason="Hoàn thành 5/8 nhiệm vụ tuyên truyền theo kế hoạch; tài liệu kiểm chứng không có báo cáo quý IV.",
        ),
        Shortfall(
            item_code="1.5.2",
            item_title="Xử lý các vấn đề phát hiện qua kiểm tra cải cách hành chính",
            field_code="1",
            field_title="Công tác chỉ đạo, điều hành cải cách hành chính",
            max_points=Decimal("1"),
            self_points=Decimal("1"),
            final_points=Decimal("0.5"),
            lost=Decimal("0.5"),
            reason="Còn 2/4 kiến nghị sau kiểm tra chưa được xử lý xong trong năm.",
        ),
        Shortfall(
            item_code="3.2.1",
            item_title="Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn",
            field_code="3",
            field_title="Cải cách thủ tục hành chính",
            max_points=Decimal("2"),
            self_points=Decimal("2"),
            final_points=Decimal("1"),
            lost=Decimal("1"),
            reason="Tỷ lệ đúng hạn 96,4% theo Hệ thống thông tin giải quyết TTHC (đơn vị tự đánh giá 100%).",
        ),
        Shortfall(
            item_code="5.4",
            item_title="Chấp hành kỷ luật, kỷ cương hành chính",
            field_code="5",
            field_title="Cải cách chế độ công vụ",
            max_points=Decimal("2"),
            self_points=Decimal("1.5"),
            final_points=Decimal("1.5"),
            lost=Decimal("0.5"),
            reason="Có 01 công chức bị xử lý kỷ luật khiển trách trong năm.",
        ),
        Shortfall(
            item_code="7.3.2",
            item_title="Tỷ lệ hồ sơ TTHC được xử lý trực tuyến toàn trình",
            field_code="7",
            field_title="Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
            max_points=Decimal("1.5"),
            self_points=Decimal("1.5"),
            final_points=Decimal("0.9375"),
            lost=Decimal("0.5625"),
            reason="Tỷ lệ đạt 62,5% (chỉ tiêu 80%).",
        ),
        Shortfall(
            item_code="8.1",
            item_title="Mức độ hài lòng của người dân, tổ chức về thủ tục hành chính",
            field_code="8",
            field_title="Tác động của cải cách hành chính (điều tra XHH)",
            max_points=Decimal("5"),
            self_points=None,
            final_points=Decimal("4.35"),
            lost=Decimal("0.65"),
            reason="Điều tra xã hội học: 87% người được hỏi hài lòng.",
        ),
    )
    return UnitDocData(unit_name="Sở Ngoại vụ", unit_head_name="Phan Thị Thu Hà", year=2023, items=items)
