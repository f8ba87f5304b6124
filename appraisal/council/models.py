"""The council's own records (SPEC §6–7, §3 reminders).

Council membership itself is RoleAssignment rows with the period set (registry); what the council adds is who
appraises which field in which group (``Assignment``), the survey imports with their files (``SurveyImport``)
and every reminder e-mail (``OutboxMessage``, deduplicated so an hourly cron never repeats one).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from appraisal.core.labels import person_label
from appraisal.registry.models import Group, Period, Unit


class Assignment(models.Model):
    """A council member appraises one field (top-level code) of the index sets of one group, or of every
    group when ``group`` is empty. Conflicts of interest are applied on top, in the selectors."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="council_assignments", verbose_name="kỳ đánh giá"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="council_assignments",
        verbose_name="thành viên Hội đồng",
    )
    field_code = models.CharField("lĩnh vực (mã)", max_length=40)
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="khối"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="người phân công",
    )
    created_at = models.DateTimeField("phân công lúc", auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "member", "field_code", "group"],
                condition=Q(group__isnull=False),
                name="uniq_council_assignment_group",
            ),
            # NULLs never collide in a unique index, so "all groups" needs its own partial constraint.
            models.UniqueConstraint(
                fields=["period", "member", "field_code"],
                condition=Q(group__isnull=True),
                name="uniq_council_assignment_all_groups",
            ),
        ]
        ordering = ["member__username", "field_code", "group__order"]
        verbose_name = "phân công thẩm định"
        verbose_name_plural = "phân công thẩm định"

    def __str__(self) -> str:
        where = self.group.name if self.group_id else "mọi khối"
        return f"{person_label(self.member)} – lĩnh vực {self.field_code} – {where}"


class SurveyImport(models.Model):
    """One import of survey (XHH) results: the file as uploaded and who imported it."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="survey_imports", verbose_name="kỳ đánh giá"
    )
    file = models.FileField("tệp", upload_to="survey/%Y/")
    file_name = models.CharField("tên tệp", max_length=255)
    rows = models.PositiveIntegerField("số dòng")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="người nhập",
    )
    at = models.DateTimeField("nhập lúc", auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "lần nhập kết quả điều tra XHH"
        verbose_name_plural = "các lần nhập kết quả điều tra XHH"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.period.year})"


class OutboxKind(models.TextChoices):
    SELF_DUE = "self_due", "Nhắc hạn tự đánh giá"
    SELF_OVERDUE = "self_overdue", "Quá hạn tự đánh giá"
    EXPLANATION_DUE = "explanation_due", "Nhắc hạn giải trình"
    APPRAISAL_DUE = "appraisal_due", "Nhắc hạn thẩm định vòng 1"
    APPRAISAL_OVERDUE = "appraisal_overdue", "Quá hạn thẩm định vòng 1"
    REAPPRAISAL_DUE = "reappraisal_due", "Nhắc hạn thẩm định vòng 2"
    REAPPRAISAL_OVERDUE = "reappraisal_overdue", "Quá hạn thẩm định vòng 2"
    NOTICE = "notice", "Thông báo kết quả thẩm định"
    EXPLANATION_SUBMITTED = "explanation_submitted", "Đơn vị đã gửi giải trình"
    FINALISED = "finalised", "Kết quả đã chốt"
    APPROVED = "approved", "Quyết định phê duyệt"


class OutboxMessage(models.Model):
    """Every e-mail the system sends, kept for the secretariat. ``dedupe_key`` makes a repeat run a no-op."""

    kind = models.CharField("loại thư", max_length=30, choices=OutboxKind.choices)
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="outbox", verbose_name="kỳ đánh giá"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="đơn vị"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="thành viên Hội đồng",
    )
    to = models.TextField("gửi đến")  # addresses separated by ", "
    cc = models.TextField("đồng gửi", blank=True)
    subject = models.CharField("tiêu đề", max_length=255)
    body = models.TextField("nội dung")
    dedupe_key = models.CharField(
        "khóa chống gửi trùng",
        max_length=255,
        unique=True,
        help_text="Mỗi thư chỉ gửi một lần dù lệnh nhắc hạn chạy nhiều lần",
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    sent_at = models.DateTimeField("đã gửi lúc", null=True, blank=True)
    error = models.TextField("lỗi gửi", blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "thư đã gửi"
        verbose_name_plural = "hộp thư đi"

    def __str__(self) -> str:
        return self.subject

    @property
    def to_list(self) -> list[str]:
        return [a for a in (x.strip() for x in self.to.split(",")) if a]

    @property
    def cc_list(self) -> list[str]:
        return [a for a in (x.strip() for x in self.cc.split(",")) if a]
