"""Read side of the one-page appraisal of a unit (the appraisal sheet): every item of one unit the person
scores in round 1 (or resolves in round 2), grouped by field, with the unit's input, note and evidence, the
running total and the list of lowered items.

Items come from :func:`selectors.entries_for_appraiser` with ``write=True``, so assignments and conflicts of
interest decide here exactly as on every other council route. A constant number of queries whatever the
number of items (entries, evidence links, field titles).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from appraisal import engine
from appraisal.assessments.models import ROUND1_STATES, Assessment, AssessmentState, ItemEntry, Layer
from appraisal.assessments.selectors import rule_for
from appraisal.engine.rules import Rule
from appraisal.registry.selectors import ADJUSTMENTS

from . import access as policy
from . import adjustments as adj
from . import queues
from . import selectors as sel

S = AssessmentState
ZERO = Decimal(0)


@dataclass
class SheetRow:
    entry: ItemEntry
    rule: Rule | None
    links: list[Any]
    explanation_links: list[Any]

    @property
    def kind(self) -> str:
        return self.rule.kind if self.rule is not None else ""

    @property
    def node(self) -> Any:
        return self.entry.node

    @property
    def done1(self) -> bool:
        return bool(self.entry.round1_value)

    @property
    def done2(self) -> bool:
        return bool(self.entry.round2_value)

    @property
    def lowered(self) -> bool:
        return sel.entry_is_lowered(self.entry)


@dataclass
class SheetField:
    code: str
    title: str
    rows: list[SheetRow] = field(default_factory=list)
    # In an adjustment content ('9'): its groups ('9.1' capped 3, '9.2' capped 5), so that the engine applies
    # the caps to every running total.
    groups: adj.GroupInputs = field(default_factory=adj.GroupInputs)

    def adjustment(self, layer: str, *, done_only: bool = False) -> engine.AdjustmentTotals:
        """Bonus and penalty of the field's rows in ``layer`` ('self' or 'round1') after the groups' caps."""
        entries = [r.entry for r in self.rows if r.done1 or not done_only]
        return self.groups.totals(entries, adj.self_points if layer == "self" else adj.round1_points)

    def _points(self, layer: str, *, done_only: bool) -> Decimal:
        attr = "self_points" if layer == "self" else "round1_points"
        total = sum(
            (
                getattr(r.entry, attr) or ZERO
                for r in self.rows
                if r.node.method not in ADJUSTMENTS and (r.done1 or not done_only)
            ),
            start=ZERO,
        )
        adjustment = self.adjustment(layer, done_only=done_only)
        return total + adjustment.bonus - adjustment.penalty

    @property
    def self_points(self) -> Decimal:
        return self._points("self", done_only=False)

    @property
    def round1_points(self) -> Decimal:
        return self._points("round1", done_only=True)

    @property
    def self_points_of_done(self) -> Decimal:
        return self._points("self", done_only=True)

    @property
    def capped(self) -> list[tuple[str, engine.AdjustmentResult]]:
        """(layer label, group) for each group whose claimed points pass its cap, in self or round 1."""
        out = []
        for layer, label in (("self", "tự chấm"), ("round1", "thẩm định")):
            for g in self.adjustment(layer, done_only=layer == "round1").groups:
                if g.method is not None and g.claimed > g.points:
                    out.append((label, g))
        return out

    @property
    def done(self) -> int:
        return sum(1 for r in self.rows if r.done1)


@dataclass
class Sheet:
    assessment: Assessment
    round_no: int
    fields: list[SheetField]
    open: bool  # the round's phase is open and the unit is in the state that round works on

    @property
    def rows(self) -> list[SheetRow]:
        return [r for f in self.fields for r in f.rows]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def done(self) -> int:
        return sum(1 for r in self.rows if (r.done1 if self.round_no == 1 else r.done2))

    @property
    def left(self) -> int:
        return self.total - self.done

    @property
    def self_points(self) -> Decimal:
        return sum((f.self_points for f in self.fields), start=ZERO)

    @property
    def round1_points(self) -> Decimal:
        """The council's points on the items appraised so far (penalties deducted)."""
        return sum((f.round1_points for f in self.fields), start=ZERO)

    @property
    def self_points_of_done(self) -> Decimal:
        return sum((f.self_points_of_done for f in self.fields), start=ZERO)

    @property
    def lowered(self) -> list[SheetRow]:
        return [r for r in self.rows if r.lowered]

    @property
    def lost(self) -> Decimal:
        return sum((sel.points_lost(r.entry) for r in self.lowered), start=ZERO)

    @property
    def remaining_acceptable(self) -> list[SheetRow]:
        """Round 1 items not yet appraised that the unit scored: what «chấp nhận các mục còn lại» records."""
        return [r for r in self.rows if not r.done1 and r.entry.self_value]

    def row(self, entry_id: int) -> SheetRow | None:
        return next((r for r in self.rows if r.entry.pk == entry_id), None)

    def field_of(self, entry_id: int) -> SheetField | None:
        return next((f for f in self.fields if any(r.entry.pk == entry_id for r in f.rows)), None)


def sheet_entries_q(user: Any, period: Any, *, round_no: int) -> QuerySet[ItemEntry]:
    """The items of ``period`` the person scores on the one-page sheets: every appraised item of their fields
    (round 1), or the explained ones once the unit sent its explanation (round 2; and those already decided of a
    unit the chair reopened). Never their own unit's."""
    qs = policy.entries_for_appraiser(user, period, write=True).filter(node__method__in=sel.APPRAISED_METHODS)
    if round_no == 2:  # once the unit sent its explanation: a draft is the unit's own (SPEC §6a)
        qs = qs.filter(policy.explanation_sent_q()).filter(
            ~Q(explanation="") | (Q(assessment__state=S.REAPPRAISED) & ~Q(round2_value=""))
        )
    return qs


def sheet_entries(user: Any, assessment: Assessment, *, round_no: int) -> list[ItemEntry]:
    """The unit's items on the person's sheet of round ``round_no`` (:func:`sheet_entries_q`)."""
    qs = (
        sheet_entries_q(user, assessment.period, round_no=round_no)
        .filter(assessment=assessment)
        .select_related("round1_by", "round2_by")
    )
    return list(qs.order_by("node__position"))


def sheets_open_to(user: Any, period: Any, *, round_no: int) -> frozenset[int]:
    """The assessments whose sheet of round ``round_no`` opens for the person (the sheet's page refuses a unit
    in which they score nothing): a page links a sheet only when its id is here (one query)."""
    qs = sheet_entries_q(user, period, round_no=round_no).order_by().values_list("assessment_id", flat=True)
    return frozenset(qs.distinct())


def sheet_is_open(assessment: Assessment, round_no: int) -> bool:
    """Round 1 on a submitted (or «không nộp») unit, round 2 on an explained or reopened one, each on the
    unit's own clock (SPEC §3a)."""
    from .lifecycle import round1_refusal, round2_refusal

    if round_no == 1:
        return assessment.state in ROUND1_STATES and not round1_refusal(assessment)
    return assessment.state in sel.ROUND2_STATES and not round2_refusal(assessment)


def appraisal_sheet(user: Any, assessment: Assessment, *, round_no: int, totals_only: bool = False) -> Sheet:
    """The one-page appraisal of ``assessment`` for ``user`` in round ``round_no`` (1 or 2).

    ``totals_only``: what a save answers (item states, running totals, lowered items) without the fields'
    titles and the evidence, which a save does not show: two queries fewer per save (issue 14)."""
    entries = sheet_entries(user, assessment, round_no=round_no)
    for e in entries:
        e.assessment = assessment
    titles = sel.field_titles(entries) if entries and not totals_only else {}
    links = queues.evidence_links_of(entries) if not totals_only else {}
    groups = adj.group_inputs(entries)
    fields: dict[str, SheetField] = {}
    for e in entries:
        code = sel.field_code_of(e.node.code)
        f = fields.get(code)
        if f is None:
            f = fields[code] = SheetField(code=code, title=titles.get(code, ""), groups=groups)
        entry_links = links.get(e.pk, [])
        f.rows.append(
            SheetRow(
                entry=e,
                rule=rule_for(e.node.rule, e.node.max_points, e.node.method),
                links=[link for link in entry_links if link.layer == Layer.SELF],
                explanation_links=[link for link in entry_links if link.layer == Layer.EXPLANATION],
            )
        )
    return Sheet(
        assessment=assessment,
        round_no=round_no,
        fields=list(fields.values()),
        open=sheet_is_open(assessment, round_no),
    )
