from django import forms

from appraisal.core.dates import DayField
from appraisal.core.uploads import ImportFileField


class ReopenForm(forms.Form):
    reason = forms.CharField(label="Lý do mở lại", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ApproveForm(forms.Form):
    # The view shows errors as messages away from the fields, so each one names its field.
    number = forms.CharField(
        label="Số quyết định",
        max_length=50,
        help_text="Ví dụ: 519/QĐ-UBND",
        error_messages={
            "required": "Hãy nhập số quyết định phê duyệt (ví dụ 519/QĐ-UBND).",
            "max_length": "Số quyết định phê duyệt dài quá %(limit_value)d ký tự.",
        },
    )
    date = DayField(
        label="Ngày ký",
        help_text="dd/mm/yyyy",
        error_messages={
            "required": "Hãy nhập ngày ký quyết định phê duyệt (dd/mm/yyyy).",
            "invalid": "Ngày ký quyết định phê duyệt không hợp lệ: ghi dạng dd/mm/yyyy, ví dụ 05/02/2024.",
        },
    )


class PublishedResultsForm(forms.Form):
    file = ImportFileField(
        label="Bảng kết quả đã công bố (.xlsx hoặc .csv)",
        error_messages={"required": "Hãy chọn tệp bảng kết quả (.xlsx hoặc .csv)."},
    )
