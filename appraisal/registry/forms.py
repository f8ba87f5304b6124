"""Registry forms: they validate input and return typed values; the services decide and write."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from appraisal.core.dates import DayField, LocalDateTimeField
from appraisal.core.uploads import ImportFileField

from .codes import code_refusal
from .importing import split_list
from .models import PERIOD_TRANSITIONS, Group, IndexSet, Organisation, Period, Phase, Unit
from .phases import WORKING_PHASES

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
_CODE_HELP = "Chữ cái không dấu, chữ số, «_» hoặc «-», ví dụ «skhcn»."
_CODE = re.compile(r"[A-Za-z0-9_-]+")


def _year_field(initial: int | None = None) -> forms.IntegerField:
    return forms.IntegerField(
        label="Năm đánh giá",
        min_value=2000,
        max_value=2100,
        initial=initial,
        error_messages={
            "required": "Hãy nhập năm đánh giá.",
            "invalid": "Năm phải là số, ví dụ 2024.",
            "min_value": "Năm phải từ 2000 trở đi.",
            "max_value": "Năm phải trước 2100.",
        },
    )


def _code_field(label: str) -> forms.RegexField:
    return forms.RegexField(
        label=label,
        regex=r"^[A-Za-z0-9_-]+$",
        max_length=40,
        help_text=_CODE_HELP,
        error_messages={
            "required": "Hãy nhập mã.",
            "invalid": "Mã chỉ được gồm chữ cái không dấu, chữ số, «_» hoặc «-».",
            "max_length": "Mã dài tối đa 40 ký tự.",
        },
    )


class _UploadField(ImportFileField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label="Tệp Excel (.xlsx) hoặc CSV",
            error_messages={"required": "Hãy chọn tệp cần nhập."},
            help_text="Dòng đầu là tên cột (theo tệp mẫu). Tệp CSV lưu với mã hóa UTF-8; dấu phân cách «,» hoặc «;».",
            **kwargs,
        )
        self.widget.attrs["accept"] = ".xlsx,.csv"

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Tệp lớn hơn 5 MB: hãy kiểm tra lại tệp.")
        return upload


def _current_year() -> int:
    return timezone.localdate().year


class UnitsImportForm(forms.Form):
    year = _year_field()
    file = _UploadField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = _default_year()


def _default_year() -> int:
    latest = Period.objects.order_by("-year").values_list("year", flat=True).first()
    return latest or _current_year()


class IndexSetImportForm(forms.Form):
    year = _year_field()
    group = forms.CharField(
        label="Khối",
        max_length=40,
        help_text="Chọn khối đã có, hoặc gõ mã khối mới (kèm tên khối bên dưới).",
        error_messages={"required": "Hãy chọn hoặc nhập mã khối."},
    )
    group_name = forms.CharField(
        label="Tên khối mới", max_length=200, required=False, help_text="Chỉ cần khi tạo khối mới."
    )
    scale = forms.DecimalField(
        label="Thang điểm mong đợi",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=7,
        decimal_places=2,
        help_text="Ví dụ 100, hoặc 60 với khối cơ quan Trung ương. Để trống nếu không cần kiểm tra.",
        error_messages={"invalid": "Thang điểm phải là số, ví dụ 100."},
    )
    file = _UploadField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = _default_year()
        self.fields["group"].widget.attrs["list"] = "group-codes"

    def clean_group(self) -> str:
        code = self.cleaned_data["group"].strip()
        if not _CODE.fullmatch(code):
            raise forms.ValidationError("Mã khối chỉ được gồm chữ cái không dấu, chữ số, «_» hoặc «-».")
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        code = data.get("group")
        if code and not data.get("group_name") and not Group.objects.filter(code=code).exists():
            self.add_error("group_name", f"Khối «{code}» chưa có: hãy nhập tên khối để tạo khối mới.")
        return data


class YearOptionsSelect(forms.Select):
    """A select whose options carry their period's year (``data-year``), so that static/js/registry.js can
    propose the following year when another source is chosen."""

    def __init__(self, *args: Any, year_of: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year_of = year_of

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        instance = getattr(option["value"], "instance", None)
        if instance is not None:
            option["attrs"]["data-year"] = str(self.year_of(instance))
        return option


_COPY_YEAR_HELP = "Mặc định: năm sau năm của bộ chỉ số nguồn. Kỳ của năm đó phải có sẵn."


class IndexSetCopyForm(forms.Form):
    """Copy one group's set to another year. The year proposed is the source set's year + 1 (issue 9: it was
    the year after the latest period); the target period must exist, the copy never creates it."""

    source = forms.ModelChoiceField(
        label="Bộ chỉ số nguồn",
        queryset=IndexSet.objects.none(),
        empty_label=None,
        widget=YearOptionsSelect(year_of=lambda s: s.period.year),
        error_messages={"required": "Hãy chọn bộ chỉ số nguồn.", "invalid_choice": "Bộ chỉ số không còn."},
    )
    year = _year_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sources = IndexSet.objects.select_related("period", "group").order_by("-period__year", "group__order")
        self.fields["source"].queryset = sources
        self.fields["year"].help_text = _COPY_YEAR_HELP
        self.fields["year"].widget.attrs["data-next-year-of"] = "source"
        self.missing_year: int | None = None
        chosen = self.initial.get("source")
        source = sources.filter(pk=chosen).first() if chosen else sources.first()
        if source is not None:
            self.initial["source"] = source.pk
            self.fields["year"].initial = source.period.year + 1

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        year = data.get("year")
        if year is not None and not Period.objects.filter(year=year).exists():
            self.missing_year = year
            self.add_error("year", f"Chưa có kỳ đánh giá năm {year}: sao chép không tạo kỳ mới.")
        return data


class PeriodRolloverForm(forms.Form):
    """Source period, new year (default: source year + 1) and whether the council comes along."""

    source = forms.ModelChoiceField(
        label="Kỳ nguồn",
        queryset=Period.objects.none(),
        empty_label=None,
        widget=YearOptionsSelect(year_of=lambda p: p.year),
        error_messages={"required": "Hãy chọn kỳ nguồn.", "invalid_choice": "Kỳ nguồn không còn."},
    )
    year = forms.IntegerField(
        label="Năm của kỳ mới",
        min_value=2000,
        max_value=2100,
        required=False,
        help_text="Mặc định: năm sau năm của kỳ nguồn.",
        error_messages={
            "invalid": "Năm phải là số, ví dụ 2024.",
            "min_value": "Năm phải từ 2000 trở đi.",
            "max_value": "Năm phải trước 2100.",
        },
    )
    include_council = forms.BooleanField(
        label="Sao chép Hội đồng thẩm định (vai trò trong kỳ) và phân công thẩm định",
        required=False,
        initial=True,
    )
    reason = forms.CharField(
        label="Ghi chú (tùy chọn)", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Period.objects.order_by("-year")
        self.fields["year"].widget.attrs["data-next-year-of"] = "source"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("source") is not None and data.get("year") is None and "year" not in self.errors:
            data["year"] = data["source"].year + 1
        return data


class PeriodReasonForm(forms.Form):
    reason = forms.CharField(
        label="Lý do",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Hãy nêu lý do."},
    )


class GroupForm(forms.Form):
    code = _code_field("Mã khối")
    name = forms.CharField(
        label="Tên khối", max_length=200, error_messages={"required": "Hãy nhập tên khối."}
    )
    title_noun = forms.CharField(
        label="Cụm từ trong tiêu đề phụ lục",
        max_length=200,
        required=False,
        help_text="Ví dụ: CỦA CÁC SỞ, BAN, NGÀNH",
    )
    order = forms.IntegerField(label="Thứ tự", min_value=0, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = "Mã khối không đổi được."


class UnitForm(forms.Form):
    code = _code_field("Mã đơn vị")
    name = forms.CharField(
        label="Tên đơn vị", max_length=255, error_messages={"required": "Hãy nhập tên đơn vị."}
    )
    short_name = forms.CharField(label="Tên viết tắt", max_length=100, required=False)
    period = forms.ModelChoiceField(
        label="Kỳ đánh giá", queryset=Period.objects.none(), required=False, empty_label="— không xếp khối —"
    )
    group = forms.ModelChoiceField(label="Khối trong kỳ", queryset=Group.objects.none(), required=False)
    head_name = forms.CharField(label="Người đứng đầu", max_length=100, required=False)
    head_title = forms.CharField(label="Chức vụ người đứng đầu", max_length=100, required=False)
    email = forms.EmailField(
        label="Thư điện tử", required=False, error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ."}
    )
    tags = forms.CharField(
        label="Nhãn", max_length=255, required=False, help_text="Cách nhau bởi dấu phẩy, ví dụ no_tthc."
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = Period.objects.order_by("-year")
        self.fields["group"].queryset = Group.objects.order_by("order", "code")
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = "Mã đơn vị không đổi được."

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        refusal = None if self.fields["code"].disabled else code_refusal(Unit.objects.all(), code, "đơn vị")
        if refusal is not None:
            raise forms.ValidationError(refusal)
        return code

    def clean_tags(self) -> str:
        tags = split_list(self.cleaned_data["tags"])
        bad = [t for t in tags if not _CODE.fullmatch(t)]
        if bad:
            raise forms.ValidationError(
                f"Nhãn «{', '.join(bad)}» chỉ được gồm chữ cái không dấu, chữ số, «_», «-»."
            )
        return ",".join(tags)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("period") and not data.get("group"):
            self.add_error("group", "Hãy chọn khối của đơn vị trong kỳ đã chọn.")
        if data.get("group") and not data.get("period"):
            self.add_error("period", "Hãy chọn kỳ đánh giá để xếp đơn vị vào khối.")
        return data


class UnitFilterForm(forms.Form):
    period = forms.ModelChoiceField(
        label="Kỳ đánh giá", queryset=Period.objects.none(), required=False, empty_label="— tất cả —"
    )
    group = forms.ModelChoiceField(
        label="Khối", queryset=Group.objects.none(), required=False, empty_label="— tất cả —"
    )

    def __init__(self, *args: Any, periods: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods
        self.fields["group"].queryset = groups


class NodeTextFixForm(forms.Form):
    title = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 3}))
    guidance = forms.CharField(
        label="Hướng dẫn chấm", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    evidence = forms.CharField(
        label="Tài liệu kiểm chứng", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class PeriodCreateForm(forms.Form):
    year = _year_field()
    name = forms.CharField(
        label="Tên kỳ", max_length=200, required=False, help_text="Mặc định: Chỉ số CCHC năm …"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = _default_year() + 1


def _threshold(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        error_messages={"required": "Hãy nhập ngưỡng.", "invalid": "Ngưỡng phải là số từ 0 đến 100."},
    )


BAND_FIELDS = (
    ("xuat_sac", "Xuất sắc từ (%)"),
    ("tot", "Tốt từ (%)"),
    ("kha", "Khá từ (%)"),
    ("trung_binh", "Trung bình từ (%)"),
)
HEAD_FIELDS = (
    ("htxs", "Hoàn thành xuất sắc nhiệm vụ từ (%)"),
    ("htt", "Hoàn thành tốt nhiệm vụ từ (%)"),
    ("ht", "Hoàn thành nhiệm vụ từ (%)"),
)
SURVEY_ANSWERS = ("A", "B", "C", "D")


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class PeriodSettingsForm(forms.Form):
    """Settings and decision fields of a period. Thresholds are stored as the JSON the engine reads."""

    name = forms.CharField(label="Tên kỳ", max_length=200)
    decimals = forms.IntegerField(label="Số chữ số thập phân của chỉ số", min_value=0, max_value=4)
    explanation_days = forms.IntegerField(label="Số ngày giải trình", min_value=0, max_value=60)
    head_min_field_index = forms.DecimalField(
        label="Chỉ số thành phần tối thiểu để xét người đứng đầu (%)",
        required=False,
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=2,
        help_text="Để trống nếu không áp dụng.",
    )
    decision_number = forms.CharField(
        label="Số quyết định", max_length=50, required=False, help_text="Ví dụ 519/QĐ-UBND"
    )
    decision_date = DayField(
        label="Ngày quyết định",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text="dd/mm/yyyy",
        error_messages={"invalid": "Ngày phải theo dạng dd/mm/yyyy, ví dụ 05/02/2024."},
    )
    legal_bases = forms.CharField(
        label="Căn cứ pháp lý (mỗi dòng một căn cứ)", widget=forms.Textarea(attrs={"rows": 5})
    )
    proposal = forms.CharField(label="Theo đề nghị của", max_length=500)
    proposal_number = forms.CharField(
        label="Số Tờ trình của Sở Nội vụ", max_length=50, required=False, help_text="Ví dụ 45/TTr-SNV"
    )
    proposal_date = DayField(
        label="Ngày Tờ trình",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text="dd/mm/yyyy",
        error_messages={"invalid": "Ngày phải theo dạng dd/mm/yyyy, ví dụ 25/01/2024."},
    )
    recipients = forms.CharField(
        label="Nơi nhận (mỗi dòng một nơi)", widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, period: Period, **kwargs: Any) -> None:
        initial = {
            "name": period.name,
            "decimals": period.decimals,
            "explanation_days": period.explanation_days,
            "head_min_field_index": period.head_min_field_index,
            "decision_number": period.decision_number,
            "decision_date": period.decision_date.strftime("%d/%m/%Y") if period.decision_date else "",
            "legal_bases": period.legal_bases,
            "proposal": period.proposal,
            "proposal_number": period.proposal_number,
            "proposal_date": period.proposal_date.strftime("%d/%m/%Y") if period.proposal_date else "",
            "recipients": period.recipients,
        }
        bands = dict(period.bands)
        heads = dict(period.head_ratings)
        for key, _ in BAND_FIELDS:
            initial[f"band_{key}"] = bands.get(key, "")
        for key, _ in HEAD_FIELDS:
            initial[f"head_{key}"] = heads.get(key, "")
        for answer in SURVEY_ANSWERS:
            initial[f"survey_{answer}"] = period.survey_weights.get(answer, "")
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for key, label in BAND_FIELDS:
            self.fields[f"band_{key}"] = _threshold(label)
        for key, label in HEAD_FIELDS:
            self.fields[f"head_{key}"] = _threshold(label)
        for answer in SURVEY_ANSWERS:
            self.fields[f"survey_{answer}"] = _threshold(f"Trọng số phương án {answer} (%)")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for prefix, fields, what in (
            ("band", BAND_FIELDS, "xếp loại"),
            ("head", HEAD_FIELDS, "người đứng đầu"),
        ):
            values = [data.get(f"{prefix}_{key}") for key, _ in fields]
            if all(v is not None for v in values) and any(
                a <= b for a, b in zip(values, values[1:], strict=False)
            ):
                self.add_error(f"{prefix}_{fields[0][0]}", f"Các ngưỡng {what} phải giảm dần từ trên xuống.")
        return data

    def values(self) -> dict[str, Any]:
        """The cleaned data in the shape period_update takes."""
        d = self.cleaned_data
        return {
            "name": d["name"].strip(),
            "decimals": d["decimals"],
            "explanation_days": d["explanation_days"],
            "head_min_field_index": d["head_min_field_index"],
            "decision_number": d["decision_number"].strip(),
            "decision_date": d["decision_date"],
            "legal_bases": d["legal_bases"].strip(),
            "proposal": d["proposal"].strip(),
            "proposal_number": d["proposal_number"].strip(),
            "proposal_date": d["proposal_date"],
            "recipients": d["recipients"].strip(),
            "bands": [[key, _plain(d[f"band_{key}"])] for key, _ in BAND_FIELDS],
            "head_ratings": [[key, _plain(d[f"head_{key}"])] for key, _ in HEAD_FIELDS],
            "survey_weights": {a: _plain(d[f"survey_{a}"]) for a in SURVEY_ANSWERS},
        }


class _LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PhaseWindowForm(forms.Form):
    opens_at = LocalDateTimeField(
        label="Mở lúc",
        date_only="start",
        widget=_LocalDateTimeInput(),
        error_messages={"required": "Hãy nhập thời điểm mở.", "invalid": "Thời điểm không hợp lệ."},
    )
    due_at = LocalDateTimeField(
        label="Hạn chót",
        date_only="end",
        widget=_LocalDateTimeInput(),
        error_messages={"required": "Hãy nhập hạn chót.", "invalid": "Thời điểm không hợp lệ."},
    )
    grace_minutes = forms.IntegerField(
        label="Gia hạn ẩn (phút)",
        min_value=0,
        max_value=7 * 24 * 60,
        initial=0,
        error_messages={"invalid": "Số phút phải là số nguyên."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("opens_at") and data.get("due_at") and data["due_at"] < data["opens_at"]:
            self.add_error("due_at", "Hạn chót phải sau thời điểm mở.")
        return data


class PeriodAdvanceForm(forms.Form):
    """The secretariat's phase change between working phases; finalisation and approval have their own pages
    (the chair's finalisation, the secretariat's approval with a complete decision)."""

    to_phase = forms.ChoiceField(
        label="Chuyển sang giai đoạn",
        choices=(),
        error_messages={
            "required": "Hãy chọn giai đoạn được phép chuyển tới.",
            "invalid_choice": "Không chuyển sang giai đoạn này được: hãy chọn một giai đoạn trong danh sách "
            "(chốt kết quả do Chủ tịch Hội đồng, phê duyệt trên trang Kết quả).",
        },
    )
    reason = forms.CharField(
        label="Lý do",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Hãy ghi lý do chuyển giai đoạn."},
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args: Any, period: Period, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_phase"].choices = [(p, Phase(p).label) for p in advance_targets(period)]


def advance_targets(period: Period) -> list[str]:
    """Working phases the secretariat may move ``period`` to: forward first, then the way back."""
    allowed = [p for p in PERIOD_TRANSITIONS.get(period.phase, frozenset()) if p in WORKING_PHASES]
    order = [p.value for p in Phase]
    here = order.index(period.phase)
    return sorted(allowed, key=lambda p: (order.index(p) < here, order.index(p)))


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "issuer_name",
            "parent_name",
            "place",
            "chairman_title",
            "signer_name",
            "signer_title",
            "signer_for",
            "notice_issuer_name",
            "notice_parent_name",
            "notice_symbol",
            "notice_signer_for",
            "notice_signer_title",
            "notice_signer_name",
        ]
