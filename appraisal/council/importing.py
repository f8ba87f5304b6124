"""Bulk import of one scoring layer (SPEC §7, §10): ``scores_import`` behind the survey page and the
``import_scores`` command.

Columns (first row; English or Vietnamese names, extra columns ignored): ``unit`` (Mã đơn vị), ``item`` (Mã tiêu
chí), ``value`` (Giá trị), ``note`` (Ghi chú / lý do). Every row is checked first — unknown unit, unknown item,
item outside the unit's set or not applicable to it, wrong method for the layer, value refused by the engine,
finalised assessment, repeated row; in round 2 what the round-2 web form refuses: a unit that has not sent its
explanation (nor been reopened by the chair), an item it did not explain (``lifecycle.round2_item_refusal``), an
«accept in part» outside the range between round 1 and the unit's claim (``selectors.partial_out_of_range``) —
and every problem is reported with its row number; if there is any, nothing is written. Otherwise every row is
written through ``entry_record_layer`` (history attributed to the person importing, source ``import``) in one
transaction, creating assessments and entries when missing. A survey import also keeps the file and who imported
it (``SurveyImport``). Phase dates are not checked: this is the secretariat's bulk tool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.files.base import ContentFile
from django.db import transaction

from appraisal.assessments.layers import LayerInput, entries_record_layer, leaf_exclusions, survey_weights_of
from appraisal.assessments.models import Assessment, AssessmentState, ItemEntry, Layer, Round2Decision
from appraisal.core.cells import DEFAULT_LIMITS, Limits
from appraisal.engine import LAYER_LABELS, InputError, Rule, RuleError, parse_rule
from appraisal.registry.audit import audit_record
from appraisal.registry.codes import by_code_key, code_key
from appraisal.registry.importing import Column, FileRejected, Problem, read_table
from appraisal.registry.models import (
    AuditAction,
    IndexNode,
    IndexSet,
    Method,
    Period,
    Unit,
    UnitExclusion,
    UnitMembership,
)
from appraisal.registry.phases import period_closed_refusal

from .lifecycle import round2_item_refusal
from .models import SurveyImport
from .selectors import ROUND2_STATES, partial_out_of_range

SCORE_COLUMNS: tuple[Column, ...] = (
    Column("unit", "Mã đơn vị", required=True),
    Column("item", "Mã tiêu chí", required=True, aliases=("Mã",)),
    Column("value", "Giá trị", required=True, numeric=True, aliases=("Kết quả", "Tỷ lệ hài lòng")),
    Column("note", "Ghi chú"),
    Column("reason", "Lý do"),
    Column("note_reason", "Ghi chú / lý do"),
)

# A national period's scores in one file: 3,300 units × 100 items is 330,000 rows (a .xlsx of that unpacks to
# about 100 MB): what the import_scores command reads. The page keeps the default limits and its upload cap.
NATIONAL_LIMITS = Limits(max_rows=500_000, max_unpacked_bytes=256 * 1024 * 1024)

LAYERS = (Layer.SELF, Layer.ROUND1, Layer.ROUND2, Layer.SURVEY)
LAYER_NAMES = LAYER_LABELS  # the engine's Vietnamese labels, in messages and in the audit log


@dataclass
class ImportReport:
    """What an import did, or every reason it did nothing."""

    file_name: str
    layer: str
    rows: int = 0
    written: int = 0  # rows that changed a stored value
    unchanged: int = 0
    assessments_created: int = 0
    problems: list[Problem] = field(default_factory=list)
    survey_import_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        if not self.ok:
            return "Tệp «{f}»: {n} lỗi, không nhập dòng nào.".format(f=self.file_name, n=len(self.problems))
        return "Đã nhập {rows} dòng {layer} từ «{f}»: {w} thay đổi, {u} giữ nguyên, {a} bản đánh giá mới.".format(
            rows=self.rows,
            layer=LAYER_NAMES.get(self.layer, self.layer),
            f=self.file_name,
            w=self.written,
            u=self.unchanged,
            a=self.assessments_created,
        )


@dataclass
class _Checked:
    row: int
    unit: Unit
    node: IndexNode
    value: str  # canonical, as the rule accepts it
    points: Decimal
    note: str


class _Stored(NamedTuple):
    """One stored item as the import reads it (a ``selectors.Round2Basis``)."""

    pk: int
    self_value: str
    round1_value: str
    self_points: Decimal | None
    round1_points: Decimal | None
    explanation: str


STORED_FIELDS = ("pk", "self_value", "round1_value", "self_points", "round1_points", "explanation")


class _Context:
    """The period's units, groups, index sets, exclusions and assessments, read once for the whole file (a
    constant number of queries, whatever the number of rows); each leaf's rule parsed once."""

    def __init__(self, period: Period) -> None:
        self.period = period
        self.units = by_code_key(Unit.objects.all())
        self.group_of = dict(UnitMembership.objects.filter(period=period).values_list("unit_id", "group_id"))
        self.sets = {s.group_id: s for s in IndexSet.objects.filter(period=period).select_related("group")}
        self.nodes: dict[int, dict[str, IndexNode]] = {}
        self.leaves: dict[int, list[IndexNode]] = {}
        for node in IndexNode.objects.filter(index_set__period=period).order_by("index_set_id", "position"):
            self.nodes.setdefault(node.index_set_id, {})[code_key(node.code)] = node
            if node.is_leaf:
                self.leaves.setdefault(node.index_set_id, []).append(node)
        # unit id → {excluded node code: reason}, for the engine's one applicability rule
        self.excluded: dict[int, dict[str, str]] = {}
        for unit_id, code, reason in UnitExclusion.objects.filter(node__index_set__period=period).values_list(
            "unit_id", "node__code", "reason"
        ):
            self.excluded.setdefault(unit_id, {})[code] = reason
        self.states = dict(Assessment.objects.filter(period=period).values_list("unit_id", "state"))
        self.weights = survey_weights_of(period)
        self._applicable: dict[int, list[IndexNode]] = {}
        self._applicable_ids: dict[int, set[int]] = {}
        self._rules: dict[int, Rule] = {}
        self._explained: dict[tuple[int, int], _Stored] | None = None

    def explained(self, unit: Unit, node: IndexNode) -> _Stored | None:
        """The item if the unit explained it (what a round-2 «accept in part» is measured against), from the
        period's explained items read once, on the first round-2 row."""
        if self._explained is None:
            self._explained = {
                (unit_id, node_id): _Stored(*values)
                for unit_id, node_id, *values in ItemEntry.objects.filter(assessment__period=self.period)
                .exclude(explanation="")
                .order_by()
                .values_list("assessment__unit_id", "node_id", *STORED_FIELDS)
            }
        return self._explained.get((unit.pk, node.pk))

    def applicable(self, unit: Unit, index_set: IndexSet) -> list[IndexNode]:
        """The leaves of the unit's set that apply to it, by the engine's one rule (``leaf_exclusions``, as
        ``assessments.layers.applicable_leaves``), from the rows read once."""
        found = self._applicable.get(unit.pk)
        if found is None:
            leaves = self.leaves.get(index_set.pk, [])
            out = leaf_exclusions(unit=unit, leaves=leaves, excluded=self.excluded.get(unit.pk, {}))
            found = self._applicable[unit.pk] = [n for n in leaves if n.pk not in out]
            self._applicable_ids[unit.pk] = {n.pk for n in found}
        return found

    def applies(self, unit: Unit, index_set: IndexSet, node: IndexNode) -> bool:
        self.applicable(unit, index_set)
        return node.pk in self._applicable_ids[unit.pk]

    def rule(self, node: IndexNode) -> Rule:
        if node.pk not in self._rules:
            self._rules[node.pk] = parse_rule(node.rule, node.max_points, node.method)
        return self._rules[node.pk]


def _check_row(ctx: _Context, layer: str, number: int, data: dict[str, str]) -> _Checked | Problem:
    code = data.get("unit", "").strip()
    item = data.get("item", "").strip()
    value = data.get("value", "").strip()
    note = next((data[k].strip() for k in ("note", "note_reason", "reason") if data.get(k, "").strip()), "")
    if not code:
        return Problem(number, "thiếu mã đơn vị (cột Mã đơn vị).")
    unit = ctx.units.get(code_key(code))
    if unit is None:
        return Problem(number, f"không có đơn vị mã «{code}».")
    group_id = ctx.group_of.get(unit.pk)
    if group_id is None:
        return Problem(number, f"đơn vị «{unit.code}» không thuộc khối nào trong kỳ năm {ctx.period.year}.")
    index_set = ctx.sets.get(group_id)
    if index_set is None:
        return Problem(number, f"khối của đơn vị «{unit.code}» chưa có bộ chỉ số năm {ctx.period.year}.")
    if not item:
        return Problem(number, "thiếu mã tiêu chí (cột Mã tiêu chí).")
    node = ctx.nodes.get(index_set.pk, {}).get(code_key(item))
    if node is None:
        return Problem(
            number, f"tiêu chí «{item}» không có trong {index_set} (bộ chỉ số của đơn vị «{unit.code}»)."
        )
    if not node.is_leaf:
        return Problem(
            number, f"«{node.code}» là nhóm tiêu chí: chỉ nhập điểm cho tiêu chí không có mục con."
        )
    if not ctx.applies(unit, index_set, node):
        return Problem(number, f"tiêu chí «{node.code}» không áp dụng cho đơn vị «{unit.code}».")
    if layer == Layer.SURVEY and node.method != Method.SURVEY:
        return Problem(
            number,
            f"tiêu chí «{node.code}» không chấm qua điều tra XHH: không nhập được vào lớp điều tra XHH.",
        )
    if layer != Layer.SURVEY and node.method == Method.SURVEY:
        return Problem(
            number,
            f"tiêu chí «{node.code}» chấm qua điều tra XHH: hãy nhập kết quả điều tra (lớp survey), "
            f"không nhập vào lớp {LAYER_NAMES[layer]}.",
        )
    if not value:
        return Problem(number, f"thiếu giá trị cho tiêu chí «{node.code}» (cột Giá trị).")
    try:
        rule = ctx.rule(node)
        canonical = rule.check_entry(value)
        points = rule.points(canonical, ctx.weights)
    except InputError as exc:
        return Problem(number, f"tiêu chí «{node.code}»: {exc.message}")
    except RuleError as exc:
        return Problem(number, f"cách chấm của tiêu chí «{node.code}» bị lỗi: {exc.message}")
    if ctx.states.get(unit.pk) == AssessmentState.FINALISED:
        return Problem(
            number, f"kết quả của đơn vị «{unit.code}» đã chốt: không nhập được (cần mở lại trước)."
        )
    checked = _Checked(number, unit, node, canonical, points, note)
    if layer == Layer.ROUND2:
        stored = ctx.explained(unit, node)
        problem = _round2_problem(checked, ctx.states.get(unit.pk), stored)
        if problem is None and stored is not None:
            problem = _partial_problem(checked, stored)
        if problem is not None:
            return problem
    return checked


def _round2_problem(row: _Checked, state: str | None, stored: _Stored | None) -> Problem | None:
    """A row the round-2 form refuses (:func:`lifecycle.round2_item_refusal`: the unit's state, an item not
    explained), with what to do with it in the file."""
    refusal = round2_item_refusal(
        state=state,
        unit=row.unit.code,
        item_code=row.node.code,
        explanation=stored.explanation if stored else "",
    )
    if not refusal:
        return None
    todo = (
        "Hãy bỏ dòng này khỏi tệp." if state in ROUND2_STATES else "Hãy bỏ các dòng của đơn vị này khỏi tệp."
    )
    return Problem(row.row, f"{refusal}. {todo}")


def _partial_problem(row: _Checked, stored: _Stored) -> Problem | None:
    """A round-2 value read as «accept in part» (:func:`_round2_decision`) outside its range: the web form's
    rule (``selectors.partial_out_of_range``), with what to write in the file instead."""
    if _round2_decision(stored.self_value, stored.round1_value, row.value) != Round2Decision.PARTIAL:
        return None
    refusal = partial_out_of_range(stored, row.value, row.points)
    if not refusal:
        return None
    return Problem(
        row.row,
        f"tiêu chí «{row.node.code}»: chấp nhận một phần với {refusal}. Hãy nhập một giá trị trong khoảng đó, "
        f"«{stored.self_value}» để chấp nhận giải trình hoặc «{stored.round1_value}» để giữ kết quả vòng 1.",
    )


def _round2_decision(self_value: str, round1_value: str, canonical: str) -> str:
    """An imported round-2 value is read as the council's decision: the unit's claim (accept), the round-1
    value (keep) or anything else (accept in part)."""
    if self_value and canonical == self_value:
        return Round2Decision.ACCEPT
    if round1_value and canonical == round1_value:
        return Round2Decision.KEEP
    return Round2Decision.PARTIAL


def scores_import(
    *, period: Period, layer: str, file_name: str, content: bytes, by: Any, limits: Limits = DEFAULT_LIMITS
) -> ImportReport:
    """Check every row of a scores file, then write them all (one transaction) or nothing. ``limits``: what
    the file may hold; the page keeps the default ones, the ``import_scores`` command reads a national file
    (:data:`NATIONAL_LIMITS`)."""
    report = ImportReport(file_name=file_name, layer=layer)
    if layer not in LAYERS:
        report.problems.append(
            Problem(None, f"Lớp điểm «{layer}» không hợp lệ: chọn self, round1, round2 hoặc survey.")
        )
        return report
    closed = period_closed_refusal(period)
    if closed:  # a finalised, approved or archived period takes no scores (SPEC §3a)
        report.problems.append(Problem(None, closed))
        return report
    try:
        rows = read_table(file_name, content, SCORE_COLUMNS, limits=limits)
    except FileRejected as exc:
        report.problems.extend(exc.problems)
        return report
    ctx = _Context(period)
    checked: list[_Checked] = []
    seen: dict[tuple[int, int], int] = {}
    for number, data in rows:
        result = _check_row(ctx, layer, number, data)
        if isinstance(result, Problem):
            report.problems.append(result)
            continue
        key = (result.unit.pk, result.node.pk)
        if key in seen:
            report.problems.append(
                Problem(
                    number,
                    f"trùng với dòng {seen[key]} (đơn vị «{result.unit.code}», tiêu chí «{result.node.code}»).",
                )
            )
            continue
        seen[key] = number
        checked.append(result)
    report.rows = len(rows)
    if report.problems:
        return report

    try:
        _write(
            period=period,
            layer=layer,
            file_name=file_name,
            content=content,
            by=by,
            ctx=ctx,
            checked=checked,
            report=report,
        )
    except _Abort as exc:
        report.problems.extend(exc.problems)
        report.written = report.unchanged = report.assessments_created = 0
        report.survey_import_id = None
    return report


def _write(
    *,
    period: Period,
    layer: str,
    file_name: str,
    content: bytes,
    by: Any,
    ctx: _Context,
    checked: list[_Checked],
    report: ImportReport,
) -> None:
    with transaction.atomic():
        assessment_ids, entries, states = _entries_for(ctx=ctx, checked=checked, report=report)
        inputs, problems = [], []
        for row in checked:
            stored = entries[(row.unit.pk, row.node.pk)]
            decision = ""
            if layer == Layer.ROUND2:
                # Again on the rows read under lock: a state or a round 1 changed since the check.
                problem = _round2_problem(row, states[row.unit.pk], stored) or _partial_problem(row, stored)
                if problem is not None:
                    problems.append(problem)
                decision = _round2_decision(stored.self_value, stored.round1_value, row.value)
            inputs.append(LayerInput(stored.pk, row.value, row.points, row.note, decision))
        if problems:
            raise _Abort(problems)
        recorded = entries_record_layer(
            layer=layer, inputs=inputs, by=by, source="import", assessment_ids=assessment_ids
        )
        for outcome in recorded:
            if outcome.changed:
                report.written += 1
            else:
                report.unchanged += 1
        if layer == Layer.SURVEY:
            record = SurveyImport(period=period, file_name=file_name[:255], rows=len(checked), by=by)
            # The stored name never comes from the person: only the extension is kept.
            extension = "xlsx" if content.startswith(b"PK") else "csv"
            record.file.save(f"dieu-tra-{period.year}.{extension}", ContentFile(content), save=False)
            record.save()
            report.survey_import_id = record.pk
        audit_record(
            action=AuditAction.IMPORT_SURVEY if layer == Layer.SURVEY else AuditAction.IMPORT_SCORES,
            by=by,
            object_type="Tệp nhập",
            object_repr=file_name,
            period=period,
            detail=f"Lớp {LAYER_NAMES[layer]}: {len(checked)} dòng, ghi {report.written}, không đổi {report.unchanged}.",
            file_name=file_name,
            content=content,
        )


def _entries_for(
    *, ctx: _Context, checked: list[_Checked], report: ImportReport
) -> tuple[list[int], dict[tuple[int, int], _Stored], dict[int, str]]:
    """Lock the assessments of the units in the file, creating the missing ones with an entry per applicable
    leaf (as ``assessment_get_or_create`` does, entries missing from an existing assessment too); refuse a
    unit finalised meanwhile. Returns the assessments' ids, (unit id, node id) → the stored item and unit id →
    its state under lock. A constant number of queries, whatever the number of rows and units."""
    first_row: dict[int, _Checked] = {}
    for row in checked:
        first_row.setdefault(row.unit.pk, row)
    period = ctx.period
    assessments = {
        a.unit_id: a
        for a in Assessment.objects.select_for_update().filter(period=period, unit_id__in=list(first_row))
    }
    for unit_id, row in first_row.items():
        if unit_id in assessments and assessments[unit_id].state == AssessmentState.FINALISED:
            # finalised meanwhile
            raise _Abort(Problem(row.row, f"kết quả của đơn vị «{row.unit.code}» vừa được chốt."))
    missing = [
        Assessment(period=period, unit=row.unit) for uid, row in first_row.items() if uid not in assessments
    ]
    if missing:
        for created in Assessment.objects.bulk_create(missing, batch_size=1000):
            assessments[created.unit_id] = created
    report.assessments_created = len(missing)
    unit_of = {a.pk: unit_id for unit_id, a in assessments.items()}

    def read() -> dict[tuple[int, int], _Stored]:
        rows = (
            ItemEntry.objects.filter(assessment_id__in=list(unit_of))
            .order_by()
            .values_list("assessment_id", "node_id", *STORED_FIELDS)
        )
        return {(unit_of[a], node): _Stored(*values) for a, node, *values in rows}

    entries = read()
    absent = [
        ItemEntry(assessment=assessments[unit_id], node=node)
        for unit_id, row in first_row.items()
        for node in ctx.applicable(row.unit, ctx.sets[ctx.group_of[unit_id]])
        if (unit_id, node.pk) not in entries
    ]
    if absent:
        ItemEntry.objects.bulk_create(absent, batch_size=2000, ignore_conflicts=True)
        entries = read()
    return list(unit_of), entries, {unit_id: a.state for unit_id, a in assessments.items()}


class _Abort(Exception):
    """The write found rows it cannot take (under lock): the transaction is rolled back, nothing written."""

    def __init__(self, problems: Problem | list[Problem]) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else problems
        super().__init__("\n".join(str(p) for p in self.problems))


# The example rows' values and notes, in turn (the template is a blank to fill, so each row says it is one).
_EXAMPLE_VALUES = ("85%", "A=10;B=5;C=1;D=0", "88,5%", "90%")
_EXAMPLE_NOTES = ("Ví dụ: tỷ lệ hài lòng theo báo cáo điều tra", "Ví dụ: số phiếu theo từng phương án")

SURVEY_HELP = {
    "unit": "Bắt buộc. Mã đơn vị như trong danh mục đơn vị (ví dụ skhcn).",
    "item": "Bắt buộc. Mã tiêu chí điều tra xã hội học (phương pháp XHH) trong bộ chỉ số của khối đơn vị.",
    "value": "Bắt buộc. Tỷ lệ hài lòng từ 0% đến 100% như 85% hoặc 88,5% (dấu phẩy hay dấu chấm thập phân đều "
    "được; ô định dạng phần trăm của Excel cũng được; số không ghi % từ 0 đến 1 như 0,85 bị từ chối vì không rõ là "
    "85% hay 0,85%), hoặc số phiếu theo phương án A=10;B=5;C=1;D=0.",
    "note": "Ghi chú (tùy chọn).",
}


def survey_examples(period: Period) -> tuple[list[dict[str, str]], str]:
    """Example rows for the survey template from the period's own survey items and units (QA: fixed codes
    3.1/3.2 matched no set using 8.x, 9.x or 5.x), and the item column's help naming each group's survey items.
    Per group with survey items, two rows: one unit on its first two items, or, with a single item, two
    units on it. Without any survey item the rows use the current sets' numbering and say they are examples."""
    leaves: dict[int, list[str]] = {}
    for set_id, code in (
        IndexNode.objects.filter(index_set__period=period, is_leaf=True, method=Method.SURVEY)
        .order_by("index_set_id", "position")
        .values_list("index_set_id", "code")
    ):
        leaves.setdefault(set_id, []).append(code)
    units: dict[int, list[str]] = {}
    for group_id, code in (
        UnitMembership.objects.filter(period=period, tracked=True, unit__active=True)
        .order_by("unit__code")
        .values_list("group_id", "unit__code")
    ):
        units.setdefault(group_id, []).append(code)
    pairs: list[tuple[str, str]] = []
    listed: list[str] = []
    for index_set in (
        IndexSet.objects.filter(period=period).select_related("group").order_by("group__order", "group__code")
    ):
        codes, members = leaves.get(index_set.pk, []), units.get(index_set.group_id, [])
        if not codes:
            continue
        listed.append(f"{', '.join(codes)} ({index_set.group.name})")
        if not members:
            continue
        if len(codes) > 1:
            pairs += [(members[0], codes[0]), (members[0], codes[1])]
        else:
            pairs += [(member, codes[0]) for member in members[:2]]
    help_text = SURVEY_HELP["item"]
    if not pairs:
        first = next((code for group in units.values() for code in group), "skhcn")
        note = (
            f"Ví dụ (năm {period.year} chưa có tiêu chí điều tra XHH): thay bằng mã đơn vị, mã tiêu chí thật"
        )
        rows = [
            {"unit": first, "item": "8.1", "value": _EXAMPLE_VALUES[0], "note": note},
            {"unit": first, "item": "8.2", "value": _EXAMPLE_VALUES[1], "note": _EXAMPLE_NOTES[1]},
        ]
        return rows, help_text
    rows = [
        {
            "unit": unit,
            "item": item,
            "value": _EXAMPLE_VALUES[i % len(_EXAMPLE_VALUES)],
            "note": _EXAMPLE_NOTES[i] if i < len(_EXAMPLE_NOTES) else "Ví dụ",
        }
        for i, (unit, item) in enumerate(pairs)
    ]
    help_text = help_text.removesuffix(".") + f", năm {period.year}: " + "; ".join(listed) + "."
    return rows, help_text


def survey_template(period: Period) -> Any:
    """The survey import's template: the header in Vietnamese, example rows from the period's survey items
    (:func:`survey_examples`) and what each column means."""
    from appraisal.registry.templates_xlsx import XLSX_CONTENT_TYPE, TemplateFile, template_workbook

    examples, item_help = survey_examples(period)
    columns = [c for c in SCORE_COLUMNS if c.key in SURVEY_HELP]
    content = template_workbook("Điều tra XHH", columns, examples, {**SURVEY_HELP, "item": item_help})
    return TemplateFile("mau-dieu-tra-xhh.xlsx", XLSX_CONTENT_TYPE, content)
