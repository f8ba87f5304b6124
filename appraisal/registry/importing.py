"""Reading and checking the two registry workbooks (SPEC §10): units, and an index set.

Nothing here writes to the database. A file is read into ``(row_number, {column: text})`` pairs, then checked
row by row; every problem is collected with its row number so the secretariat fixes the whole file in one go.
The services in :mod:`appraisal.registry.services` write only when the list of problems is empty.

Row numbers are the spreadsheet's own: the header is row 1 (or whichever row it is on) and blank rows still count,
so "Dòng 7" is the row the user sees in Excel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from appraisal.core.cells import Column, FileRejected, Problem, Row, nfc, parse_number, read_table
from appraisal.engine import validate_rule_text

from .codes import code_key, code_repeated

__all__ = ["Column", "FileRejected", "Problem", "Row", "read_table"]

_nfc = nfc


UNIT_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã đơn vị", required=True, aliases=("Mã",)),
    Column("name", "Tên đơn vị", required=True, aliases=("Tên cơ quan, đơn vị", "Tên cơ quan", "Đơn vị")),
    Column("group", "Khối", required=True, aliases=("Mã khối",)),
    Column("group_name", "Tên khối"),
    Column("short_name", "Tên viết tắt"),
    Column("head_name", "Người đứng đầu", aliases=("Họ và tên người đứng đầu",)),
    Column("head_title", "Chức vụ"),
    Column("tags", "Nhãn"),
)

INDEX_SET_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã", required=True, aliases=("STT", "Mã tiêu chí")),
    Column("title", "Nội dung", required=True, aliases=("Lĩnh vực/Tiêu chí/Tiêu chí thành phần", "Tiêu chí")),
    Column("max_points", "Điểm tối đa", required=True, numeric=True, aliases=("Điểm tối đa (điểm)",)),
    Column("method", "Phương pháp", required=True),
    Column("rule", "Cách chấm", required=True),
    Column("guidance", "Hướng dẫn", aliases=("Hướng dẫn chấm",)),
    Column("evidence", "Tài liệu kiểm chứng"),
    Column("excluded_tags", "Không áp dụng cho"),
)


def split_list(text: str) -> list[str]:
    """A comma (or semicolon) list: 'no_tthc, xa_dac_biet' → ['no_tthc', 'xa_dac_biet'], order kept, no repeats."""
    seen: list[str] = []
    for part in re.split(r"[,;]", text):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen


# -- units -------------------------------------------------------------------------------------------------

_CODE = re.compile(r"[A-Za-z0-9_-]+")
_TAG = re.compile(r"[A-Za-z0-9_-]+")


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    group: str
    group_name: str
    present: frozenset[str]  # which optional columns the file has (absent columns leave data unchanged)
    short_name: str = ""
    head_name: str = ""
    head_title: str = ""
    tags: str = ""


@dataclass
class UnitsParsed:
    rows: list[UnitRow] = field(default_factory=list)
    new_groups: dict[str, str] = field(default_factory=dict)  # code → name, groups the file creates
    problems: list[Problem] = field(default_factory=list)


def _check_length(problems: list[Problem], row: int, label: str, value: str, limit: int) -> None:
    if len(value) > limit:
        problems.append(Problem(row, f"{label} dài quá {limit} ký tự."))


def parse_units(rows: Iterable[Row], known_groups: Iterable[str]) -> UnitsParsed:
    """Check unit rows: code, name and group required, codes ASCII and unique ignoring case (:mod:`.codes`), a
    new group needs its name."""
    known = set(known_groups)
    out = UnitsParsed()
    first_of: dict[str, tuple[int, str]] = {}  # code_key → (row, code as written)
    group_names: dict[str, tuple[int, str]] = {}
    groups_needing_name: dict[str, int] = {}
    present_keys: frozenset[str] | None = None
    for number, values in rows:
        if present_keys is None:
            present_keys = frozenset(values)
        code = values.get("code", "")
        name = values.get("name", "")
        group = values.get("group", "")
        group_name = values.get("group_name", "")
        problems: list[Problem] = []
        if not code:
            problems.append(Problem(number, "thiếu Mã đơn vị."))
        elif not _CODE.fullmatch(code) or len(code) > 40:
            problems.append(
                Problem(
                    number,
                    f"mã đơn vị «{code}» chỉ được gồm chữ cái không dấu, chữ số, «_» hoặc «-» "
                    "(tối đa 40 ký tự), ví dụ «skhcn».",
                )
            )
        elif code_key(code) in first_of:
            problems.append(Problem(number, code_repeated("mã đơn vị", code, first_of[code_key(code)])))
        else:
            first_of[code_key(code)] = (number, code)
        if not name:
            problems.append(Problem(number, "thiếu Tên đơn vị."))
        _check_length(problems, number, "Tên đơn vị", name, 255)
        if not group:
            problems.append(Problem(number, "thiếu Khối (mã khối)."))
        elif not _CODE.fullmatch(group) or len(group) > 40:
            problems.append(
                Problem(
                    number,
                    f"mã khối «{group}» chỉ được gồm chữ cái không dấu, chữ số, «_» hoặc «-», "
                    "ví dụ «so», «huyen».",
                )
            )
        elif group not in known:
            if group_name:
                _check_length(problems, number, "Tên khối", group_name, 200)
                earlier = group_names.get(group)
                if earlier is None:
                    group_names[group] = (number, group_name)
                elif earlier[1] != group_name:
                    problems.append(
                        Problem(
                            number,
                            f"khối {group} có tên «{group_name}» khác với «{earlier[1]}» ở dòng "
                            f"{earlier[0]}.",
                        )
                    )
            else:
                groups_needing_name.setdefault(group, number)
        tags = split_list(values.get("tags", ""))
        bad_tags = [t for t in tags if not _TAG.fullmatch(t)]
        if bad_tags:
            problems.append(
                Problem(
                    number,
                    f"nhãn «{', '.join(bad_tags)}» chỉ được gồm chữ cái không dấu, chữ số, «_» "
                    "hoặc «-», ví dụ «no_tthc».",
                )
            )
        short_name = values.get("short_name", "")
        head_name = values.get("head_name", "")
        head_title = values.get("head_title", "")
        _check_length(problems, number, "Tên viết tắt", short_name, 100)
        _check_length(problems, number, "Người đứng đầu", head_name, 100)
        _check_length(problems, number, "Chức vụ", head_title, 100)
        tag_text = ",".join(tags)
        _check_length(problems, number, "Nhãn", tag_text, 255)
        out.problems.extend(problems)
        if not problems:
            out.rows.append(
                UnitRow(
                    row=number,
                    code=code,
                    name=name,
                    group=group,
                    group_name=group_name,
                    present=present_keys,
                    short_name=short_name,
                    head_name=head_name,
                    head_title=head_title,
                    tags=tag_text,
                )
            )
    for group, number in groups_needing_name.items():
        if group not in group_names:
            out.problems.append(
                Problem(
                    number,
                    f"khối «{group}» chưa có trong danh mục; hãy ghi Tên khối (group_name) "
                    "để tạo khối mới, hoặc sửa lại mã khối.",
                )
            )
    out.new_groups = {code: name for code, (_, name) in group_names.items()}
    out.problems.sort(key=lambda p: p.row or 0)
    return out


# -- index sets --------------------------------------------------------------------------------------------

METHOD_ALIASES: dict[str, str] = {
    "appraisal": "appraisal",
    "tđ": "appraisal",
    "td": "appraisal",
    "thẩm định": "appraisal",
    "survey": "survey",
    "xhh": "survey",
    "điều tra xhh": "survey",
    "bonus": "bonus",
    "thưởng": "bonus",
    "điểm thưởng": "bonus",
    "penalty": "penalty",
    "trừ": "penalty",
    "điểm trừ": "penalty",
}
ADJUSTMENT_METHODS = frozenset({"bonus", "penalty"})

_NODE_CODE = re.compile(r"[A-Za-z0-9]+(\.[A-Za-z0-9]+)*")
_MAX_LIMIT = Decimal("99999.99")


def parse_method(text: str) -> str | None:
    """'TĐ', 'xhh', 'Thưởng', 'penalty'… → the method name, or None when unknown."""
    return METHOD_ALIASES.get(_nfc(text).casefold())


def parent_code(code: str) -> str | None:
    """'1.2.3' → '1.2'; top-level codes ('1', 'T1', 'P1') have none."""
    return code.rsplit(".", 1)[0] if "." in code else None


def _vn(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


@dataclass
class NodeRow:
    row: int
    code: str
    title: str
    max_points: Decimal
    method: str
    rule: str
    guidance: str
    evidence: str
    excluded_tags: str
    position: int
    depth: int
    is_leaf: bool = True


@dataclass
class IndexSetParsed:
    nodes: list[NodeRow] = field(default_factory=list)
    scale: Decimal = Decimal("0")
    problems: list[Problem] = field(default_factory=list)

    @property
    def leaf_count(self) -> int:
        return sum(1 for n in self.nodes if n.is_leaf)


def parse_index_set(rows: Sequence[Row], expected_scale: Decimal | None = None) -> IndexSetParsed:
    """Check an index set (SPEC §4 validation) and return its nodes in file order with the scale.

    Every row is checked and every problem reported: codes dotted and unique ignoring case (:mod:`.codes`),
    each parent present and above its children, inner nodes without method or rule, leaves with a method and a
    rule the engine accepts for their max, max a number ≥ 0 with at most 2 decimals (> 0 on leaves), each
    appraisal/survey parent worth exactly the sum of its children, bonus and penalty either top-level leaves
    (T1, P1) or inside an adjustment content whose nodes' max caps their children (blank: no cap) and which
    stays outside the scale. The scale is the sum of the top-level
    appraisal/survey fields; ``expected_scale`` (``--scale``) makes a different scale an error.
    """
    out = IndexSetParsed()
    problems = out.problems
    first_row_of: dict[str, int] = {}
    first_of: dict[str, tuple[int, str]] = {}  # code_key → (row, code as written)
    unique_codes: list[tuple[int, str]] = []
    unsure: set[str] = set()  # parents of duplicated codes: their sums would only repeat the duplicate
    for number, values in rows:
        code = values.get("code", "")
        if not code:
            problems.append(Problem(number, "thiếu Mã (ví dụ 1, 1.2, 1.2.3, T1, P1)."))
        elif not _NODE_CODE.fullmatch(code) or len(code) > 40:
            problems.append(
                Problem(
                    number,
                    f"mã «{code}» không đúng dạng; dùng số cách nhau bởi dấu chấm (1, 1.2, 1.2.3) "
                    "hoặc T1, P1 cho điểm thưởng, điểm trừ.",
                )
            )
        elif code_key(code) in first_of:
            problems.append(Problem(number, code_repeated("mã", code, first_of[code_key(code)])))
            unsure.add(parent_code(code) or "")
        else:
            first_of[code_key(code)] = (number, code)
            first_row_of[code] = number
            unique_codes.append((number, code))
    has_children = {parent_code(code) for _, code in unique_codes} - {None}

    parsed: dict[str, NodeRow] = {}
    bad: set[str] = set(unsure)
    blank_max: dict[str, int] = {}
    for position, (number, values) in enumerate(rows):
        code = values.get("code", "")
        if first_row_of.get(code) != number:
            continue  # bad or duplicate code, already reported
        row_problems: list[Problem] = []
        parent = parent_code(code)
        if parent is not None:
            if parent not in first_row_of:
                row_problems.append(Problem(number, f"mã {code} không có mục cha {parent} trong tệp."))
            elif first_row_of[parent] > number:
                row_problems.append(
                    Problem(
                        number, f"mục cha {parent} (dòng {first_row_of[parent]}) phải đứng trước mục {code}."
                    )
                )
        is_leaf = code not in has_children
        title = values.get("title", "")
        if not title:
            row_problems.append(Problem(number, f"mục {code} thiếu Nội dung."))
        max_text = values.get("max_points", "")
        max_points: Decimal | None = None
        if not max_text:
            if is_leaf:
                row_problems.append(Problem(number, f"mục {code} thiếu Điểm tối đa."))
            else:
                blank_max[code] = number  # allowed on a group of bonus/penalty items: no cap
                max_points = Decimal("0")
        else:
            max_points = parse_number(max_text)
            if max_points is None:
                row_problems.append(
                    Problem(number, f"Điểm tối đa «{max_text}» của mục {code} không phải là số.")
                )
            else:
                if max_points < 0:
                    row_problems.append(
                        Problem(number, f"Điểm tối đa của mục {code} không được âm ({_vn(max_points)}).")
                    )
                    max_points = None
                elif max_points != max_points.quantize(Decimal("0.01")):
                    row_problems.append(
                        Problem(
                            number,
                            f"Điểm tối đa {_vn(max_points)} của mục {code} chỉ được có tối đa "
                            "2 chữ số thập phân.",
                        )
                    )
                    max_points = None
                elif max_points > _MAX_LIMIT:
                    row_problems.append(Problem(number, f"Điểm tối đa của mục {code} quá lớn."))
                    max_points = None
                elif is_leaf and max_points == 0:
                    row_problems.append(
                        Problem(number, f"Điểm tối đa của tiêu chí {code} (không có mục con) phải lớn hơn 0.")
                    )
                    max_points = None
        method_text = values.get("method", "")
        rule_text = values.get("rule", "")
        method = ""
        if method_text:
            found = parse_method(method_text)
            if found is None:
                row_problems.append(
                    Problem(
                        number,
                        f"phương pháp «{method_text}» không hợp lệ; dùng appraisal (TĐ), survey (XHH), "
                        "bonus (Thưởng) hoặc penalty (Trừ).",
                    )
                )
            else:
                method = found
        if not is_leaf:
            if method_text or rule_text:
                row_problems.append(
                    Problem(
                        number,
                        f"mục {code} có mục con nên để trống Phương pháp và Cách chấm "
                        "(chỉ tiêu chí cuối cùng mới được chấm).",
                    )
                )
        else:
            if not method_text:
                row_problems.append(Problem(number, f"tiêu chí {code} thiếu Phương pháp."))
            if not rule_text:
                row_problems.append(Problem(number, f"tiêu chí {code} thiếu Cách chấm."))
            elif method and max_points is not None and max_points > 0:
                error = validate_rule_text(rule_text, max_points, method)
                if error is not None:
                    row_problems.append(Problem(number, f"tiêu chí {code}, cột Cách chấm: {error}"))
        tags = split_list(values.get("excluded_tags", ""))
        bad_tags = [t for t in tags if not _TAG.fullmatch(t)]
        if bad_tags:
            row_problems.append(
                Problem(
                    number,
                    f"nhãn «{', '.join(bad_tags)}» ở cột Không áp dụng cho chỉ được gồm chữ cái không "
                    "dấu, chữ số, «_» hoặc «-», ví dụ «no_tthc».",
                )
            )
        problems.extend(row_problems)
        parsed[code] = NodeRow(
            row=number,
            code=code,
            title=title,
            max_points=max_points if max_points is not None else Decimal("0"),
            method=method if is_leaf else "",
            rule=rule_text if is_leaf else "",
            guidance=values.get("guidance", ""),
            evidence=values.get("evidence", ""),
            excluded_tags=",".join(tags),
            position=position,
            depth=code.count("."),
            is_leaf=is_leaf,
        )
        if max_points is None:
            bad.add(code)  # sums over it are not checked: the row's own problem is the one to fix

    # Adjustment contents (SPEC §10): a top-level node whose leaves are all bonus or penalty ('9' → '9.1'
    # Điểm thưởng, '9.2' Điểm trừ). Its nodes' max is a cap, not a sum; a node holding both kinds has none.
    methods_under: dict[str, set[str]] = {}
    for node in parsed.values():
        if node.is_leaf and node.method:
            cursor: str | None = node.code
            while cursor is not None:
                methods_under.setdefault(cursor, set()).add(node.method)
                cursor = parent_code(cursor)
    adjustment_nodes: set[str] = set()
    for node in parsed.values():
        if node.is_leaf:
            continue
        kinds = methods_under.get(node.code, set())
        if kinds and kinds <= ADJUSTMENT_METHODS:
            adjustment_nodes.add(node.code)
            if len(kinds) == 1:
                node.method = next(iter(kinds))  # a group of bonus (or penalty) items is itself one
            if len(kinds) == 2 and node.max_points > 0:
                problems.append(
                    Problem(
                        node.row,
                        f"mục {node.code} gồm cả điểm thưởng và điểm trừ nên không có điểm tối đa chung; "
                        "để trống cột Điểm tối đa (mỗi nhóm con ghi điểm tối đa của mình).",
                    )
                )
        elif kinds & ADJUSTMENT_METHODS:
            if node.depth == 0:
                problems.append(
                    Problem(
                        node.row,
                        f"mục {node.code} có cả tiêu chí chấm điểm (TĐ, XHH) và điểm thưởng/trừ; hãy đưa điểm "
                        "thưởng, điểm trừ ra một nội dung riêng (ví dụ «9. Điểm thưởng, điểm trừ» với 9.1, 9.2) "
                        "hoặc mục riêng T1, P1.",
                    )
                )
            bad.add(node.code)
    for code, number in blank_max.items():
        if code not in adjustment_nodes:
            problems.append(Problem(number, f"mục {code} thiếu Điểm tối đa."))
            bad.add(code)

    # Sums: an inner node is worth exactly what its children are worth.
    children: dict[str, list[NodeRow]] = {}
    for node in parsed.values():
        parent = parent_code(node.code)
        if parent is not None and parent in parsed:
            children.setdefault(parent, []).append(node)
    for code, kids in children.items():
        node = parsed[code]
        if code in bad or any(k.code in bad for k in kids):
            continue
        if code in adjustment_nodes or any(k.method in ADJUSTMENT_METHODS for k in kids):
            continue  # a cap, or a mixed node already reported
        total = sum((k.max_points for k in kids), Decimal("0"))
        if total != node.max_points:
            problems.append(
                Problem(
                    node.row,
                    f"điểm tối đa của mục {code} là {_vn(node.max_points)} nhưng tổng điểm tối đa "
                    f"các mục con ({', '.join(k.code for k in kids)}) là {_vn(total)}.",
                )
            )

    # Excluded tags on a field or criterion apply to every leaf under it.
    for node in sorted(parsed.values(), key=lambda n: n.depth):
        parent = parent_code(node.code)
        if parent is not None and parent in parsed and parsed[parent].excluded_tags:
            merged = split_list(parsed[parent].excluded_tags + "," + node.excluded_tags)
            node.excluded_tags = ",".join(merged)

    top = [
        n
        for n in parsed.values()
        if n.depth == 0 and n.method not in ADJUSTMENT_METHODS and n.code not in adjustment_nodes
    ]
    if not problems:
        out.scale = sum((n.max_points for n in top), Decimal("0"))
        if not top or out.scale <= 0:
            problems.append(
                Problem(None, "Bộ chỉ số không có lĩnh vực nào được chấm điểm (thang điểm bằng 0).")
            )
        elif expected_scale is not None and out.scale != expected_scale:
            problems.append(
                Problem(
                    None,
                    f"Thang điểm của bộ chỉ số là {_vn(out.scale)} (tổng điểm các lĩnh vực "
                    f"{', '.join(n.code for n in top)}) nhưng yêu cầu là {_vn(expected_scale)}.",
                )
            )
    problems.sort(key=lambda p: p.row if p.row is not None else 10**9)
    out.nodes = sorted(parsed.values(), key=lambda n: n.position)
    return out
