"""Council forms: they validate and return typed values; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from appraisal.assessments.models import Round2Decision
from appraisal.core.uploads import ImportFileField
from appraisal.registry.models import Group, Period, Unit

from .selectors import council_candidates, council_members_for_period, field_choices, groups_of_period
from .services import COUNCIL_SETUP_ROLES

ALL_GROUPS = "all"


class Round1Form(forms.Form):
    value = forms.CharField(label="Giá trị thẩm định", max_length=200, required=False)
    reason = forms.CharField(
        label="Lý do (bắt buộc khi hạ điểm)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class Round2Form(forms.Form):
    decision = forms.ChoiceField(
        label="Kết luận vòng 2",
        choices=Round2Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Hãy chọn kết luận: Chấp nhận, Chấp nhận một phần hoặc Giữ nguyên."},
    )
    value = forms.CharField(label="Giá trị mới (khi chấp nhận một phần)", max_length=200, required=False)
    reason = forms.CharField(
        label="Lý do",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Phải nêu lý do của kết luận vòng 2."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ExplanationForm(forms.Form):
    text = forms.CharField(
        label="Nội dung giải trình",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        error_messages={
            "max_length": "Nội dung giải trình có %(show_value)d ký tự, vượt giới hạn %(limit_value)d ký tự: "
            "hãy rút gọn rồi lưu lại (phần dài có thể đưa vào tài liệu bổ sung)."
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Lý do mở lại",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Phải nêu lý do mở lại kết quả đã chốt."},
    )


class CouncilRoleForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Người",
        help_text="Chỉ liệt kê người có họ tên, chưa ở trong Hội đồng kỳ này; gõ vào ô lọc để tìm theo họ tên, "
        "đơn vị hoặc vai trò.",
        queryset=get_user_model().objects.none(),
        error_messages={
            "required": "Hãy chọn người.",
            "invalid_choice": "Người được chọn không còn tồn tại.",
        },
    )
    role = forms.ChoiceField(label="Vai trò", choices=list(COUNCIL_SETUP_ROLES.items()))
    unit = forms.ModelChoiceField(
        label="Thuộc đơn vị (để tránh xung đột lợi ích)",
        queryset=Unit.objects.filter(active=True),
        required=False,
        empty_label="— không thuộc đơn vị được đánh giá —",
    )

    def __init__(self, *args: Any, period: Period, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        candidates = council_candidates(period)
        labels = {u.pk: text for u, text in candidates}
        field = self.fields["user"]
        field.queryset = get_user_model().objects.filter(pk__in=list(labels))
        field.label_from_instance = lambda u: labels.get(u.pk, u.get_full_name())
        # Keep the order of the candidates (by name), not the database's.
        field.choices = [("", "— Chọn người —")] + [(u.pk, text) for u, text in candidates]
        self.fields["unit"].queryset = Unit.objects.filter(active=True).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == "member" and not data.get("unit"):
            self.add_error(
                "unit", "Thành viên Hội đồng phải ghi rõ đơn vị công tác (để tránh tự thẩm định đơn vị mình)."
            )
        return data


class AssignmentBulkForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label="Thành viên",
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Hãy chọn ít nhất một thành viên."},
    )
    field_codes = forms.MultipleChoiceField(
        label="Lĩnh vực",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Hãy chọn ít nhất một lĩnh vực."},
    )
    groups = forms.MultipleChoiceField(
        label="Khối",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Hãy chọn ít nhất một khối (hoặc «Mọi khối»)."},
    )

    def __init__(self, *args: Any, period: Period, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = council_members_for_period(period)
        self.fields["members"].queryset = (
            get_user_model().objects.filter(pk__in=[m.pk for m in members]).order_by("username")
        )
        self.fields["members"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["field_codes"].choices = [
            (code, f"{code}. {title}") for code, title in field_choices(period)
        ]
        self._groups = {str(g.pk): g for g in groups_of_period(period)}
        self.fields["groups"].choices = [(ALL_GROUPS, "Mọi khối")] + [
            (k, g.name) for k, g in self._groups.items()
        ]

    def selected_groups(self) -> list[Group | None]:
        chosen = self.cleaned_data["groups"]
        if ALL_GROUPS in chosen:
            return [None]
        return [self._groups[k] for k in chosen]


class ScoresImportForm(forms.Form):
    file = ImportFileField(
        label="Tệp kết quả điều tra (.xlsx hoặc .csv)",
        error_messages={"required": "Hãy chọn tệp kết quả điều tra (.xlsx hoặc .csv)."},
    )
