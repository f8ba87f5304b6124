"""Self-assessment per unit and period: item entries with every scoring layer, evidence, workflow history.

Every layer stays stored on the entry (self, round 1, explanation, round 2, survey); ``ItemHistory`` keeps
each change (who, when, old → new, reason), append-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from appraisal.core.dates import fmt_local
from appraisal.core.models import TimeStampedModel
from appraisal.engine import HEAD_RATING_LABELS
from appraisal.registry.models import IndexNode, Period, Unit


class AssessmentState(models.TextChoices):
    DRAFT = "draft", "Đang tự đánh giá"
    SUBMITTED = "submitted", "Đã chốt tự đánh giá"
    RETURNED = "returned", "Bị trả lại để bổ sung"
    NOT_SUBMITTED = "not_submitted", "Không nộp"
    APPRAISED = "appraised", "Đã thẩm định vòng 1"
    EXPLAINED = "explained", "Đã gửi giải trình"
    REAPPRAISED = "reappraised", "Đã thẩm định vòng 2"
    FINALISED = "finalised", "Đã hoàn tất"


S = AssessmentState

# The one transition table (STYLE.md). Services check permission and this table, then compare-and-set.
ASSESSMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.NOT_SUBMITTED}),
    S.SUBMITTED: frozenset({S.DRAFT, S.RETURNED, S.APPRAISED}),
    S.RETURNED: frozenset({S.SUBMITTED, S.NOT_SUBMITTED}),
    # Closed at the deadline by the secretariat (SPEC §3a): appraised on what is there; an extension reopens it.
    S.NOT_SUBMITTED: frozenset({S.APPRAISED, S.DRAFT}),
    S.APPRAISED: frozenset({S.EXPLAINED, S.REAPPRAISED, S.FINALISED}),
    S.EXPLAINED: frozenset({S.REAPPRAISED}),
    S.REAPPRAISED: frozenset({S.FINALISED}),
    S.FINALISED: frozenset({S.REAPPRAISED}),  # the chair's reopening, with a reason
}

EDITABLE_BY_UNIT = frozenset({S.DRAFT, S.RETURNED})
# States the council appraises in round 1: what the unit submitted, or what was there when it was closed.
ROUND1_STATES = frozenset({S.SUBMITTED, S.NOT_SUBMITTED})


class Assessment(TimeStampedModel):
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="assessments", verbose_name="kỳ đánh giá"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="assessments", verbose_name="đơn vị"
    )
    state = models.CharField("trạng thái", max_length=20, choices=AssessmentState.choices, default=S.DRAFT)
    extension_until = models.DateTimeField("gia hạn riêng đến", null=True, blank=True)
    extension_reason = models.TextField("lý do gia hạn", blank=True)
    extension_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người gia hạn",
    )
    extension_at = models.DateTimeField("gia hạn lúc", null=True, blank=True)
    submitted_at = models.DateTimeField("chốt tự đánh giá lúc", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người chốt tự đánh giá",
    )
    returned_reason = models.TextField("lý do trả lại", blank=True)
    explanation_submitted_at = models.DateTimeField("gửi giải trình lúc", null=True, blank=True)
    explanation_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người gửi giải trình",
    )
    not_submitted_reason = models.TextField("lý do đóng «không nộp»", blank=True)
    # The preliminary notice reaches the unit when this is set (SPEC §6a moment N): when the period enters the
    # explanation phase, or at once for a unit appraised later on its own clock.
    notice_issued_at = models.DateTimeField("phát hành thông báo lúc", null=True, blank=True)
    explanation_until = models.DateTimeField("hạn giải trình riêng", null=True, blank=True)
    explanation_waived_at = models.DateTimeField("không giải trình lúc", null=True, blank=True)
    explanation_waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người ghi nhận không giải trình",
    )
    head_veto_reason = models.TextField("lý do không xét mức hoàn thành (phủ quyết)", blank=True)
    head_override = models.CharField(
        "điều chỉnh mức đánh giá người đứng đầu",
        max_length=10,
        blank=True,
        choices=list(HEAD_RATING_LABELS.items()),
        help_text="Chỉ điều chỉnh kèm lý do; để trống: theo chỉ số",
    )
    head_override_reason = models.TextField("lý do điều chỉnh", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="uniq_assessment")]
        ordering = ["period", "unit__name"]
        verbose_name = "bản tự đánh giá"
        verbose_name_plural = "bản tự đánh giá"

    def __str__(self) -> str:
        return f"{self.unit} – {self.period.year}"

    @property
    def is_locked(self) -> bool:
        return self.state == S.FINALISED


class Round2Decision(models.TextChoices):
    ACCEPT = "accept", "Chấp nhận"
    PARTIAL = "partial", "Chấp nhận một phần"
    KEEP = "keep", "Giữ nguyên"


class ItemEntry(models.Model):
    """One applicable leaf of one assessment with every layer. ``version`` guards concurrent saves."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="entries", verbose_name="bản tự đánh giá"
    )
    node = models.ForeignKey(
        IndexNode, on_delete=models.PROTECT, related_name="entries", verbose_name="tiêu chí"
    )
    version = models.PositiveIntegerField(
        "phiên bản", default=0, help_text="Tăng sau mỗi lần lưu, để hai người cùng sửa không ghi đè lên nhau"
    )
    # Self-assessment
    self_value = models.CharField("giá trị tự đánh giá", max_length=200, blank=True)
    self_points = models.DecimalField(
        "điểm tự đánh giá", max_digits=9, decimal_places=4, null=True, blank=True
    )
    self_note = models.TextField("ghi chú / thuyết minh", blank=True)
    # Round 1
    round1_value = models.CharField("giá trị thẩm định vòng 1", max_length=200, blank=True)
    round1_points = models.DecimalField(
        "điểm thẩm định vòng 1", max_digits=9, decimal_places=4, null=True, blank=True
    )
    round1_reason = models.TextField("lý do thẩm định vòng 1", blank=True)
    round1_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người thẩm định vòng 1",
    )
    round1_at = models.DateTimeField("thẩm định vòng 1 lúc", null=True, blank=True)
    # Explanation (giải trình)
    explanation = models.TextField("nội dung giải trình", blank=True)
    explanation_at = models.DateTimeField("giải trình lúc", null=True, blank=True)
    # Round 2
    round2_decision = models.CharField(
        "kết luận vòng 2", max_length=10, choices=Round2Decision.choices, blank=True
    )
    round2_value = models.CharField("giá trị thẩm định vòng 2", max_length=200, blank=True)
    round2_points = models.DecimalField(
        "điểm thẩm định vòng 2", max_digits=9, decimal_places=4, null=True, blank=True
    )
    round2_reason = models.TextField("lý do thẩm định vòng 2", blank=True)
    round2_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người thẩm định vòng 2",
    )
    round2_at = models.DateTimeField("thẩm định vòng 2 lúc", null=True, blank=True)
    # Survey (XHH)
    survey_value = models.CharField(
        "kết quả điều tra XHH",
        max_length=200,
        blank=True,
        help_text="Tỷ lệ hài lòng hoặc số phiếu theo phương án A/B/C/D",
    )
    survey_points = models.DecimalField(
        "điểm điều tra XHH", max_digits=9, decimal_places=4, null=True, blank=True
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "điểm của một tiêu chí"
        verbose_name_plural = "điểm của các tiêu chí"
        constraints = [models.UniqueConstraint(fields=["assessment", "node"], name="uniq_entry")]
        ordering = ["node__position"]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.node.code}"


class Layer(models.TextChoices):
    SELF = "self", "Tự đánh giá"
    ROUND1 = "round1", "Thẩm định vòng 1"
    EXPLANATION = "explanation", "Giải trình"
    ROUND2 = "round2", "Thẩm định vòng 2"
    SURVEY = "survey", "Điều tra XHH"


class ItemHistory(models.Model):
    """Append-only: every change to any layer of an entry."""

    entry = models.ForeignKey(
        ItemEntry, on_delete=models.CASCADE, related_name="history", verbose_name="điểm của tiêu chí"
    )
    layer = models.CharField("bước chấm điểm", max_length=20, choices=Layer.choices)
    old_value = models.TextField("giá trị cũ", blank=True)
    new_value = models.TextField("giá trị mới", blank=True)
    old_points = models.DecimalField("điểm cũ", max_digits=9, decimal_places=4, null=True, blank=True)
    new_points = models.DecimalField("điểm mới", max_digits=9, decimal_places=4, null=True, blank=True)
    reason = models.TextField("lý do", blank=True)
    source = models.CharField(
        "nguồn",
        max_length=20,
        default="web",
        help_text="Nơi ghi điểm: trên trang web, tệp Excel của đơn vị, tệp nhập của Tổ thư ký, dòng lệnh hoặc dữ liệu mẫu",
    )  # web, excel, import, command
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="người thực hiện",
    )
    at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "lịch sử điểm của tiêu chí"
        verbose_name_plural = "lịch sử điểm của tiêu chí"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.entry} – {self.get_layer_display()}" + (
            f" lúc {fmt_local(self.at)}" if self.at else ""
        )


class AssessmentEvent(models.Model):
    """Append-only: every state change of an assessment (submit, withdraw, return, finalise, reopen…)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="events", verbose_name="bản tự đánh giá"
    )
    from_state = models.CharField("từ trạng thái", max_length=20, choices=AssessmentState.choices)
    to_state = models.CharField("sang trạng thái", max_length=20, choices=AssessmentState.choices)
    reason = models.TextField("lý do", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="người thực hiện",
    )
    at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "thay đổi trạng thái bản tự đánh giá"
        verbose_name_plural = "các thay đổi trạng thái bản tự đánh giá"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.get_from_state_display()} → {self.get_to_state_display()}"


class StoredFile(models.Model):
    """File content stored once, keyed by its SHA-256."""

    sha256 = models.CharField(
        "mã băm SHA-256",
        max_length=64,
        unique=True,
        help_text="Dấu vân tay nội dung: tệp trùng nội dung chỉ lưu một lần",
    )
    file = models.FileField("tệp", upload_to="evidence/%Y/")
    size = models.PositiveBigIntegerField("dung lượng (byte)")
    content_type = models.CharField("kiểu tệp", max_length=100)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "tệp đã lưu"
        verbose_name_plural = "tệp đã lưu"

    def __str__(self) -> str:
        return f"Tệp {self.file.name.rsplit('/', 1)[-1]} ({self.size} byte)"


class EvidenceKind(models.TextChoices):
    FILE = "file", "Tệp đính kèm"
    DOCUMENT = "document", "Văn bản đã ban hành"


class Evidence(TimeStampedModel):
    """An item of a unit's evidence library: a file (with versions) or a reference to an issued document."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="evidence", verbose_name="đơn vị")
    kind = models.CharField("loại tài liệu", max_length=10, choices=EvidenceKind.choices)
    title = models.CharField("tên tài liệu", max_length=255)
    file = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="tệp"
    )
    original_name = models.CharField("tên tệp gốc", max_length=255, blank=True)
    doc_number = models.CharField("số/ký hiệu", max_length=100, blank=True)
    doc_date = models.DateField("ngày ban hành", null=True, blank=True)
    doc_summary = models.TextField("trích yếu", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người tạo"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "tài liệu kiểm chứng"
        verbose_name_plural = "tài liệu kiểm chứng"

    def __str__(self) -> str:
        return self.title


class EvidenceVersion(models.Model):
    """Replaced files keep their history; nothing is hard-deleted."""

    evidence = models.ForeignKey(
        Evidence, on_delete=models.CASCADE, related_name="versions", verbose_name="tài liệu kiểm chứng"
    )
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name="tệp")
    original_name = models.CharField("tên tệp gốc", max_length=255)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người tải lên"
    )
    at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "phiên bản tài liệu kiểm chứng"
        verbose_name_plural = "các phiên bản tài liệu kiểm chứng"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.evidence} – {self.original_name}"


class EvidenceLink(models.Model):
    """Evidence attached to an entry, for the self-assessment or for an explanation."""

    entry = models.ForeignKey(
        ItemEntry, on_delete=models.CASCADE, related_name="evidence_links", verbose_name="điểm của tiêu chí"
    )
    evidence = models.ForeignKey(
        Evidence, on_delete=models.PROTECT, related_name="links", verbose_name="tài liệu kiểm chứng"
    )
    layer = models.CharField("bước chấm điểm", max_length=20, choices=Layer.choices, default=Layer.SELF)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người gắn"
    )
    at = models.DateTimeField("gắn lúc", auto_now_add=True)
    removed_at = models.DateTimeField("gỡ lúc", null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người gỡ",
    )

    class Meta:
        verbose_name = "tài liệu gắn với tiêu chí"
        verbose_name_plural = "tài liệu gắn với tiêu chí"
        ordering = ["at", "pk"]
        constraints = [
            # One live link per (entry, evidence, layer); detached links stay as history.
            models.UniqueConstraint(
                fields=["entry", "evidence", "layer"],
                condition=models.Q(removed_at__isnull=True),
                name="uniq_live_evidence_link",
            )
        ]

    def __str__(self) -> str:
        return f"{self.evidence} gắn với {self.entry}"
