from django import forms


class ReopenForm(forms.Form):
    reason = forms.CharField(label="Lý do mở lại", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ApproveForm(forms.Form):
    number = forms.CharField(label="Số quyết định", max_length=50, help_text="Ví dụ: 519/QĐ-UBND")
    date = forms.DateField(label="Ngày ký", help_text="dd/mm/yyyy")


class PublishedResultsForm(forms.Form):
    file = forms.FileField(
        label="Bảng kết quả đã công bố (.xlsx hoặc .csv)",
        error_messages={"required": "Hãy chọn tệp bảng kết quả (.xlsx hoặc .csv)."},
    )
