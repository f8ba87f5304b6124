"""Demo self-assessments (called by seed_demo): the self-assessment stage of one year.

``seed_demo_assessments(period, plan)`` fills each unit's assessment with realistic inputs (derived from the year,
the unit and the item codes; points from the engine) and evidence files, then the unit heads submit through
:func:`services.assessment_submit` and the secretariat returns one through :func:`services.assessment_return`. The
default plan is the running year's: most units complete and submitted;

- ``skhcn``: a draft with its last few items still empty (the unit keeps working on an extension);
- ``huongson``: a complete draft not yet submitted (it submits late, on an extension);
- ``tphatinh``: a draft about half filled (closed later as «không nộp»); ``vuquang``: not started;
- ``sgtvt``: submitted, then returned by the secretariat with a reason.

Files are tiny valid PDFs and PNGs built in code. Idempotent: a unit that already has an assessment is left as
it is. Fast: the inputs are written in bulk with their history rows (source ``demo``), one pass.
"""

from __future__ import annotations

import hashlib
import struct
import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from appraisal.engine import Rule, parse_rule
from appraisal.engine.rounding import plain
from appraisal.registry.models import Method, Period, UnitMembership

from . import services
from .evidence import check_upload, stored_file_for
from .layers import applicable_leaves, entry_points_for
from .models import (
    Assessment,
    Evidence,
    EvidenceKind,
    EvidenceLink,
    ItemEntry,
    ItemHistory,
    Layer,
)

COMPLETE = "complete"  # every item filled, evidence or a note on every claimed point
ALMOST = "almost"  # complete but for the last few required (appraised) items
PARTIAL = "partial"  # about every other item filled
ALMOST_LEFT = 3  # items an ALMOST draft still lacks


@dataclass(frozen=True)
class SelfPlan:
    """Which units stay in draft (with how much filled), are not started, or are returned; every other unit of
    the period is filled completely and submitted by its head."""

    drafts: dict[str, str] = field(default_factory=dict)
    not_started: tuple[str, ...] = ()
    returned: dict[str, str] = field(default_factory=dict)


RUNNING_YEAR_PLAN = SelfPlan(
    drafts={"skhcn": ALMOST, "huongson": COMPLETE, "tphatinh": PARTIAL},
    not_started=("vuquang",),
    returned={
        "sgtvt": "Đề nghị bổ sung tài liệu kiểm chứng cho các tiêu chí về cải cách thủ tục hành chính."
    },
)
# Last year: every unit submitted complete.
ALL_SUBMITTED = SelfPlan()


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def demo_pdf(title: str) -> bytes:
    """A one-page PDF with a line of text, with a correct cross-reference table."""
    text = _ascii(title).replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 40 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def demo_png(seed: str, size: int = 24) -> bytes:
    """A small solid-colour PNG whose colour follows ``seed``."""
    r, g, b = hashlib.sha256(seed.encode()).digest()[:3]
    raw = b"".join(b"\x00" + bytes((r, g, b)) * size for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _pick(year: int, unit_code: str, item_code: str) -> int:
    """A stable roll in [0, 100) per year, unit and item: each year's facts differ, so do its results."""
    return (
        int.from_bytes(hashlib.sha256(f"{year}:{unit_code}:{item_code}".encode()).digest()[:4], "big") % 100
    )


def demo_input(rule: Rule, roll: int) -> str:
    """A plausible fact for a rule: mostly good results, some shortfalls."""
    if rule.kind == "boolean":
        if rule.method == Method.PENALTY:
            return "Có" if roll < 10 else "Không"
        return "Không" if roll < (60 if rule.method == Method.BONUS else 8) else "Có"
    if rule.kind == "levels":
        choices = rule.choices
        if rule.method == Method.BONUS:
            return choices[-1] if roll < 70 else choices[min(1, len(choices) - 1)]
        index = 0 if roll < 65 else 1 if roll < 92 else len(choices) - 1
        return choices[min(index, len(choices) - 1)]
    if rule.kind in ("tiers", "proportional"):
        if roll % 3 == 0:
            total = 20 + roll % 17
            return f"{total - roll % 4}/{total}"
        return f"{70 + roll % 31}%"
    if rule.kind == "manual":
        step = rule.step or Decimal("0.25")
        steps = int(rule.max_points / step)
        if rule.method == Method.PENALTY:
            return "0"
        return plain(step * max(0, steps - roll % 3))
    if rule.kind == "penalty":
        return "1" if roll < 15 else "0"
    return ""


def seed_demo_assessments(period: Period, plan: SelfPlan = RUNNING_YEAR_PLAN) -> None:
    """Fill and submit the period's self-assessments as ``plan`` says (see the module docstring)."""
    User = get_user_model()
    memberships = list(
        UnitMembership.objects.filter(period=period).select_related("unit").order_by("unit__code")
    )
    if not memberships:
        return
    users = {u.username: u for u in User.objects.filter(username__contains=".")}
    secretariat = User.objects.filter(username="secretariat").first()
    started = set(Assessment.objects.filter(period=period).values_list("unit_id", flat=True))
    history: list[ItemHistory] = []
    links: list[EvidenceLink] = []
    filled: list[tuple[Assessment, Any]] = []
    with transaction.atomic():
        for membership in memberships:
            unit = membership.unit
            editor = users.get(f"{unit.code}.editor")
            if unit.code in plan.not_started or unit.pk in started or editor is None:
                continue  # idempotent: a unit that has an assessment already is left as it is
            assessment = Assessment.objects.create(period=period, unit=unit)
            fill = plan.drafts.get(unit.code, COMPLETE)
            _fill(assessment, editor=editor, fill=fill, history=history, links=links)
            if unit.code not in plan.drafts:
                filled.append((assessment, users.get(f"{unit.code}.head")))
        ItemHistory.objects.bulk_create(history)
        EvidenceLink.objects.bulk_create(links)
        for assessment, head in filled:
            if head is None:
                continue
            assessment = services.assessment_submit(assessment=assessment, by=head)
            reason = plan.returned.get(assessment.unit.code)
            if reason and secretariat is not None:
                services.assessment_return(assessment=assessment, reason=reason, by=secretariat)


def _library(assessment: Assessment, editor: Any) -> list[Evidence]:
    unit = assessment.unit
    short = unit.short_name or unit.code.upper()
    files = [
        (
            f"Báo cáo kết quả CCHC năm {assessment.period.year} - {short}.pdf",
            demo_pdf(f"Bao cao CCHC {unit.code}"),
        ),
        (f"Kế hoạch CCHC năm {assessment.period.year} - {short}.pdf", demo_pdf(f"Ke hoach CCHC {unit.code}")),
        ("Ảnh hội nghị triển khai CCHC.png", demo_png(unit.code)),
    ]
    library = []
    for name, content in files:
        checked = check_upload(SimpleUploadedFile(name, content))
        library.append(
            Evidence(
                unit=unit,
                kind=EvidenceKind.FILE,
                title=checked.name.rsplit(".", 1)[0],
                file=stored_file_for(checked),
                original_name=checked.name,
                created_by=editor,
            )
        )
    library.append(
        Evidence(
            unit=unit,
            kind=EvidenceKind.DOCUMENT,
            title=f"Quyết định kiện toàn bộ phận CCHC - {short}",
            doc_number=f"{15 + len(unit.code)}/QĐ-{unit.code.upper()}",
            doc_date=date(assessment.period.year, 1, 10 + len(unit.code) % 15),
            doc_summary="Kiện toàn bộ phận tham mưu công tác cải cách hành chính của cơ quan, đơn vị",
            created_by=editor,
        )
    )
    return Evidence.objects.bulk_create(library)


def _fill(
    assessment: Assessment,
    *,
    editor: Any,
    fill: str,
    history: list[ItemHistory],
    links: list[EvidenceLink],
) -> None:
    """Create the assessment's entries already filled (one INSERT), queueing their history and links."""
    period, unit = assessment.period, assessment.unit
    _, leaves = applicable_leaves(period=period, unit=unit)
    library = _library(assessment, editor)
    required = [n for n in leaves if n.method == Method.APPRAISAL]
    left_empty = {n.pk for n in required[-ALMOST_LEFT:]} if fill == ALMOST else set()
    entries: list[ItemEntry] = []
    for position, node in enumerate(leaves):
        entry = ItemEntry(assessment=assessment, node=node)
        entries.append(entry)
        if node.method == Method.SURVEY or node.pk in left_empty or (fill == PARTIAL and position % 2):
            continue
        rule = parse_rule(node.rule, node.max_points, node.method)
        raw = demo_input(rule, _pick(period.year, unit.code, node.code))
        if not raw:
            continue
        canonical, points = entry_points_for(node, raw, period)
        entry.self_value, entry.self_points, entry.version = canonical, points, 1
        claims = node.method in (Method.APPRAISAL, Method.BONUS) and points > 0
        if claims and position % 3 == 0:
            links.append(EvidenceLink(entry=entry, evidence=library[position % len(library)], by=editor))
        elif claims:
            entry.self_note = f"Đã thực hiện; chi tiết tại Báo cáo kết quả CCHC năm {period.year} của đơn vị."
        history.append(
            ItemHistory(
                entry=entry,
                layer=Layer.SELF,
                new_value=canonical,
                new_points=points,
                reason=entry.self_note,
                source="demo",
                by=editor,
            )
        )
    ItemEntry.objects.bulk_create(entries)
