"""Rules (Cách chấm): how the fact a unit enters turns into points (SPEC §4).

A rule is written as one text cell in the index-set workbook, e.g. ``levels: Tốt=1; Đạt=0.5; Chưa đạt=0``.
The unit enters the *fact* (Có/Không, a level label, a percentage, a count…) and the rule derives the points,
so a score can never exceed what the fact allows. Rule-derived points keep 4 decimal places, half up.

- ``boolean``: Có / Không → max or 0;
- ``levels: Tốt=1; Đạt=0.5; Chưa đạt=0``: one of the labels → that label's points;
- ``tiers: >=100%=1; >=80%=0.5; else=0``: a percentage or n/d → the first tier that matches (else 0);
- ``proportional`` / ``proportional: min=50%``: a percentage or n/d → max × ratio (≤ 1; 0 below min);
- ``manual`` / ``manual: step=0.25``: points → the number, 0..max, a multiple of step;
- ``penalty: per=0.5``: a count of events → count × per, capped at max (a deduction);
- ``survey``: a percentage, or answer counts A/B/C/D weighed 100/60/20/0 % → max × ratio.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import NamedTuple

from .errors import EngineError, InputError, RuleError
from .rounding import ENGINE_CONTEXT, parse_decimal, plain, q4

__all__ = [
    "DEFAULT_SURVEY_WEIGHTS",
    "KINDS",
    "METHODS",
    "PointsMemo",
    "Rule",
    "SurveyWeightsKey",
    "TenThousandthsMemo",
    "Tier",
    "parse_rule",
    "survey_weights_key",
    "validate_rule_text",
]

KINDS = ("boolean", "levels", "tiers", "proportional", "manual", "penalty", "survey")
METHODS = ("appraisal", "survey", "bonus", "penalty")
SURVEY_ANSWERS = ("A", "B", "C", "D")

# Share (in %) of an answer A/B/C/D in the satisfaction score, unless the period sets others.
DEFAULT_SURVEY_WEIGHTS: Mapping[str, Decimal] = {
    "A": Decimal(100),
    "B": Decimal(60),
    "C": Decimal(20),
    "D": Decimal(0),
}

SurveyWeightsKey = tuple[Decimal, Decimal, Decimal, Decimal]

_ZERO = Decimal(0)
_NO_POINTS = Decimal("0.0000")
_HUNDRED = Decimal(100)
_ONE = Decimal(1)
_MEMO_LIMIT = 20_000
_NOTHING_ENTERED: dict[str | None, Decimal] = {None: _NO_POINTS, "": _NO_POINTS}

_YES = "Có"
_NO = "Không"
_BOOLEAN_WORDS = {
    "có": True,
    "co": True,
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "không": False,
    "khong": False,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
}

_TIER = re.compile(r"(>=|≥|>)\s*([0-9][0-9.,]*)\s*(%?)\s*=\s*(.+)")
_ELSE = re.compile(r"else\s*=\s*(.+)", re.IGNORECASE)
_MAX = re.compile(r"max\s*=\s*([0-9][0-9.,]*)\s*%?", re.IGNORECASE)
_PARAM = re.compile(r"([a-z_]+)\s*=\s*(.+)", re.IGNORECASE)
_COUNT = re.compile(r"([A-Za-z])\s*=\s*(.*)")
_CANONICAL_COUNTS = re.compile(r"A=([0-9]{1,9});B=([0-9]{1,9});C=([0-9]{1,9});D=([0-9]{1,9})")

_RATIO_HELP = "tỷ lệ phần trăm (ví dụ 85%) hoặc phân số (ví dụ 17/20)"
_SURVEY_HELP = (
    "Kết quả điều tra phải là tỷ lệ phần trăm (ví dụ 85%) "
    "hoặc số phiếu theo phương án (ví dụ A=10;B=5;C=1;D=0)."
)


class Tier(NamedTuple):
    """One tier of a ``tiers`` rule: a percentage at ``op threshold`` earns ``points``."""

    op: str  # '>=' or '>'
    threshold: Decimal  # in percent
    points: Decimal

    def matches(self, percent: Decimal) -> bool:
        return percent >= self.threshold if self.op == ">=" else percent > self.threshold


def _clean(text: str) -> str:
    """NFC, no-break spaces as spaces, runs of whitespace collapsed, ends stripped."""
    return " ".join(unicodedata.normalize("NFC", text).replace("\u00a0", " ").split())


def _label_key(text: str) -> str:
    """How level labels are compared: NFC, case-folded, whitespace collapsed."""
    return unicodedata.normalize("NFC", _clean(text).casefold())


def _places(x: Decimal) -> int:
    """How many decimal places ``x`` needs ('1.2300' needs 2); safe for numbers of any size."""
    exponent = x.normalize(ENGINE_CONTEXT).as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _vn(x: Decimal) -> str:
    """A number for a message: decimal comma, no trailing zeros."""
    return plain(x).replace(".", ",")


def survey_weights_key(weights: Mapping[str, Decimal] | None) -> SurveyWeightsKey:
    """The weights of answers A, B, C, D in % (defaults for any not given), checked to lie in 0..100."""
    merged = dict(DEFAULT_SURVEY_WEIGHTS)
    for answer, weight in (weights or {}).items():
        key = answer.strip().upper()
        if key not in SURVEY_ANSWERS:
            raise EngineError(f"Phương án «{answer}» không có; chỉ có A, B, C, D.")
        if not _ZERO <= weight <= _HUNDRED:
            raise EngineError(f"Trọng số phương án {key} phải nằm trong khoảng 0–100%.")
        merged[key] = weight
    return (merged["A"], merged["B"], merged["C"], merged["D"])


_DEFAULT_WEIGHTS_KEY = survey_weights_key(None)


@dataclass(frozen=True, slots=True)
class Rule:
    """A parsed rule. Build it with :func:`parse_rule`; ``text`` is the canonical rule text.

    ``choices`` lists what a unit may pick (Có/Không, or the level labels in order); ``min_ratio`` is a ratio
    (``min=50%`` → 0.5); tier thresholds are in percent.
    """

    kind: str
    text: str
    max_points: Decimal
    method: str
    choices: tuple[str, ...] = ()
    levels: tuple[tuple[str, Decimal], ...] = ()
    tiers: tuple[Tier, ...] = ()
    else_points: Decimal = _NO_POINTS
    step: Decimal | None = None
    per: Decimal | None = None
    min_ratio: Decimal | None = None
    # The highest rate (in %) a unit may enter on a tiers/proportional item: 100 unless the rule says
    # ``max=120%`` (a plan over-fulfilled can be a fact; a rate over 100 % is otherwise a typing error).
    max_percent: Decimal = _HUNDRED
    # Evaluation memos (raw input → points), one per survey weighting; every other kind has one, under None.
    _memos: dict[SurveyWeightsKey | None, PointsMemo] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )
    _level_index: dict[str, tuple[str, Decimal]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )
    # Canonical text of each distinct raw input (results show it for every item of every unit).
    _canonical: dict[str, str] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        for label, points in self.levels:
            self._level_index[_label_key(label)] = (label, points)

    # -- public --------------------------------------------------------------------------------------

    @property
    def input_hint(self) -> str:
        """What the unit is expected to enter, in Vietnamese, for forms and templates."""
        if self.kind == "boolean":
            return "Có hoặc Không"
        if self.kind == "levels":
            return "Một trong các mức: " + ", ".join(self.choices)
        if self.kind in ("tiers", "proportional"):
            return _RATIO_HELP[0].upper() + _RATIO_HELP[1:]
        if self.kind == "manual":
            hint = f"Số điểm từ 0 đến {_vn(self.max_points)}"
            return hint + (f", là bội số của {_vn(self.step)}" if self.step is not None else "")
        if self.kind == "penalty":
            return "Số lần vi phạm (số nguyên không âm)"
        return "Tỷ lệ hài lòng (ví dụ 85%) hoặc số phiếu A/B/C/D (ví dụ A=10;B=5;C=1;D=0)"

    @property
    def sentence(self) -> str:
        """The rule as a Vietnamese sentence for people (never the rule text): «Từ 100% trở lên: 1,5 điểm; từ
        80%: 0,75 điểm; còn lại: 0 điểm»."""
        if self.kind == "boolean":
            text = f"Có: {_vn(self.max_points)} điểm; Không: 0 điểm"
        elif self.kind == "levels":
            text = "; ".join(f"{label}: {_vn(points)} điểm" for label, points in self.levels)
        elif self.kind == "tiers":
            parts = []
            for i, tier in enumerate(self.tiers):
                if tier.op == ">=":
                    head = f"từ {_vn(tier.threshold)}%" + (" trở lên" if i == 0 else "")
                else:
                    head = f"trên {_vn(tier.threshold)}%"
                parts.append(f"{head}: {_vn(tier.points)} điểm")
            parts.append(f"còn lại: {_vn(self.else_points)} điểm")
            text = "; ".join(parts)
        elif self.kind == "proportional":
            text = f"Điểm theo tỷ lệ đạt được: tỷ lệ × {_vn(self.max_points)} điểm"
            if self.min_ratio is not None:
                text += f"; dưới {_vn(self.min_ratio.scaleb(2))}%: 0 điểm"
        elif self.kind == "manual":
            text = f"Chấm trực tiếp từ 0 đến {_vn(self.max_points)} điểm"
            if self.step is not None:
                text += f", theo bước {_vn(self.step)} điểm"
        elif self.kind == "penalty":
            per = self.per if self.per is not None else _ONE
            text = f"Trừ {_vn(per)} điểm cho mỗi lần vi phạm, tối đa {_vn(self.max_points)} điểm"
        else:
            text = f"Theo kết quả điều tra xã hội học: tỷ lệ hài lòng × {_vn(self.max_points)} điểm"
        if self.kind in ("tiers", "proportional") and self.max_percent != _HUNDRED:
            text += f"; tỷ lệ được nhập đến {_vn(self.max_percent)}%"
        return text[:1].upper() + text[1:]

    def normalize_input(self, raw: str) -> str:
        """Check a raw input against the rule and return its canonical text (raises InputError)."""
        canonical = self._canonical.get(raw)
        if canonical is None:
            canonical = self._evaluate(raw, _DEFAULT_WEIGHTS_KEY)[0]
            if len(self._canonical) >= _MEMO_LIMIT:
                self._canonical.clear()
            self._canonical[raw] = canonical
        return canonical

    def check_entry(self, raw: str) -> str:
        """What a person types now: the canonical text, refused (InputError) beyond what
        :meth:`normalize_input` refuses when a rate (tiers, proportional, a survey percentage) exceeds the rule's
        maximum (100 % unless ``max=``) or is a bare number in (0, 1] («0,98»: 0,98 % or 98 %?)."""
        canonical = self.normalize_input(raw)
        if self.kind in ("tiers", "proportional") or (self.kind == "survey" and "=" not in canonical):
            text = _clean(raw)
            percent = _percent(text)[1]
            _within_max(self, canonical, percent)
            if not text.endswith("%") and "/" not in text and 0 < percent <= 1:
                # Most likely a fraction (a General-format Excel cell holding 0.98 for 98 %): refused, never
                # reinterpreted, so that the person writes which one was meant.
                raise InputError(
                    f"{_vn(percent)} có phải là {_vn(percent * 100)}%? Hãy ghi rõ dạng phần trăm: "
                    f"{_vn(percent * 100)}% hoặc {_vn(percent)}%."
                )
        return canonical

    def points(self, raw: str, survey_weights: Mapping[str, Decimal] | None = None) -> Decimal:
        """Points (4 decimal places) earned by a raw or canonical input (raises InputError)."""
        if not raw.strip():
            raise InputError("Chưa nhập giá trị.")
        return self.memo(survey_weights_key(survey_weights) if self.kind == "survey" else None)[raw]

    def memo(self, weights: SurveyWeightsKey | None) -> PointsMemo:
        """The memo of this rule under a survey weighting (ignored by other kinds). Engine use."""
        key = (weights or _DEFAULT_WEIGHTS_KEY) if self.kind == "survey" else None
        memo = self._memos.get(key)
        if memo is None:
            memo = self._memos.setdefault(key, PointsMemo(self, key or _DEFAULT_WEIGHTS_KEY))
        return memo

    def _evaluate(self, raw: str, weights: SurveyWeightsKey) -> tuple[str, Decimal]:
        text = _clean(raw)
        if not text:
            raise InputError("Chưa nhập giá trị.")
        with localcontext(ENGINE_CONTEXT):  # whatever context the caller set
            return _EVALUATORS[self.kind](self, text, weights)


class PointsMemo(dict[str | None, Decimal]):
    """Points of each distinct input of one rule, evaluated on first lookup.

    Values repeat a lot across thousands of units (Có, Đạt, 100%…), so each distinct input is parsed once;
    ``memo[raw]`` is then a plain dict lookup. A missing or blank input (None, '') is worth 0 points: the item
    has no value in that layer. An invalid input raises InputError from the lookup.
    """

    __slots__ = ("_rule", "_tenths", "_weights")

    def __init__(self, rule: Rule, weights: SurveyWeightsKey) -> None:
        super().__init__(_NOTHING_ENTERED)
        self._rule = rule
        self._weights = weights
        self._tenths: TenThousandthsMemo | None = None

    def ten_thousandths(self) -> TenThousandthsMemo:
        """The same points as exact ints of ten-thousandths of a point, for the engine's sums. Engine use."""
        if self._tenths is None:
            self._tenths = TenThousandthsMemo(self)
        return self._tenths

    def __missing__(self, raw: str | None) -> Decimal:
        if raw is None or not raw.strip():
            return _NO_POINTS
        rule = self._rule
        canonical, points = rule._evaluate(raw, self._weights)
        # The canonical text does not depend on the weighting: keep it, results show it for every item.
        if raw not in rule._canonical:
            if len(rule._canonical) >= _MEMO_LIMIT:
                rule._canonical.clear()
            rule._canonical[raw] = canonical
        if len(self) >= _MEMO_LIMIT:  # bounds memory when inputs hardly repeat (survey figures)
            self.clear()
            self.update(_NOTHING_ENTERED)
        self[raw] = points
        return points


class TenThousandthsMemo(dict[str | None, int]):
    """A rule's points per distinct input as an int of ten-thousandths of a point (1.2345 → 12345).

    Every point value is rounded to 4 places (``q4``), so the int is exact, and a sum of them is the exact sum
    of the Decimals: the engine adds a unit's hundred items as ints, several times cheaper than Decimals, and
    turns each total back into a 4-place Decimal once. Lookups raise as :class:`PointsMemo` does.
    """

    __slots__ = ("_points",)

    def __init__(self, points: PointsMemo) -> None:
        super().__init__(_NOTHING_ENTERED_UNITS)
        self._points = points

    def __missing__(self, raw: str | None) -> int:
        value = self._points[raw]
        scaled = value.scaleb(4, ENGINE_CONTEXT)
        units = int(scaled)
        if units != scaled:  # pragma: no cover - every evaluator rounds to 4 places
            raise ValueError(f"{value} has more than 4 decimal places")
        if len(self) >= _MEMO_LIMIT:
            self.clear()
            self.update(_NOTHING_ENTERED_UNITS)
        self[raw] = units
        return units


_NOTHING_ENTERED_UNITS: dict[str | None, int] = {None: 0, "": 0}


# -- inputs --------------------------------------------------------------------------------------------


def _non_negative(text: str, garbage_message: str) -> Decimal:
    try:
        value = parse_decimal(text)
    except InputError:
        raise InputError(garbage_message)
    if value < 0:
        raise InputError("Giá trị âm không hợp lệ.")
    return value.copy_abs()  # turns -0 into 0, without rounding


def _count(text: str, garbage_message: str) -> int:
    value = _non_negative(text, garbage_message)
    if value != value.to_integral_value():
        raise InputError(garbage_message)
    return int(value)


def _percent(text: str, garbage: str | None = None) -> tuple[str, Decimal]:
    """'85', '85%', '85,5 %' (a bare number is a percentage) or 'n/d' → (canonical, percent)."""
    garbage = garbage or f"«{text}» không phải là {_RATIO_HELP}."
    if "/" in text:
        numerator_text, _, denominator_text = text.partition("/")
        if "/" in denominator_text:
            raise InputError(garbage)
        numerator = _non_negative(numerator_text, garbage)
        denominator = _non_negative(denominator_text, garbage)
        if denominator.is_zero():
            raise InputError("Mẫu số bằng 0: không chia được.")
        percent = ENGINE_CONTEXT.divide(numerator.scaleb(2, ENGINE_CONTEXT), denominator)
        return f"{plain(numerator)}/{plain(denominator)}", percent
    number = text[:-1] if text.endswith("%") else text
    percent = _non_negative(number, garbage)
    return f"{plain(percent)}%", percent


def _eval_boolean(rule: Rule, text: str, weights: SurveyWeightsKey) -> tuple[str, Decimal]:
    answer = _BOOLEAN_WORDS.get(_label_key(text))
    if answer is None:
        raise InputError(f"«{text}» không phải là Có hoặc Không.")
    return (_YES, q4(rule.max_points)) if answer else (_NO, _NO_POINTS)


def _eval_levels(rule: Rule, text: str, weights: SurveyWeightsKey) -> tuple[str, Decimal]:
    found = rule._level_index.get(_label_key(text))
    if found is None:
        raise InputError(f"«{text}» không có trong danh sách mức: {', '.join(rule.choices)}.")
    return found


def _within_max(rule: Rule, canonical: str, percent: Decimal) -> None:
    """A rate above the rule's maximum (100 % unless the rule sets ``max=``) is refused when it is entered, not
    capped: 120 % of procedures handled on time is a typing error, and capping it would hide it. Computing
    stored inputs (``points``) still caps, so an earlier year's results can always be recomputed."""
    if percent > rule.max_percent:
        raise InputError(
            f"Tỷ lệ {canonical.replace('.', ',')} vượt quá {_vn(rule.max_percent)}%: hãy kiểm tra lại số liệu."
        )


def _eval_tiers(rule: Rule, text: str, weights: SurveyWeightsKey) -> tuple[str, Decimal]:
    canonical, percent = _percent(text)
    for tier in rule.tiers:
        if tier.matches(percent):
            return canonical, tier.points
    return canonical, rule.else_points


def _eval_proportional(rule: Rule, text: str, weights: SurveyWeightsKey) -> tuple[str, Decimal]:
    canonical, percent = _percent(text)
    ratio = percent.scaleb(-2, ENGINE_CONTEXT)  # exact: a percentage over 100
    if rule.min_ratio is not None and ratio < rule.min_ratio:
        return canonical, _NO_POINTS
    return canonical, q4(ENGINE_CONTEXT.multiply(rule.max_points, min(ratio, _ONE)))


def _eval_manual(rule: Rule, text: str, weights: SurveyWeightsKey) -> tuple[str, Decimal]:
    value = _non_negative(text, f"«{text}» không phải là số điểm.")
    if value > rule.max_points:
        raise InputError(f"Điểm {_vn(value)} vượt quá điểm tối đa {_vn(rule.max_points)}.")
    if _places(value) > 4:
        raise InputError("Điểm chỉ được có tối đa 4 chữ số thập phân.")
    if rule.step is not None and not ENGINE_CONTEXT.remainder(value, rule.step).is_zero():
        raise InputError(f"Điểm phải là bội số của {_vn(rule.step)}.")
    return plain(value), q4(value)


def _eval_penalty(rule: Rule, text: str, weights: SurveyWeightsKey) -> tuple[str, Decimal]:
    count = _count(text, f"Số lần «{text}» phải là số nguyên không âm.")
    per = rule.per if rule.per is not None else _ONE
    deduction = min(ENGINE_CONTEXT.multiply(Decimal(count), per), rule.max_points)
    return str(count), q4(deduction)


def _survey_counts(text: str) -> tuple[int, ...]:
    """'A=10;B=5;C=1;D=0' (any subset, any order, ';' or ',' between, any case) → counts of A, B, C, D."""
    canonical = _CANONICAL_COUNTS.fullmatch(text)
    if canonical is not None:  # the form the web app stores: no need for the tolerant reading below
        return tuple(int(count) for count in canonical.groups())
    counts: dict[str, int] = {}
    for part in re.split(r"[;,]", text):
        part = part.strip()
        if not part:
            continue
        match = _COUNT.fullmatch(part)
        if match is None:
            raise InputError(_SURVEY_HELP)
        answer = match.group(1).upper()
        if answer not in SURVEY_ANSWERS:
            raise InputError(f"Phương án «{match.group(1)}» không có; chỉ có A, B, C, D.")
        if answer in counts:
            raise InputError(f"Phương án «{answer}» bị lặp lại.")
        counts[answer] = _count(match.group(2), f"Số phiếu «{match.group(2).strip()}» phải là số nguyên.")
    return tuple(counts.get(answer, 0) for answer in SURVEY_ANSWERS)


def _eval_survey(rule: Rule, text: str, weights: SurveyWeightsKey) -> tuple[str, Decimal]:
    if "=" not in text:
        canonical, percent = _percent(text, _SURVEY_HELP)
    else:
        counts = _survey_counts(text)
        if sum(counts) == 0:
            raise InputError("Tổng số phiếu bằng 0: không tính được.")
        weighted = sum((weight * count for weight, count in zip(weights, counts, strict=True)), _ZERO)
        percent = ENGINE_CONTEXT.divide(weighted, Decimal(sum(counts)))
        canonical = ";".join(
            f"{answer}={count}" for answer, count in zip(SURVEY_ANSWERS, counts, strict=True)
        )
    ratio = min(percent, _HUNDRED).scaleb(-2, ENGINE_CONTEXT)
    return canonical, q4(ENGINE_CONTEXT.multiply(rule.max_points, ratio))


_EVALUATORS: dict[str, Callable[[Rule, str, SurveyWeightsKey], tuple[str, Decimal]]] = {
    "boolean": _eval_boolean,
    "levels": _eval_levels,
    "tiers": _eval_tiers,
    "proportional": _eval_proportional,
    "manual": _eval_manual,
    "penalty": _eval_penalty,
    "survey": _eval_survey,
}


# -- rule texts ----------------------------------------------------------------------------------------


def _rule_number(text: str, what: str) -> Decimal:
    try:
        return parse_decimal(text)
    except InputError:
        raise RuleError(f"{what}: «{text.strip()}» không phải là số.")


def _rule_points(text: str, max_points: Decimal, what: str) -> Decimal:
    """Points written in a rule: a number in 0..max with at most 4 decimal places."""
    value = _rule_number(text, what)
    if value < 0:
        raise RuleError(f"{what}: giá trị âm không hợp lệ.")
    if value > max_points:
        raise RuleError(f"{what}: {_vn(value)} điểm vượt quá điểm tối đa {_vn(max_points)}.")
    if _places(value) > 4:
        raise RuleError(f"{what}: điểm chỉ được có tối đa 4 chữ số thập phân.")
    return q4(value.copy_abs())


def _params(kind: str, args: str, allowed: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for part in args.split(";"):
        part = part.strip()
        if not part:
            continue
        match = _PARAM.fullmatch(part)
        if match is None:
            raise RuleError(f"Tham số «{part}» không đúng dạng «tên=giá trị».")
        name = match.group(1).casefold()
        if name not in allowed:
            raise RuleError(f"Tham số «{match.group(1)}» không dùng được với cách chấm {kind}.")
        if name in params:
            raise RuleError(f"Tham số «{name}» bị lặp lại.")
        params[name] = match.group(2).strip()
    return params


def _parse_levels(args: str, max_points: Decimal, method: str) -> Rule:
    levels: list[tuple[str, Decimal]] = []
    seen: set[str] = set()
    for part in args.split(";"):
        part = part.strip()
        if not part:
            continue
        label, sep, points_text = part.rpartition("=")
        label = _clean(label)
        if not sep or not points_text.strip():
            raise RuleError(f"Mức «{part}» không đúng dạng «Tên mức=điểm».")
        if not label:
            raise RuleError(f"Mức «{part}» thiếu tên.")
        key = _label_key(label)
        if key in seen:
            raise RuleError(f"Mức «{label}» bị lặp lại.")
        seen.add(key)
        levels.append((label, _rule_points(points_text, max_points, f"Mức «{label}»")))
    if not levels:
        raise RuleError("Cách chấm levels cần ít nhất một mức, ví dụ «levels: Tốt=1; Đạt=0.5; Chưa đạt=0».")
    text = "levels: " + "; ".join(f"{label}={plain(points)}" for label, points in levels)
    return Rule(
        kind="levels",
        text=text,
        max_points=max_points,
        method=method,
        choices=tuple(label for label, _ in levels),
        levels=tuple(levels),
    )


def _tier_text(tier: Tier) -> str:
    return f"{tier.op}{plain(tier.threshold)}%"


def _parse_tiers(args: str, max_points: Decimal, method: str) -> Rule:
    tiers: list[Tier] = []
    else_points: Decimal | None = None
    max_percent = _HUNDRED
    for part in args.split(";"):
        part = part.strip()
        if not part:
            continue
        max_match = _MAX.fullmatch(part)
        if max_match is not None:
            max_percent = _max_percent(max_match.group(1))
            continue
        if else_points is not None:
            raise RuleError("«else» phải là bậc cuối cùng.")
        else_match = _ELSE.fullmatch(part)
        if else_match is not None:
            else_points = _rule_points(else_match.group(1), max_points, "Bậc «else»")
            continue
        match = _TIER.fullmatch(part)
        if match is None:
            raise RuleError(f"Bậc «{part}» không đúng dạng «>=80%=0.5» hoặc «else=0».")
        op = ">=" if match.group(1) in (">=", "≥") else ">"
        threshold = _rule_number(match.group(2), f"Bậc «{part}»")
        tier = Tier(op, threshold, _rule_points(match.group(4), max_points, f"Bậc «{part}»"))
        for earlier in tiers:
            # The first matching tier wins, so a tier whose every percentage an earlier one already takes
            # can never apply: almost certainly tiers written in the wrong order.
            if earlier.threshold < threshold or (
                earlier.threshold == threshold and (earlier.op == ">=" or op == ">")
            ):
                raise RuleError(
                    f"Bậc «{_tier_text(tier)}» không bao giờ được áp dụng vì bậc «{_tier_text(earlier)}» "
                    "đứng trước đã bao trùm; hãy viết các bậc từ cao xuống thấp."
                )
        tiers.append(tier)
    if not tiers:
        raise RuleError("Cách chấm tiers cần ít nhất một bậc, ví dụ «tiers: >=100%=1; >=80%=0.5; else=0».")
    final = else_points if else_points is not None else _NO_POINTS
    text = (
        "tiers: " + "; ".join(f"{_tier_text(t)}={plain(t.points)}" for t in tiers) + f"; else={plain(final)}"
    )
    if max_percent != _HUNDRED:
        text += f"; max={plain(max_percent)}%"
    return Rule(
        kind="tiers",
        text=text,
        max_points=max_points,
        method=method,
        tiers=tuple(tiers),
        else_points=final,
        max_percent=max_percent,
    )


def _max_percent(raw: str) -> Decimal:
    value = _rule_number(raw[:-1] if raw.endswith("%") else raw, "Tham số max")
    if value < _HUNDRED:
        raise RuleError("Tham số max (tỷ lệ cao nhất được nhập) phải từ 100% trở lên.")
    return value


def _parse_proportional(args: str, max_points: Decimal, method: str) -> Rule:
    params = _params("proportional", args, ("min", "max"))
    max_percent = _max_percent(params["max"]) if "max" in params else _HUNDRED
    parts = []
    min_ratio = None
    if "min" in params:
        raw = params["min"]
        minimum = _rule_number(raw[:-1] if raw.endswith("%") else raw, "Tham số min")
        if not _ZERO <= minimum <= _HUNDRED:
            raise RuleError("Tham số min phải nằm trong khoảng 0–100%.")
        parts.append(f"min={plain(minimum)}%")
        min_ratio = minimum.scaleb(-2, ENGINE_CONTEXT)
    if max_percent != _HUNDRED:
        parts.append(f"max={plain(max_percent)}%")
    return Rule(
        kind="proportional",
        text="proportional: " + "; ".join(parts) if parts else "proportional",
        max_points=max_points,
        method=method,
        min_ratio=min_ratio,
        max_percent=max_percent,
    )


def _parse_manual(args: str, max_points: Decimal, method: str) -> Rule:
    params = _params("manual", args, ("step",))
    if "step" not in params:
        return Rule(kind="manual", text="manual", max_points=max_points, method=method)
    step = _rule_number(params["step"], "Bước điểm (step)")
    if step <= 0:
        raise RuleError("Bước điểm (step) phải lớn hơn 0.")
    if _places(step) > 4:
        raise RuleError("Bước điểm (step) chỉ được có tối đa 4 chữ số thập phân.")
    if not ENGINE_CONTEXT.remainder(max_points, step).is_zero():
        raise RuleError(f"Điểm tối đa {_vn(max_points)} không phải là bội số của bước {_vn(step)}.")
    return Rule(
        kind="manual", text=f"manual: step={plain(step)}", max_points=max_points, method=method, step=step
    )


def _parse_penalty(args: str, max_points: Decimal, method: str) -> Rule:
    params = _params("penalty", args, ("per",))
    if "per" not in params:
        raise RuleError("Cách chấm penalty cần mức trừ mỗi lần, ví dụ «penalty: per=0.5».")
    per = _rule_number(params["per"], "Mức trừ mỗi lần (per)")
    if per <= 0:
        raise RuleError("Mức trừ mỗi lần (per) phải lớn hơn 0.")
    if _places(per) > 4:
        raise RuleError("Mức trừ mỗi lần (per) chỉ được có tối đa 4 chữ số thập phân.")
    return Rule(
        kind="penalty", text=f"penalty: per={plain(per)}", max_points=max_points, method=method, per=per
    )


def _parse_plain(kind: str, args: str, max_points: Decimal, method: str) -> Rule:
    if args.strip():
        raise RuleError(f"Cách chấm {kind} không có tham số.")
    choices = (_YES, _NO) if kind == "boolean" else ()
    return Rule(kind=kind, text=kind, max_points=max_points, method=method, choices=choices)


_METHOD_KINDS = {
    "appraisal": ("boolean", "levels", "tiers", "proportional", "manual"),
    "bonus": ("boolean", "levels", "tiers", "proportional", "manual"),
    "penalty": ("penalty", "manual", "boolean"),
    "survey": ("survey",),
}


def parse_rule(text: str, max_points: Decimal, method: str) -> Rule:
    """Parse a rule text for a leaf of ``method`` worth ``max_points``; raise RuleError if it does not fit.

    Keywords are case-insensitive, spaces are tolerated and numbers may use a decimal comma. Every point value
    a rule can award lies within 0..max, so no input can earn more than the item is worth.

    Equal (text, max, method) give the same Rule object: rules are immutable, and sharing them keeps their
    memos warm from one computation of the period to the next in a long-running process.
    """
    return _parse_rule_interned(text, str(max_points), method)


@functools.lru_cache(maxsize=4096)
def _parse_rule_interned(text: str, max_text: str, method: str) -> Rule:
    max_points = Decimal(max_text)
    if method not in METHODS:
        raise RuleError(f"Phương pháp «{method}» không hợp lệ; chọn appraisal, survey, bonus hoặc penalty.")
    if not max_points > 0:
        raise RuleError("Điểm tối đa của tiêu chí được chấm phải lớn hơn 0.")
    cleaned = _clean(text)
    if not cleaned:
        raise RuleError("Chưa nhập cách chấm.")
    head, _, args = cleaned.partition(":")
    kind = head.strip().casefold()
    if kind not in KINDS:
        raise RuleError(f"Cách chấm «{head.strip()}» không hợp lệ; dùng một trong: {', '.join(KINDS)}.")
    if kind not in _METHOD_KINDS[method]:
        if method == "survey":
            raise RuleError("Tiêu chí điều tra XHH phải dùng cách chấm survey.")
        if kind == "survey":
            raise RuleError("Cách chấm survey chỉ dùng cho tiêu chí điều tra XHH.")
        if method == "penalty":
            raise RuleError("Điểm trừ chỉ dùng cách chấm penalty, manual hoặc boolean.")
        raise RuleError("Cách chấm penalty chỉ dùng cho điểm trừ.")
    if kind == "levels":
        return _parse_levels(args, max_points, method)
    if kind == "tiers":
        return _parse_tiers(args, max_points, method)
    if kind == "proportional":
        return _parse_proportional(args, max_points, method)
    if kind == "manual":
        return _parse_manual(args, max_points, method)
    if kind == "penalty":
        return _parse_penalty(args, max_points, method)
    return _parse_plain(kind, args, max_points, method)


def validate_rule_text(text: str, max_points: Decimal, method: str) -> str | None:
    """The Vietnamese error for a rule text, or None when it parses and fits its item."""
    try:
        parse_rule(text, max_points, method)
    except RuleError as error:
        return error.message
    return None
