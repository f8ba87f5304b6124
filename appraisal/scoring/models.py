"""Result snapshots (SPEC §8): what was computed, from which inputs, by whom, when. Immutable once written."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from appraisal.registry.models import Period, Unit


class ScoreRun(models.Model):
    """One computation of a period. ``is_final`` marks the snapshot stored by finalisation: the decision
    and its annexes always come from the latest final run."""

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="score_runs", verbose_name="kỳ đánh giá"
    )
    is_final = models.BooleanField(
        "chính thức",
        default=False,
        help_text="Lưu khi chốt kết quả: quyết định và phụ lục lấy từ lần tính này",
    )
    inputs_hash = models.CharField(
        "dấu vân tay dữ liệu đầu vào",
        max_length=80,
        help_text="Cùng dữ liệu đầu vào thì cùng dấu vân tay và cùng kết quả",
    )
    engine_version = models.CharField("phiên bản bộ máy tính điểm", max_length=20)
    index_set_versions = models.JSONField("phiên bản các bộ chỉ số", default=dict)
    result_json = models.JSONField("kết quả (định dạng compute_results --json)")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="người tính",
    )
    created_at = models.DateTimeField("tính lúc", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "lần tính kết quả"
        verbose_name_plural = "lần tính kết quả"

    def __str__(self) -> str:
        return f"Lần tính #{self.pk} – {self.period.year}"

    @property
    def label(self) -> str:
        """For people: «Kết quả chính thức chốt lúc 10:32 ngày 05/02/2024 bởi Nguyễn Văn A» (local time)."""
        from django.utils import timezone

        when = timezone.localtime(self.created_at).strftime("%H:%M ngày %d/%m/%Y")
        who = ""
        if self.created_by is not None:
            who = " bởi " + (self.created_by.get_full_name() or self.created_by.username)
        head = "Kết quả chính thức chốt" if self.is_final else "Lần tính lưu"
        return f"{head} lúc {when}{who}"


class UnitResultRow(models.Model):
    run = models.ForeignKey(
        ScoreRun, on_delete=models.CASCADE, related_name="unit_rows", verbose_name="lần tính"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị")
    group_code = models.CharField("mã khối", max_length=40)
    group_name = models.CharField("tên khối", max_length=200)
    group_order = models.PositiveIntegerField("thứ tự khối", default=0)
    position = models.PositiveIntegerField("thứ tự", default=0)
    unit_code = models.CharField("mã đơn vị", max_length=40)
    unit_name = models.CharField("tên đơn vị", max_length=255)
    head_name = models.CharField("người đứng đầu", max_length=100, blank=True)
    head_title = models.CharField("chức vụ người đứng đầu", max_length=100, blank=True)
    max_points = models.DecimalField("điểm tối đa", max_digits=9, decimal_places=4)
    self_points = models.DecimalField("điểm tự đánh giá", max_digits=9, decimal_places=4)
    appraisal_points = models.DecimalField("điểm thẩm định", max_digits=9, decimal_places=4)
    survey_points = models.DecimalField("điểm điều tra XHH", max_digits=9, decimal_places=4)
    bonus_points = models.DecimalField("điểm thưởng", max_digits=9, decimal_places=4)
    penalty_points = models.DecimalField("điểm trừ", max_digits=9, decimal_places=4)
    total_points = models.DecimalField("tổng điểm", max_digits=9, decimal_places=4)
    index = models.DecimalField("chỉ số (chưa làm tròn)", max_digits=20, decimal_places=12)
    index_display = models.DecimalField("chỉ số công bố", max_digits=8, decimal_places=4)
    rank = models.PositiveIntegerField("xếp hạng")
    rank_change = models.IntegerField("tăng/giảm bậc", null=True, blank=True)
    band = models.CharField("xếp loại", max_length=20)
    head_rating = models.CharField("mức độ hoàn thành nhiệm vụ của người đứng đầu", max_length=10)
    head_rating_reason = models.TextField("lý do đánh giá người đứng đầu", blank=True)
    trace = models.JSONField("diễn giải cách tính", default=list)
    items = models.JSONField("điểm từng tiêu chí", default=list)
    # The adjustment groups ('9.1' Điểm thưởng, '9.2' Điểm trừ): code, title, method, max, claimed, points.
    adjustments = models.JSONField("điểm thưởng, điểm trừ", default=list)

    class Meta:
        verbose_name = "kết quả của đơn vị trong lần tính"
        verbose_name_plural = "kết quả của các đơn vị trong lần tính"
        ordering = ["group_order", "position"]
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="uniq_result_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit_name} – {self.run}"


class FieldResultRow(models.Model):
    unit_row = models.ForeignKey(
        UnitResultRow, on_delete=models.CASCADE, related_name="field_rows", verbose_name="kết quả của đơn vị"
    )
    code = models.CharField("mã lĩnh vực", max_length=40)
    title = models.TextField("tên lĩnh vực")
    points = models.DecimalField("điểm", max_digits=9, decimal_places=4)
    max_points = models.DecimalField("điểm tối đa", max_digits=9, decimal_places=4)
    index = models.DecimalField(
        "chỉ số thành phần (chưa làm tròn)", max_digits=20, decimal_places=12, null=True, blank=True
    )
    position = models.PositiveIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "kết quả lĩnh vực trong lần tính"
        verbose_name_plural = "kết quả các lĩnh vực trong lần tính"
        ordering = ["position"]

    def __str__(self) -> str:
        return f"Lĩnh vực {self.code} – {self.unit_row}"


class PublishedYear(models.Model):
    """A year's results published outside ParIndex (the approval decision of a year before the province used
    it), recorded from its table so that rank changes and year-on-year views have a previous year."""

    year = models.PositiveIntegerField("năm", unique=True)
    source_name = models.CharField("tệp nguồn", max_length=255, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người nhập"
    )
    imported_at = models.DateTimeField("nhập lúc", auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "kết quả đã công bố"
        verbose_name_plural = "kết quả đã công bố"

    def __str__(self) -> str:
        return f"Kết quả Chỉ số CCHC năm {self.year} (đã công bố)"


class PublishedResult(models.Model):
    """One unit's line of a published table: index and rank in its group; the rest when the table has it."""

    published = models.ForeignKey(
        PublishedYear, on_delete=models.CASCADE, related_name="rows", verbose_name="kết quả đã công bố"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị")
    group_code = models.CharField("mã khối", max_length=40)
    index = models.DecimalField("chỉ số CCHC (%)", max_digits=8, decimal_places=4)
    rank = models.PositiveIntegerField("xếp hạng")
    total_points = models.DecimalField("tổng điểm", max_digits=9, decimal_places=4, null=True, blank=True)
    max_points = models.DecimalField("điểm tối đa", max_digits=9, decimal_places=4, null=True, blank=True)
    band = models.CharField("xếp loại", max_length=20, blank=True)
    head_rating = models.CharField("mức độ hoàn thành nhiệm vụ", max_length=10, blank=True)
    row = models.PositiveIntegerField("dòng trong tệp", default=0)

    class Meta:
        verbose_name = "kết quả đã công bố của đơn vị"
        verbose_name_plural = "kết quả đã công bố của các đơn vị"
        ordering = ["group_code", "rank", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["published", "unit"], name="uniq_published_unit")]

    def __str__(self) -> str:
        return f"{self.unit} – {self.published}"


class JobKind(models.TextChoices):
    FINALISE = "finalise", "Chốt kết quả kỳ đánh giá"
    EVIDENCE_ZIP = "evidence_zip", "Nén tài liệu kiểm chứng"
    EXPORT = "export", "Xuất tệp kết quả"
    IMPORT = "import", "Nhập tệp"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang chạy"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Không thành công"


class BackgroundJob(models.Model):
    """Long work run off the request by a django-tasks worker (issue 13, build item 7): its progress for the
    page that polls it, and its result (a message, a file) that the person can come back to."""

    kind = models.CharField("việc", max_length=20, choices=JobKind.choices)
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", verbose_name="kỳ đánh giá")
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="đơn vị"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người yêu cầu"
    )
    status = models.CharField(
        "trạng thái", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveIntegerField("đã xử lý", default=0)
    total = models.PositiveIntegerField("tổng số", default=0)
    message = models.TextField("kết quả", blank=True)
    file = models.FileField("tệp kết quả", upload_to="jobs/%Y/%m/", blank=True)
    task_id = models.CharField("mã việc trong hàng đợi", max_length=64, blank=True)
    # What an export or import works on ({"document": "annex", "fmt": "pdf"}, {"what": "survey"}), the
    # uploaded file an import reads (kept, as the import's record), and every refused row of a failed import.
    params = models.JSONField("tham số", default=dict, blank=True)
    source = models.FileField("tệp được nhập", upload_to="jobs/nguon/%Y/%m/", blank=True)
    problems = models.JSONField("các dòng bị từ chối", default=list, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "việc chạy nền"
        verbose_name_plural = "việc chạy nền"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.period}"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
