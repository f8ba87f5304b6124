"""Read side of the self-assessment: who may see what, the form as a tree, what is still missing.

"Authorise where you fetch": every ``*_get_for_user`` returns the object or raises Http404 (the person may
not see it: another unit's people get 404, never a hint that it exists) or PermissionDenied (they may see
but not change it, e.g. an observer). Role questions go to :mod:`appraisal.core.roles`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from appraisal import engine
from appraisal.core import roles
from appraisal.core.dates import fmt_local
from appraisal.core.exceptions import PhaseError
from appraisal.engine import Rule, RuleError, parse_rule
from appraisal.registry.models import (
    IndexNode,
    Method,
    Period,
    Phase,
    Unit,
    UnitExclusion,
    UnitMembership,
)
from appraisal.registry.phases import Deadline, period_closed_refusal, phase_check, phase_deadline
from appraisal.registry.selectors import (
    adjustment_groups,
    adjustment_groups_input,
    period_current,
    secretariat_require,
    unit_role_require,
)

from .layers import leaf_exclusions
from .models import (
    EDITABLE_BY_UNIT,
    Assessment,
    AssessmentState,
    Evidence,
    EvidenceLink,
    EvidenceVersion,
    ItemEntry,
    ItemHistory,
    Layer,
)

ZERO = Decimal("0")
SURVEY_TEXT = "Chấm qua điều tra xã hội học"

# -- permissions ------------------------------------------------------------------------------------------


# Who else may download a unit's evidence, added by the apps above this one at start-up (SPEC §6a through the
# council's policy, and the council's assigned members: ``CouncilConfig.ready``). Imports flow one way, so
# assessments cannot ask the council itself; every download view still asks the single check below. A rule
# answers True (the person may download it), a refusal reason (the person knows the unit's self-assessment but may
# not see it now: 403) or a false value (nothing to say).
EVIDENCE_DOWNLOAD_RULES: list[Callable[[Any, Evidence], bool | str | None]] = []
EVIDENCE_NOT_FOUND = "Không tìm thấy tài liệu."


def evidence_download_check(user: Any, evidence: Evidence) -> None:
    """The one check of evidence downloads (a file and its old versions), roles read in a period (SPEC §6a: a
    role of 2022 means nothing in 2023): the unit's people of the current period always (it is their library);
    a file linked to no item, also the secretariat or the administrator of the current period; otherwise the
    rules registered in ``EVIDENCE_DOWNLOAD_RULES``, which read each linking assessment's period and moment.
    Raises PermissionDenied with the first refusal a rule gave, else Http404."""
    current = period_current()
    if current is not None and roles.can_edit_unit(user, evidence.unit_id, current.pk):
        return
    if not evidence.links.filter(removed_at__isnull=True).exists():
        if current is not None and roles.holds_in_period(user, roles.SECRETARIAT, current.pk):
            return
        raise Http404(EVIDENCE_NOT_FOUND)
    refusal = ""
    for rule in EVIDENCE_DOWNLOAD_RULES:
        answer = rule(user, evidence)
        if answer is True:
            return
        if isinstance(answer, str) and not refusal:
            refusal = answer
    if refusal:
        raise PermissionDenied(refusal)
    raise Http404(EVIDENCE_NOT_FOUND)


def evidence_can_download(user: Any, evidence: Evidence) -> bool:
    """Whether :func:`evidence_download_check` lets ``user`` download ``evidence``."""
    try:
        evidence_download_check(user, evidence)
    except (Http404, PermissionDenied):
        return False
    return True


# The secretariat's actions on a unit's self-assessment, each the end of its refusal (``secretariat_require``:
# roles read in the assessment's period, a secretariat of another year only is told its role does not apply).
SECRETARIAT_ACTIONS = {
    "return": "mới được trả lại bản tự đánh giá",
    "extend": "mới được gia hạn cho đơn vị",
    "close_not_submitted": "mới được đóng bản tự đánh giá «không nộp»",
    "start": "mới được bắt đầu bản tự đánh giá cho đơn vị",
}


READ_ONLY = "Bạn chỉ có quyền xem bản tự đánh giá này."


def assessment_get_for_user(user: Any, pk: int, *, write: bool = False, action: str = "view") -> Assessment:
    """The assessment, if ``user`` may see it (404 otherwise); with ``write``, may also edit it (403); with a
    secretariat ``action`` (:data:`SECRETARIAT_ACTIONS`), holds the secretariat's role in its period (403)."""
    assessment = Assessment.objects.select_related("period", "unit").filter(pk=pk).first()
    return _assessment_allowed(user, assessment, write=write, action=action)


def _assessment_allowed(
    user: Any, assessment: Assessment | None, *, write: bool, action: str = "view"
) -> Assessment:
    if assessment is None:
        raise Http404("Không tìm thấy bản tự đánh giá.")
    assessment_require_view(user, assessment)
    if write:
        unit_role_require(user, assessment.unit, assessment.period, READ_ONLY)
    if action in SECRETARIAT_ACTIONS:
        secretariat_require(user, assessment.period, SECRETARIAT_ACTIONS[action])
    return assessment


# Who may see a unit's self-assessment: SPEC §6a, row "inputs", decided by the access policy
# (``appraisal.council.access``), which needs the council's assignments. Imports flow one way, so the council
# registers its check here at start-up (``CouncilConfig.ready``); every self-assessment page asks the single
# function below. A check returns, or raises Http404 (the person may not know it exists) or PermissionDenied.
ASSESSMENT_VIEW_RULES: list[Callable[[Any, Assessment], None]] = []


def assessment_require_view(user: Any, assessment: Assessment) -> None:
    """The one view check of the self-assessment pages (form, detail, print, Excel, library, items): the
    registered policy decides; with none registered nobody sees anything."""
    if not ASSESSMENT_VIEW_RULES:
        raise Http404("Không tìm thấy bản tự đánh giá.")
    for rule in ASSESSMENT_VIEW_RULES:
        rule(user, assessment)


def unit_page_check(user: Any, *, period: Period, unit: Unit, assessment: Assessment | None) -> None:
    """Whether ``user`` may open the unit's page of ``period`` (``assessments:open``, the list's «Mở»): raises
    Http404 or PermissionDenied with the reason, as the page would. With its assessment the page is the
    self-assessment's, so its own check decides (:func:`assessment_require_view`). Before it exists the page
    says when the self-assessment opens: to the unit's people, the secretariat and observers
    (``roles.can_view_unit``), and to whoever the policy lets see a unit's self-assessment before it is
    submitted (a council member of the unit, as its people; the chair)."""
    if assessment is None:
        if roles.can_view_unit(user, unit.pk, period.pk):
            return
        assessment = Assessment(period=period, unit=unit)  # not started: what the policy says of a draft
    assessment_require_view(user, assessment)


def entry_get_for_user(user: Any, assessment: Assessment, pk: int, *, write: bool = False) -> ItemEntry:
    """An entry of an assessment already fetched with :func:`assessment_get_for_user`."""
    if write:
        unit_role_require(user, assessment.unit, assessment.period, READ_ONLY)
    entry = ItemEntry.objects.select_related("node").filter(pk=pk, assessment=assessment).first()
    if entry is None:
        raise Http404("Không tìm thấy mục này.")
    entry.assessment = assessment
    return entry


def entry_get_for_save(user: Any, *, assessment_pk: int, pk: int) -> ItemEntry:
    """The entry ``pk`` of assessment ``assessment_pk`` for an autosave, with its node, its assessment, the
    period and the unit, read once in one query, the assessment's row locked until the transaction ends so
    that a concurrent submission cannot slip between the state check and the write. Call it inside
    ``transaction.atomic()``. 404 unless ``user`` may see the assessment, 403 unless they may edit it."""
    entry = (
        ItemEntry.objects.select_related("node", "assessment__period", "assessment__unit")
        .select_for_update(of=("assessment",), no_key=True)
        .filter(pk=pk, assessment_id=assessment_pk)
        .first()
    )
    if entry is None:
        raise Http404("Không tìm thấy mục này.")
    _assessment_allowed(user, entry.assessment, write=True)
    return entry


def evidence_get_for_user(user: Any, pk: int, *, editing: Assessment | None = None) -> Evidence:
    """Evidence the person may download (:func:`evidence_download_check`: 404, or 403 with the reason); with
    ``editing``, evidence of that assessment's unit (404) whose editor or head the person is in the
    assessment's period (403: a library has no period, the assessment being edited gives it one)."""
    evidence = Evidence.objects.select_related("file", "unit").filter(pk=pk).first()
    if evidence is None:
        raise Http404(EVIDENCE_NOT_FOUND)
    evidence_download_check(user, evidence)
    if editing is not None:
        if evidence.unit_id != editing.unit_id:
            raise Http404(EVIDENCE_NOT_FOUND)
        unit_role_require(user, editing.unit, editing.period, "Bạn chỉ có quyền xem tài liệu này.")
    return evidence


def evidence_version_get_for_user(user: Any, evidence: Evidence, pk: int) -> EvidenceVersion:
    version = EvidenceVersion.objects.select_related("file").filter(pk=pk, evidence=evidence).first()
    if version is None:
        raise Http404("Không tìm thấy phiên bản tài liệu.")
    return version


def link_get_for_user(user: Any, entry: ItemEntry, pk: int) -> EvidenceLink:
    link = EvidenceLink.objects.filter(pk=pk, entry=entry, removed_at__isnull=True).first()
    if link is None:
        raise Http404("Không tìm thấy tài liệu gắn với mục này.")
    return link


# -- phases -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineInfo:
    deadline: Deadline
    is_open: bool
    refusal: str  # why the self-assessment phase is closed for this unit ('' when open)
    # The unit is done with its self-assessment (submitted, closed or further on): no countdown then.
    finished: str = ""

    @property
    def remaining(self) -> str:
        """The time left, or what stopped the clock once the unit has finished (a countdown that runs on
        after the unit submitted reads as if something were still due)."""
        return self.finished or remaining_text(self.deadline.due_at)

    @property
    def due_text(self) -> str:
        """'17:00 ngày 15/03/2024' in Asia/Ho_Chi_Minh, or '' without a dated deadline."""
        return vn_datetime(self.deadline.due_at)


def vn_datetime(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M ngày %d/%m/%Y") if value is not None else ""


def remaining_text(due_at: datetime | None, now: datetime | None = None) -> str:
    """'còn 3 ngày 4 giờ', 'còn 2 giờ 5 phút', 'còn 12 phút', 'đã quá hạn' or '' without a deadline."""
    if due_at is None:
        return ""
    delta = due_at - (now or timezone.now())
    if delta <= timedelta(0):
        return "đã quá hạn"
    days, seconds = delta.days, delta.seconds
    hours, minutes = seconds // 3600, (seconds % 3600) // 60
    if days:
        return f"còn {days} ngày {hours} giờ"
    if hours:
        return f"còn {hours} giờ {minutes} phút"
    return f"còn {max(minutes, 1)} phút"


def self_phase_refusal(assessment: Assessment, now: datetime | None = None) -> str:
    """Why the unit cannot change its self-assessment now ('' when the phase is open for it). A unit's own
    extension keeps it open after the period moved on (SPEC §3a, each unit on its own clock)."""
    try:
        phase_check(
            period=assessment.period,
            phase=Phase.SELF_ASSESSMENT,
            extension_until=assessment.extension_until,
            now=now,
        )
    except PhaseError as error:
        return error.message
    return ""


def assessment_deadline(assessment: Assessment) -> DeadlineInfo:
    deadline = phase_deadline(
        period=assessment.period, phase=Phase.SELF_ASSESSMENT, extension_until=assessment.extension_until
    )
    refusal = self_phase_refusal(assessment)
    return DeadlineInfo(
        deadline=deadline, is_open=not refusal, refusal=refusal, finished=_finished(assessment)
    )


def _finished(assessment: Assessment) -> str:
    """'đơn vị đã chốt, không còn đếm ngược' once the unit submitted, '' while it still works on its form."""
    if assessment.state in EDITABLE_BY_UNIT:
        return ""
    if assessment.submitted_at is not None:
        return "đơn vị đã chốt, không còn đếm ngược"
    return "đã đóng ở trạng thái «{s}», không còn đếm ngược".format(s=AssessmentState(assessment.state).label)


def assessment_actions(user: Any, assessment: Assessment) -> frozenset[str]:
    """The workflow actions ``user`` may take on the assessment now, for templates to show buttons from (never
    state or phase strings): ``edit``, ``submit`` (the head), ``withdraw`` (before round 1 began; the service
    re-checks), ``return`` (the secretariat)."""
    actions: set[str] = set()
    state = assessment.state
    if assessment.period.is_closed:
        return frozenset()
    unit_person = roles.can_edit_unit(user, assessment.unit_id, assessment.period_id)  # SPEC §6a
    if unit_person and state in EDITABLE_BY_UNIT:
        actions.add("edit")
        if roles.is_unit_head(user, assessment.unit_id, assessment.period_id):
            actions.add("submit")
    if unit_person and state == AssessmentState.SUBMITTED:
        actions.add("withdraw")
    if state == AssessmentState.SUBMITTED and roles.holds_in_period(
        user, roles.SECRETARIAT, assessment.period_id
    ):
        actions.add("return")
    return frozenset(actions)


def assessment_edit_refusal(user: Any, assessment: Assessment) -> str:
    """Why ``user`` cannot change the unit's entries now ('' when they can)."""
    try:
        unit_role_require(user, assessment.unit, assessment.period, READ_ONLY)
    except PermissionDenied as refused:
        return str(refused)
    if assessment.state not in EDITABLE_BY_UNIT:
        return "Bản tự đánh giá đang ở trạng thái «{s}»: không sửa được.{hint}".format(
            s=AssessmentState(assessment.state).label,
            hint=" Muốn sửa, hãy rút lại bản đã chốt (trước hạn chót)."
            if assessment.state == AssessmentState.SUBMITTED
            else "",
        )
    return self_phase_refusal(assessment)


@dataclass(frozen=True)
class StartInfo:
    """A unit's page before its assessment exists: whether ``user`` may create it now, else why not, and when
    the self-assessment opens ('' once it has opened)."""

    refusal: str
    allowed: bool
    preparing: bool = False
    opens: str = ""  # while preparing: when the self-assessment window opens, '' when no date is set yet


def assessment_start_info(user: Any, *, period: Period, unit: Unit, now: datetime | None = None) -> StartInfo:
    """Who may create a unit's assessment, and when (SPEC §3a: index sets stay editable until the
    self-assessment opens, so nothing is created before it; a page view never creates anything).

    The unit's editors and head while the self-assessment is open for the period; the secretariat from the
    moment it opened until the period is finalised, to extend or close «không nộp» a unit that never started."""
    opens = ""
    secretariat = roles.holds_in_period(user, roles.SECRETARIAT, period.pk)  # SPEC §6a: the period's own
    if period.phase == Phase.PREPARING:
        opens_at = phase_deadline(period=period, phase=Phase.SELF_ASSESSMENT).opens_at
        opens = fmt_local(opens_at) if opens_at else ""
        refusal = (
            f"Tự đánh giá của {period.name} chưa mở: kỳ đánh giá đang ở giai đoạn «{Phase.PREPARING.label}»."
        )
    elif secretariat:
        refusal = period_closed_refusal(period)
    else:
        try:
            phase_check(period=period, phase=Phase.SELF_ASSESSMENT, now=now)
            refusal = ""
        except PhaseError as error:
            refusal = error.message
    allowed = roles.can_edit_unit(user, unit.pk, period.pk) or secretariat
    return StartInfo(refusal=refusal, allowed=allowed, preparing=period.phase == Phase.PREPARING, opens=opens)


# -- the form as a tree ----------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def rule_for(text: str, max_points: Decimal, method: str) -> Rule | None:
    """The parsed rule of a leaf (cached: rules repeat across units), None if the stored text is broken."""
    try:
        return parse_rule(text, max_points, method)
    except RuleError:
        return None


@dataclass
class Item:
    """One leaf of the unit's form."""

    node: IndexNode
    entry: ItemEntry | None  # None when the leaf does not apply to the unit
    rule: Rule | None = None
    links: list[EvidenceLink] = field(default_factory=list)
    excluded_reason: str = ""
    has_links: bool = False  # live evidence known without loading it (the autosave's summary)

    @property
    def kind(self) -> str:
        return self.rule.kind if self.rule is not None else ""

    @property
    def is_survey(self) -> bool:
        return self.node.method == Method.SURVEY

    @property
    def has_input(self) -> bool:
        return self.entry is not None and bool(self.entry.self_value)

    @property
    def missing_input(self) -> bool:
        """Every applicable appraised leaf needs an input before submission."""
        return self.entry is not None and self.node.method == Method.APPRAISAL and not self.entry.self_value

    @property
    def missing_evidence(self) -> bool:
        """A claim of points needs evidence or a written explanation."""
        entry = self.entry
        return (
            entry is not None
            and self.node.method in (Method.APPRAISAL, Method.BONUS)
            and entry.self_points is not None
            and entry.self_points > 0
            and not (self.links or self.has_links)
            and not entry.self_note.strip()
        )

    @property
    def input_hint(self) -> str:
        return self.rule.input_hint if self.rule is not None else ""


@dataclass
class Row:
    node: IndexNode
    item: Item | None  # None on inner nodes


@dataclass
class Block:
    """A top-level node (a field, or a bonus/penalty item) with its rows and running total."""

    node: IndexNode
    rows: list[Row]
    points: Decimal = ZERO
    max_points: Decimal = ZERO
    is_survey: bool = False
    # An adjustment content ('9. Điểm thưởng, điểm trừ'): its bonus and penalty after the groups' caps.
    adjustment: engine.AdjustmentTotals | None = None


@dataclass
class Missing:
    code: str
    title: str
    entry_id: int
    problem: str

    def __str__(self) -> str:
        return f"Mục {self.code}: {self.problem}"


@dataclass
class FormData:
    assessment: Assessment
    blocks: list[Block]
    items: dict[int, Item]  # by entry id
    self_points: Decimal
    self_max: Decimal
    survey_max: Decimal
    bonus: Decimal  # after the adjustment groups' caps (SPEC §10), as the engine counts them
    penalty: Decimal
    required: int
    entered: int
    missing: list[Missing]
    # Each adjustment group ('9.1' Điểm thưởng, '9.2' Điểm trừ) with the unit's claim and what counts.
    adjustments: tuple[engine.AdjustmentResult, ...] = ()

    @property
    def capped_groups(self) -> list[engine.AdjustmentResult]:
        """The groups where the unit claims more than the group's cap allows."""
        return [g for g in self.adjustments if g.method is not None and g.claimed > g.points]

    @property
    def total(self) -> Decimal:
        return self.self_points + self.bonus - self.penalty

    def block_of(self, entry_id: int) -> Block | None:
        for block in self.blocks:
            if any(
                row.item is not None and row.item.entry and row.item.entry.pk == entry_id
                for row in block.rows
            ):
                return block
        return None


def index_nodes_for(*, period: Period, unit: Unit) -> list[IndexNode]:
    """Every node of the unit's group's index set for the period, in order (one query)."""
    return list(
        IndexNode.objects.filter(
            index_set__period=period,
            index_set__group__memberships__period=period,
            index_set__group__memberships__unit=unit,
        ).order_by("position")
    )


def assessment_form(
    assessment: Assessment,
    *,
    nodes: list[IndexNode] | None = None,
    entries: dict[int, ItemEntry] | None = None,
    exclusions: dict[str, str] | None = None,
) -> FormData:
    """The unit's form: fields → criteria → sub-criteria with entries, evidence, totals and what is missing.

    A constant number of queries whatever the size of the set (nodes, entries, evidence links, exclusions).
    Points come from the entries, where the engine put them when each input was saved. ``entries`` (by node
    id) and ``exclusions`` (node code → reason) may be given already read (the autosave's summary reads them in one query)."""
    period, unit = assessment.period, assessment.unit
    if nodes is None:
        nodes = index_nodes_for(period=period, unit=unit)
    if entries is None:
        live_links = EvidenceLink.objects.filter(removed_at__isnull=True, layer=Layer.SELF).select_related(
            "evidence", "evidence__file"
        )
        entries = {
            e.node_id: e
            for e in ItemEntry.objects.filter(assessment=assessment).prefetch_related(
                Prefetch("evidence_links", queryset=live_links, to_attr="live_links")
            )
        }
    if exclusions is None:
        exclusions = dict(
            UnitExclusion.objects.filter(period=period, unit=unit).values_list("node__code", "reason")
        )
    # Which leaves do not apply, and why: the engine's one rule (an excluded field excludes its leaves).
    not_applicable = leaf_exclusions(unit=unit, leaves=[n for n in nodes if n.is_leaf], excluded=exclusions)

    children: dict[int | None, list[IndexNode]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)

    items: dict[int, Item] = {}
    blocks: list[Block] = []
    totals = {"self": ZERO, "self_max": ZERO, "survey_max": ZERO}
    required = entered = 0
    missing: list[Missing] = []
    groups = adjustment_groups(nodes)
    group_input = adjustment_groups_input(nodes)
    code_of = {n.pk: n.code for n in nodes}
    adjustment_leaves: dict[int, list[tuple[str, str | None, Decimal]]] = {}

    def make_item(node: IndexNode) -> Item:
        entry = entries.get(node.pk)
        reason = not_applicable.get(node.pk)
        if entry is None or reason is not None:
            return Item(node=node, entry=None, excluded_reason=reason or "Không áp dụng cho đơn vị.")
        entry.assessment = assessment
        entry.node = node
        return Item(
            node=node,
            entry=entry,
            rule=rule_for(node.rule, node.max_points, node.method),
            links=list(getattr(entry, "live_links", [])),
            has_links=getattr(entry, "has_links", False),
        )

    def walk(node: IndexNode, block: Block) -> None:
        nonlocal required, entered
        if not node.is_leaf:
            block.rows.append(Row(node=node, item=None))
            for child in children.get(node.pk, []):
                walk(child, block)
            return
        item = make_item(node)
        block.rows.append(Row(node=node, item=item))
        if item.entry is None:
            return
        items[item.entry.pk] = item
        points = item.entry.self_points or ZERO
        method = node.method
        if method == Method.APPRAISAL:
            required += 1
            entered += 1 if item.has_input else 0
            block.points += points
            block.max_points += node.max_points
            totals["self"] += points
            totals["self_max"] += node.max_points
        elif method == Method.SURVEY:
            block.max_points += node.max_points
            totals["survey_max"] += node.max_points
        elif method in (Method.BONUS, Method.PENALTY):
            block.max_points += node.max_points
            group = code_of.get(node.parent_id) if node.parent_id in groups else None
            adjustment_leaves.setdefault(block.node.pk, []).append((method, group, points))
        if item.missing_input:
            missing.append(Missing(node.code, node.title, item.entry.pk, "chưa nhập giá trị"))
        elif item.missing_evidence:
            missing.append(
                Missing(
                    node.code,
                    node.title,
                    item.entry.pk,
                    "có điểm nhưng chưa có tài liệu kiểm chứng hoặc ghi chú",
                )
            )

    for top in children.get(None, []):
        block = Block(node=top, rows=[])
        walk(top, block)
        block.is_survey = all(row.item is None or row.item.is_survey for row in block.rows) and any(
            row.item is not None and row.item.is_survey for row in block.rows
        )
        leaves = adjustment_leaves.get(top.pk)
        if leaves is not None:
            # The engine applies the caps of '9.1', '9.2' (a claim of 4 in a group capped at 3 counts 3).
            block.adjustment = engine.adjustment_totals(group_input, leaves)
            block.points = block.adjustment.bonus - block.adjustment.penalty
            if top.is_leaf:
                block.points = block.adjustment.bonus + block.adjustment.penalty
        blocks.append(block)
    adjustments = engine.adjustment_totals(
        group_input, [leaf for leaves in adjustment_leaves.values() for leaf in leaves]
    )

    return FormData(
        assessment=assessment,
        blocks=blocks,
        items=items,
        self_points=totals["self"],
        self_max=totals["self_max"],
        survey_max=totals["survey_max"],
        bonus=adjustments.bonus,
        penalty=adjustments.penalty,
        required=required,
        entered=entered,
        missing=missing,
        adjustments=adjustments.groups,
    )


def assessment_save_summary(assessment: Assessment, saved: ItemEntry) -> tuple[FormData, Block | None, Item]:
    """What an autosave answers besides the item: the running totals, the missing-items panel and the total
    of the item's field, from ONE query (the unit's nodes, each applicable leaf with the unit's entry and
    whether it has live evidence) walked by :func:`assessment_form` itself, so the totals, the adjustment
    caps and the missing items are the form's to the last digit without loading evidence, exclusions or the
    entries as rows of their own (issue 13/14: a save costs a constant, small number of queries).

    ``saved`` is the entry the save just wrote: it stands for its own row, so the version the page gets back
    is the one its save produced even if someone saved the same item a moment later."""
    period, unit = assessment.period, assessment.unit
    mine = FilteredRelation("entries", condition=Q(entries__assessment=assessment))
    live = EvidenceLink.objects.filter(
        entry_id=OuterRef("mine__id"), removed_at__isnull=True, layer=Layer.SELF
    )
    nodes = list(
        IndexNode.objects.filter(
            index_set__period=period,
            index_set__group__memberships__period=period,
            index_set__group__memberships__unit=unit,
        )
        .annotate(
            mine=mine,
            e_id=F("mine__id"),
            e_version=F("mine__version"),
            e_value=F("mine__self_value"),
            e_points=F("mine__self_points"),
            e_note=F("mine__self_note"),
            e_links=Exists(live),
        )
        .order_by("position")
    )
    entries: dict[int, ItemEntry] = {}
    for node in nodes:
        if node.e_id is None:  # type: ignore[attr-defined]
            continue
        if node.e_id == saved.pk:  # type: ignore[attr-defined]
            entry = saved
        else:
            entry = ItemEntry(
                pk=node.e_id,  # type: ignore[attr-defined]
                assessment=assessment,
                node=node,
                version=node.e_version,  # type: ignore[attr-defined]
                self_value=node.e_value,  # type: ignore[attr-defined]
                self_points=node.e_points,  # type: ignore[attr-defined]
                self_note=node.e_note,  # type: ignore[attr-defined]
            )
        entry.has_links = node.e_links  # type: ignore[attr-defined]
        entries[node.pk] = entry
    if saved.node_id not in entries:
        raise Http404("Không tìm thấy mục này.")
    # Exclusions only word why a leaf does not apply, which a save does not answer: not read.
    form = assessment_form(assessment, nodes=nodes, entries=entries, exclusions={})
    return form, form.block_of(saved.pk), form.items[saved.pk]


def assessment_missing(assessment: Assessment) -> list[Missing]:
    """What stops submission: appraised leaves without input, claimed points without evidence or note."""
    return assessment_form(assessment).missing


def entry_last_change(entry: ItemEntry, layer: str) -> tuple[ItemHistory | None, str]:
    """Who last saved one layer of an entry and when (a conflict message): the history row and its phrase,
    «Trần Thị Lan lưu lúc 09:15 ngày 30/11/2026» («người khác lưu» when no row says who)."""
    last = (
        ItemHistory.objects.filter(entry=entry, layer=layer)
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )
    if last is None:
        return None, "người khác lưu"
    who = (last.by.get_full_name() or last.by.username) if last.by else "người khác"
    return last, f"{who} lưu lúc {fmt_local(last.at)}"


# -- lists ------------------------------------------------------------------------------------------------


@dataclass
class UnitRow:
    unit: Unit
    assessment: Assessment | None
    required: int = 0
    entered: int = 0
    refusal: str = ""  # why the unit's page does not open for the person ('' when it does)

    @property
    def state_label(self) -> str:
        if self.assessment is None:
            return "Chưa bắt đầu"
        return AssessmentState(self.assessment.state).label


def sees_every_unit(user: Any, period: Period) -> bool:
    """The secretariat and observers of ``period`` (their role read in it, SPEC §6a) open every unit's
    self-assessment of the period."""
    return roles.holds_in_period(user, roles.SECRETARIAT, period.pk) or roles.holds_in_period(
        user, roles.OBSERVER, period.pk
    )


def assessment_rows_for_user(*, user: Any, period: Period) -> list[UnitRow]:
    """The units of ``period`` whose page ``user`` may know of: the units they belong to (their people, a council
    member of the unit), or every unit for the secretariat and observers; each with its state, its progress and,
    when its page does not open for them now, the reason (:func:`unit_page_check`) (two queries)."""
    memberships = UnitMembership.objects.filter(period=period).select_related("unit", "group")
    if not sees_every_unit(user, period):
        memberships = memberships.filter(unit_id__in=roles.own_unit_ids(user))
    memberships = memberships.order_by("group__order", "unit__name")
    assessments = {
        a.unit_id: a
        for a in Assessment.objects.filter(period=period).annotate(
            n_required=Count("entries", filter=Q(entries__node__method=Method.APPRAISAL)),
            n_entered=Count(
                "entries", filter=Q(entries__node__method=Method.APPRAISAL) & ~Q(entries__self_value="")
            ),
        )
    }
    rows = []
    for membership in memberships:
        assessment = assessments.get(membership.unit_id)
        row = UnitRow(unit=membership.unit, assessment=assessment)
        if assessment is not None:
            assessment.period, assessment.unit = period, membership.unit
            row.required, row.entered = assessment.n_required, assessment.n_entered
        try:
            unit_page_check(user, period=period, unit=membership.unit, assessment=assessment)
        except PermissionDenied as refusal:
            row.refusal = str(refusal)
        except Http404:
            continue  # a unit the person may not know of in this period
        rows.append(row)
    return rows


def evidence_library(assessment: Assessment) -> list[tuple[Evidence, list[EvidenceLink]]]:
    """The unit's evidence with the items (of this assessment) that use each piece (three queries)."""
    links = EvidenceLink.objects.filter(removed_at__isnull=True, entry__assessment=assessment).select_related(
        "entry__node"
    )
    evidence = (
        Evidence.objects.filter(unit=assessment.unit)
        .select_related("file")
        .prefetch_related(Prefetch("links", queryset=links, to_attr="live_links"))
        .prefetch_related("versions")
        .order_by("-created_at", "-pk")
    )
    return [(e, list(e.live_links)) for e in evidence]


def evidence_choices(assessment: Assessment, entry: ItemEntry) -> list[Evidence]:
    """Library evidence of the unit not yet attached to ``entry``."""
    attached = EvidenceLink.objects.filter(entry=entry, removed_at__isnull=True, layer=Layer.SELF).values(
        "evidence_id"
    )
    return list(Evidence.objects.filter(unit=assessment.unit).exclude(pk__in=attached).order_by("title"))


def entry_live_links(entry: ItemEntry) -> list[EvidenceLink]:
    return list(
        EvidenceLink.objects.filter(entry=entry, removed_at__isnull=True, layer=Layer.SELF).select_related(
            "evidence", "evidence__file"
        )
    )


# Who sees which council member or chair moved a self-assessment (SPEC §6a: the council's own people; the unit's
# side, a council member of the unit and observers read «Hội đồng thẩm định»). Registered by the council at
# start-up (``CouncilConfig.ready``); with no rule registered nobody inside is known and every name is hidden.
COUNCIL_INSIDE_RULES: list[Callable[[Any, Assessment], bool]] = []
COUNCIL_NAME = "Hội đồng thẩm định"
# States the council moves an assessment into: their rows name the council, not the person, outside it.
COUNCIL_MOVES = frozenset({AssessmentState.APPRAISED, AssessmentState.REAPPRAISED, AssessmentState.FINALISED})


def assessment_events(assessment: Assessment, user: Any) -> list[Any]:
    """The assessment's state changes, newest first, each with ``by_label``: the person's name, or «Hội đồng
    thẩm định» for the council's moves when ``user`` is outside the council."""
    events = list(assessment.events.select_related("by").order_by("-at", "-pk"))
    inside = any(rule(user, assessment) for rule in COUNCIL_INSIDE_RULES)
    for event in events:
        if not inside and event.to_state in COUNCIL_MOVES:
            event.by_label = COUNCIL_NAME
        else:
            event.by_label = (event.by.get_full_name() or event.by.username) if event.by else "–"
    return events
