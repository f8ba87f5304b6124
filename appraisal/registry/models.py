"""Reference data: organisation, groups, units, people and roles, periods and their index sets (SPEC §2–4)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from appraisal.core.dates import fmt_local
from appraisal.core.labels import change_label, person_label
from appraisal.core.models import TimeStampedModel

from .codes import CASE_NOTE, code_refusal


class Organisation(TimeStampedModel):
    """The appraising authority; one row. Letterhead and signer feed the decision (SPEC §9)."""

    name = models.CharField("tên cơ quan", max_length=200, default="Ủy ban nhân dân tỉnh Hà Tĩnh")
    issuer_name = models.CharField(
        "tên cơ quan ban hành (in hoa)", max_length=200, default="ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"
    )
    parent_name = models.CharField("cơ quan chủ quản (dòng trên, nếu có)", max_length=200, blank=True)
    place = models.CharField("địa danh ghi ngày tháng", max_length=100, default="Hà Tĩnh")
    chairman_title = models.CharField(
        "chức danh người có thẩm quyền", max_length=200, default="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"
    )
    signer_name = models.CharField("người ký", max_length=100, blank=True)
    signer_title = models.CharField("chức vụ người ký", max_length=100, default="PHÓ CHỦ TỊCH")
    signer_for = models.CharField("ký thay (KT.)", max_length=100, default="KT. CHỦ TỊCH", blank=True)
    # The unit notices (preliminary and final result) are the council's letters, not the province's decision:
    # their own issuer and signer (SPEC §9), so that a notice is never signed «KT. CHỦ TỊCH» of the province.
    notice_issuer_name = models.CharField(
        "cơ quan ban hành thông báo (in hoa)", max_length=200, default="HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CCHC"
    )
    notice_parent_name = models.CharField(
        "cơ quan chủ quản của Hội đồng (dòng trên, nếu có)", max_length=200, blank=True,
        default="ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
    )  # fmt: skip
    notice_symbol = models.CharField(
        "ký hiệu cơ quan trên thông báo", max_length=40, default="HĐTĐ", help_text="Ví dụ: HĐTĐ hoặc SNV"
    )
    notice_signer_for = models.CharField(
        "thẩm quyền ký thông báo (TM., KT.)", max_length=100, blank=True, default="TM. HỘI ĐỒNG THẨM ĐỊNH"
    )
    notice_signer_title = models.CharField("chức vụ người ký thông báo", max_length=100, default="CHỦ TỊCH")
    notice_signer_name = models.CharField("người ký thông báo", max_length=100, blank=True)
    # The province's current period (SPEC §3a): the default landing period of everyone, chosen by the
    # secretariat. Empty: the latest period past preparation (creating next year's changes nothing).
    current_period = models.ForeignKey(
        "Period",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="kỳ hiện hành",
    )

    class Meta:
        verbose_name = "cơ quan thẩm định"
        verbose_name_plural = "cơ quan thẩm định"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Organisation:
        org = cls.objects.order_by("pk").first()
        return org if org is not None else cls.objects.create()


class Group(models.Model):
    """A khối: provincial departments, district committees, central agencies… Data, not code."""

    code = models.SlugField("mã khối", max_length=40, unique=True)
    name = models.CharField("tên khối", max_length=200)
    title_noun = models.CharField(
        "cụm từ trong tiêu đề phụ lục", max_length=200, blank=True, help_text="Ví dụ: CỦA CÁC SỞ, BAN, NGÀNH"
    )
    order = models.PositiveIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "khối"
        verbose_name_plural = "khối"

    def __str__(self) -> str:
        return self.name


class Unit(TimeStampedModel):
    """A đơn vị. Its group is per period (UnitMembership) so earlier years stay reproducible."""

    code = models.SlugField("mã đơn vị", max_length=40, unique=True)
    name = models.CharField("tên đơn vị", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=100, blank=True)
    tags = models.CharField("nhãn", max_length=255, blank=True, help_text="Danh sách cách nhau bởi dấu phẩy")
    head_name = models.CharField("người đứng đầu", max_length=100, blank=True)
    head_title = models.CharField("chức vụ người đứng đầu", max_length=100, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    active = models.BooleanField("đang hoạt động", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        constraints = [
            # Imports find a unit by its code ignoring case (appraisal/registry/codes.py).
            models.UniqueConstraint(
                Lower("code"),
                name="uniq_unit_code_ignoring_case",
                violation_error_message=f"Mã đơn vị đã dùng cho một đơn vị khác {CASE_NOTE}.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The admin's check: the code is no other unit's, ignoring case, with the form's words."""
        refusal = code_refusal(Unit.objects.exclude(pk=self.pk), self.code, "đơn vị")
        if refusal is not None:
            raise ValidationError({"code": refusal})

    @property
    def tag_set(self) -> frozenset[str]:
        return frozenset(t.strip() for t in self.tags.split(",") if t.strip())


class Phase(models.TextChoices):
    PREPARING = "preparing", "Chuẩn bị"
    SELF_ASSESSMENT = "self_assessment", "Tự đánh giá"
    APPRAISAL = "appraisal", "Thẩm định vòng 1"
    EXPLANATION = "explanation", "Giải trình"
    REAPPRAISAL = "reappraisal", "Thẩm định vòng 2"
    FINALISED = "finalised", "Đã chốt kết quả"
    APPROVED = "approved", "Đã phê duyệt"


PHASE_ORDER = [p.value for p in Phase]

# A period moves forward one phase at a time; the chair's reopening is the only way back (from finalised).
PERIOD_TRANSITIONS: dict[str, frozenset[str]] = {
    Phase.PREPARING: frozenset({Phase.SELF_ASSESSMENT}),
    Phase.SELF_ASSESSMENT: frozenset({Phase.APPRAISAL, Phase.PREPARING}),
    Phase.APPRAISAL: frozenset({Phase.EXPLANATION}),
    Phase.EXPLANATION: frozenset({Phase.REAPPRAISAL}),
    Phase.REAPPRAISAL: frozenset({Phase.FINALISED}),
    Phase.FINALISED: frozenset({Phase.APPROVED, Phase.REAPPRAISAL}),
    Phase.APPROVED: frozenset(),
}


def default_bands() -> list[list[str]]:
    return [["xuat_sac", "90"], ["tot", "80"], ["kha", "70"], ["trung_binh", "50"]]


def default_head_ratings() -> list[list[str]]:
    return [["htxs", "90"], ["htt", "80"], ["ht", "70"]]


def default_survey_weights() -> dict[str, str]:
    return {"A": "100", "B": "60", "C": "20", "D": "0"}


def default_legal_bases() -> str:
    return "\n".join(
        [
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số "
            "điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
            "Căn cứ Nghị quyết số 76/NQ-CP ngày 15 tháng 7 năm 2021 của Chính phủ ban hành Chương trình tổng thể "
            "cải cách hành chính nhà nước giai đoạn 2021 – 2030;",
            "Căn cứ Quyết định số …/QĐ-UBND ngày … của Ủy ban nhân dân tỉnh ban hành Bộ Chỉ số theo dõi, đánh "
            "giá, xếp hạng kết quả thực hiện cải cách hành chính của các cơ quan, đơn vị trên địa bàn tỉnh;",
        ]
    )


class Period(TimeStampedModel):
    """A kỳ đánh giá (one year) with its phase, settings and decision fields."""

    year = models.PositiveIntegerField("năm", unique=True)
    name = models.CharField("tên kỳ", max_length=200)
    phase = models.CharField("giai đoạn", max_length=20, choices=Phase.choices, default=Phase.PREPARING)
    decimals = models.PositiveSmallIntegerField("số chữ số thập phân của chỉ số", default=2)
    bands = models.JSONField(
        "ngưỡng xếp loại",
        default=default_bands,
        help_text="Chỉ số công bố (%) từ mỗi ngưỡng trở lên: Xuất sắc, Tốt, Khá, Trung bình; dưới ngưỡng cuối: Yếu",
    )
    head_ratings = models.JSONField(
        "ngưỡng đánh giá người đứng đầu",
        default=default_head_ratings,
        help_text="Chỉ số (%) từ mỗi ngưỡng trở lên: hoàn thành xuất sắc, hoàn thành tốt, hoàn thành nhiệm vụ",
    )
    head_min_field_index = models.DecimalField(
        "chỉ số thành phần tối thiểu (tùy chọn)",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Người đứng đầu chỉ được xếp mức hoàn thành khi mọi chỉ số thành phần đạt từ mức này",
    )
    survey_weights = models.JSONField(
        "trọng số phương án XHH (%)",
        default=default_survey_weights,
        help_text="Tỷ lệ điểm của mỗi phương án trả lời A, B, C, D của phiếu điều tra",
    )
    explanation_days = models.PositiveSmallIntegerField("số ngày giải trình", default=5)
    # Decision (SPEC §9): edited by the secretariat.
    decision_number = models.CharField("số quyết định", max_length=50, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    legal_bases = models.TextField("căn cứ pháp lý (mỗi dòng một căn cứ)", default=default_legal_bases)
    proposal = models.CharField(
        "theo đề nghị của", max_length=500, default="Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số"
    )
    proposal_number = models.CharField("số Tờ trình của Sở Nội vụ", max_length=50, blank=True)
    proposal_date = models.DateField("ngày Tờ trình", null=True, blank=True)
    # Archived (SPEC §3a): read-only and hidden from the period switcher unless asked for; never deleted.
    archived_at = models.DateTimeField("lưu trữ lúc", null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người lưu trữ",
    )
    recipients = models.TextField(
        "nơi nhận (mỗi dòng một nơi)",
        default="Như Điều 4;\nBộ Nội vụ;\nTT Tỉnh ủy, TT HĐND tỉnh;\nChủ tịch, các PCT UBND tỉnh;\nLưu: VT, NV.",
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = "kỳ đánh giá"
        verbose_name_plural = "kỳ đánh giá"

    def __str__(self) -> str:
        return self.name

    @property
    def is_locked_structure(self) -> bool:
        """Index sets are locked from self-assessment on (only typo fixes, logged)."""
        return self.phase != Phase.PREPARING

    def phase_index(self) -> int:
        return PHASE_ORDER.index(self.phase)

    @property
    def proposal_text(self) -> str:
        """The decision's 'Theo đề nghị …' line with the proposal's number and date; while either is missing
        the draft leaves a placeholder for the secretary ('Tờ trình số …/TTr-SNV ngày …'), as it does for the
        decision's own number. Approval refuses a decision without them (``scoring.services``). A wording that
        does not end with «số» and has no number entered is taken as complete."""
        text = self.proposal.strip().rstrip(".;")
        if not self.proposal_number.strip() and not text.casefold().endswith(" số"):
            return text + "."
        number = self.proposal_number.strip() or "…/TTr-SNV"
        date = self.proposal_date.strftime("%d/%m/%Y") if self.proposal_date else "…"
        return f"{text} {number} ngày {date}."

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_closed(self) -> bool:
        """Finalised, approved or archived: results are frozen and nothing but reopening changes them."""
        return self.phase in (Phase.FINALISED, Phase.APPROVED) or self.is_archived


class PhaseWindow(models.Model):
    """Dated open/close time of a phase (Asia/Ho_Chi_Minh, to the minute) with an optional hidden grace."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="windows", verbose_name="kỳ đánh giá"
    )
    phase = models.CharField("giai đoạn", max_length=20, choices=Phase.choices)
    opens_at = models.DateTimeField("mở lúc")
    due_at = models.DateTimeField("hạn chót")
    grace_minutes = models.PositiveIntegerField(
        "gia hạn ẩn (phút)", default=0, help_text="Thời gian còn nhận sau hạn chót, không hiển thị cho đơn vị"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "phase"], name="uniq_window_per_phase")]
        ordering = ["opens_at"]
        verbose_name = "thời hạn giai đoạn"
        verbose_name_plural = "thời hạn giai đoạn"

    def __str__(self) -> str:
        return f"{self.period} – {self.get_phase_display()}"


class PeriodEventKind(models.TextChoices):
    PHASE = "phase", "Chuyển giai đoạn"
    WINDOW = "window", "Thời hạn giai đoạn"
    EXTENSION = "extension", "Gia hạn riêng"
    NOT_SUBMITTED = "not_submitted", "Đóng «không nộp»"
    UNTRACKED = "untracked", "Ngừng/tiếp tục theo dõi đơn vị"
    NOTICE = "notice", "Phát hành thông báo thẩm định"
    SETTINGS = "settings", "Thiết lập kỳ"
    CURRENT = "current", "Chọn kỳ hiện hành"
    ARCHIVE = "archive", "Lưu trữ"
    ROLLOVER = "rollover", "Tạo kỳ từ năm trước"


class PeriodEvent(models.Model):
    """Append-only history of a period: phase changes, windows, extensions, closures, settings (who, when, why).
    ``from_phase``/``to_phase`` are the period's phase before and after (equal for events that keep it)."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="events", verbose_name="kỳ đánh giá"
    )
    kind = models.CharField(
        "loại sự kiện", max_length=20, choices=PeriodEventKind.choices, default=PeriodEventKind.PHASE
    )
    unit = models.ForeignKey(
        "Unit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="đơn vị",
        help_text="Để trống khi sự kiện là của cả kỳ",
    )
    detail = models.TextField("chi tiết", blank=True)
    from_phase = models.CharField("từ giai đoạn", max_length=20, choices=Phase.choices)
    to_phase = models.CharField(
        "sang giai đoạn",
        max_length=20,
        choices=Phase.choices,
        help_text="Bằng giai đoạn trước đó với sự kiện không chuyển giai đoạn",
    )
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
        verbose_name = "sự kiện của kỳ"
        verbose_name_plural = "sự kiện của kỳ"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.period} – {self.get_kind_display()}" + (
            f" lúc {fmt_local(self.at)}" if self.at else ""
        )


class UnitMembership(models.Model):
    """Which group a unit belongs to in a period."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="memberships", verbose_name="kỳ đánh giá"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="memberships", verbose_name="đơn vị"
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, related_name="memberships", verbose_name="khối"
    )
    # Ngừng theo dõi (SPEC §3a): only for a unit that does not take part this year (dissolved, merged), with a
    # reason. A unit that simply never submits stays tracked and is closed as «không nộp».
    tracked = models.BooleanField("theo dõi trong kỳ", default=True)
    untracked_reason = models.TextField("lý do ngừng theo dõi", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="uniq_unit_per_period")]
        verbose_name = "thành viên khối"
        verbose_name_plural = "thành viên khối"

    def __str__(self) -> str:
        return f"{self.unit} ∈ {self.group} ({self.period.year})"


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", "Tổ thư ký (Sở Nội vụ)"
    CHAIR = "chair", "Chủ tịch Hội đồng"
    VICE_CHAIR = "vice_chair", "Phó Chủ tịch Hội đồng"
    MEMBER = "member", "Thành viên Hội đồng"
    UNIT_EDITOR = "unit_editor", "Cán bộ đầu mối CCHC"
    UNIT_HEAD = "unit_head", "Lãnh đạo đơn vị"
    OBSERVER = "observer", "Lãnh đạo UBND tỉnh / theo dõi"


UNIT_ROLES = frozenset({Role.UNIT_EDITOR, Role.UNIT_HEAD})
COUNCIL_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER})


class RoleAssignment(models.Model):
    """A role a person holds. Unit roles name the unit; a council member names the unit they belong to
    (for conflicts of interest). ``period`` empty means every period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name="tài khoản",
    )
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name="đơn vị",
        help_text="Với vai trò của đơn vị: đơn vị đó; với thành viên Hội đồng: đơn vị công tác (để tránh xung đột lợi ích)",
    )
    period = models.ForeignKey(
        Period,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="kỳ đánh giá",
        help_text="Để trống: vai trò có hiệu lực ở mọi kỳ",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit", "period"], name="uniq_role_assignment"),
        ]
        verbose_name = "phân quyền"
        verbose_name_plural = "phân quyền"

    def __str__(self) -> str:
        return f"{person_label(self.user)} – {self.get_role_display()}" + (
            f" – {self.unit}" if self.unit_id else ""
        )


class Method(models.TextChoices):
    APPRAISAL = "appraisal", "Thẩm định (TĐ)"
    SURVEY = "survey", "Điều tra XHH"
    BONUS = "bonus", "Điểm thưởng"
    PENALTY = "penalty", "Điểm trừ"


class IndexSet(TimeStampedModel):
    """A Bộ chỉ số for one group in one period."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="index_sets", verbose_name="kỳ đánh giá"
    )
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="index_sets", verbose_name="khối")
    version = models.PositiveIntegerField("phiên bản", default=1)
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="sao chép từ",
        help_text="Bộ chỉ số của năm trước được sao chép để lập bộ này",
    )
    source_name = models.CharField("tệp nguồn", max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "group"], name="uniq_index_set_per_group")]
        ordering = ["period", "group__order"]
        verbose_name = "bộ chỉ số"
        verbose_name_plural = "bộ chỉ số"

    def __str__(self) -> str:
        return f"Bộ chỉ số {self.group.name} năm {self.period.year}"


class IndexNode(models.Model):
    """A field, criterion or sub-criterion. A leaf (no children) carries a method and a rule text."""

    index_set = models.ForeignKey(
        IndexSet, on_delete=models.CASCADE, related_name="nodes", verbose_name="bộ chỉ số"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="thuộc mục",
        help_text="Lĩnh vực hoặc tiêu chí chứa mục này; để trống với lĩnh vực",
    )
    code = models.CharField("mã", max_length=40)
    title = models.TextField("nội dung")
    max_points = models.DecimalField("điểm tối đa", max_digits=7, decimal_places=2, default=Decimal("0"))
    method = models.CharField("phương pháp", max_length=20, choices=Method.choices, blank=True)
    rule = models.CharField("cách chấm", max_length=500, blank=True)
    guidance = models.TextField("hướng dẫn chấm", blank=True)
    evidence = models.TextField("tài liệu kiểm chứng", blank=True)
    excluded_tags = models.CharField(
        "không áp dụng cho (nhãn)",
        max_length=255,
        blank=True,
        help_text="Nhãn đơn vị, cách nhau bởi dấu phẩy: tiêu chí không áp dụng cho đơn vị mang nhãn này",
    )
    position = models.PositiveIntegerField("thứ tự", default=0)
    depth = models.PositiveSmallIntegerField(
        "cấp", default=0, help_text="0: lĩnh vực; 1: tiêu chí; 2: tiêu chí thành phần"
    )
    is_leaf = models.BooleanField(
        "được chấm điểm trực tiếp",
        default=True,
        help_text="Mục không có mục con: được chấm theo phương pháp và cách chấm của nó",
    )

    class Meta:
        constraints = [
            # Imports find an item by its code within the unit's set ignoring case (appraisal/registry/codes.py).
            models.UniqueConstraint("index_set", Lower("code"), name="uniq_node_code_ignoring_case")
        ]
        ordering = ["index_set", "position"]
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"

    def __str__(self) -> str:
        return f"{self.code}. {self.title[:60]}"

    @property
    def excluded_tag_set(self) -> frozenset[str]:
        return frozenset(t.strip() for t in self.excluded_tags.split(",") if t.strip())

    @property
    def is_adjustment(self) -> bool:
        return self.method in (Method.BONUS, Method.PENALTY)


class UnitExclusion(models.Model):
    """The secretariat excludes one leaf for one unit, with a reason (SPEC §4 applicability)."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="exclusions", verbose_name="kỳ đánh giá"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="exclusions", verbose_name="đơn vị")
    node = models.ForeignKey(
        IndexNode, on_delete=models.CASCADE, related_name="exclusions", verbose_name="tiêu chí"
    )
    reason = models.TextField("lý do")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người thực hiện"
    )
    at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "tiêu chí không áp dụng cho đơn vị"
        verbose_name_plural = "tiêu chí không áp dụng cho đơn vị"
        constraints = [models.UniqueConstraint(fields=["unit", "node"], name="uniq_exclusion")]

    def __str__(self) -> str:
        return f"{self.node.code} không áp dụng cho {self.unit}"


class TextFixLog(models.Model):
    """Typo fixes to a locked index set's texts are allowed but logged."""

    node = models.ForeignKey(
        IndexNode, on_delete=models.CASCADE, related_name="text_fixes", verbose_name="tiêu chí"
    )
    field = models.CharField("phần được sửa", max_length=40)
    old = models.TextField("nội dung cũ")
    new = models.TextField("nội dung mới")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người sửa"
    )
    at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "lần sửa chữ trong bộ chỉ số"
        verbose_name_plural = "các lần sửa chữ trong bộ chỉ số"

    def __str__(self) -> str:
        return f"Sửa {change_label(self.field)} của tiêu chí {self.node.code}"


class AuditAction(models.TextChoices):
    """What an audit row records (issue 13, build item 5), besides the period events' own kinds."""

    LOGIN = "login", "Đăng nhập"
    EXPORT = "export", "Tải xuất dữ liệu"
    UNIT_CREATE = "unit_create", "Thêm đơn vị"
    UNIT_UPDATE = "unit_update", "Sửa đơn vị"
    UNIT_ACTIVE = "unit_active", "Ngừng/kích hoạt đơn vị"
    MEMBERSHIP = "membership", "Xếp khối của đơn vị"
    TEXT_FIX = "text_fix", "Sửa lỗi chữ bộ chỉ số"
    IMPORT_UNITS = "import_units", "Nhập danh sách đơn vị"
    IMPORT_INDEX_SET = "import_index_set", "Nhập bộ chỉ số"
    IMPORT_SCORES = "import_scores", "Nhập điểm"
    IMPORT_SURVEY = "import_survey", "Nhập kết quả điều tra XHH"
    ROLE_GRANT = "role_grant", "Giao vai trò Hội đồng"
    ROLE_REVOKE = "role_revoke", "Gỡ vai trò Hội đồng"
    ASSIGNMENT_CREATE = "assignment_create", "Phân công thẩm định"
    ASSIGNMENT_DELETE = "assignment_delete", "Bỏ phân công thẩm định"


# An audit row's action is one of the above or the kind of the period event it mirrors.
AUDIT_ACTION_CHOICES = [*AuditAction.choices, *PeriodEventKind.choices]


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: object) -> int:
        raise RuntimeError("Nhật ký kiểm tra chỉ được ghi thêm, không được sửa.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Nhật ký kiểm tra chỉ được ghi thêm, không được xoá.")


class AuditEntry(models.Model):
    """One append-only row of the audit trail: who did what to which object, when, old → new.

    Written by the services themselves (never by signals on model saves), so compare-and-set updates,
    refusals with reasons, imports with their file, logins and exports are all recorded with the person
    acting. ``changes`` maps a field to ``[old, new]`` as shown text."""

    at = models.DateTimeField("lúc", auto_now_add=True, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="tài khoản thực hiện",
    )
    by_name = models.CharField("người thực hiện", max_length=200, blank=True)
    action = models.CharField("thao tác", max_length=30, choices=AUDIT_ACTION_CHOICES, db_index=True)
    period = models.ForeignKey(
        Period, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="kỳ đánh giá"
    )
    object_type = models.CharField("loại đối tượng", max_length=60, blank=True, db_index=True)
    object_id = models.CharField("mã số đối tượng", max_length=60, blank=True)
    object_repr = models.CharField("đối tượng", max_length=300, blank=True)
    changes = models.JSONField("thay đổi", default=dict, blank=True)
    detail = models.TextField("chi tiết", blank=True)
    reason = models.TextField("lý do", blank=True)
    file = models.FileField("tệp", upload_to="audit/%Y/%m/", blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "nhật ký kiểm tra"
        verbose_name_plural = "nhật ký kiểm tra"

    def __str__(self) -> str:
        return (
            f"{self.get_action_display()}: {self.object_repr}"
            if self.object_repr
            else self.get_action_display()
        )

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise RuntimeError("Nhật ký kiểm tra chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Nhật ký kiểm tra chỉ được ghi thêm, không được xoá.")
