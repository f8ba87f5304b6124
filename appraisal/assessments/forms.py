"""Forms of the self-assessment pages: they validate and return typed values, nothing more."""

from __future__ import annotations

from django import forms
from django.conf import settings

from appraisal.core.dates import DayField, LocalDateTimeField

from .evidence import format_size

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"]
DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y"]


VERSION_MISSING = (
    "Chưa lưu: yêu cầu không cho biết phiên bản của mục mà bạn đã mở, nên không thể biết có ai vừa lưu "
    "mục này hay không. Hãy tải lại trang rồi nhập lại."
)


class EntryForm(forms.Form):
    value = forms.CharField(label="Giá trị", required=False, max_length=200)
    note = forms.CharField(
        label="Ghi chú / thuyết minh", required=False, max_length=5000, widget=forms.Textarea
    )
    # The version the person's page showed: without it a save could overwrite someone else's unseen.
    version = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={
            "required": VERSION_MISSING,
            "invalid": VERSION_MISSING,
            "min_value": VERSION_MISSING,
        },
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp tài liệu",
        help_text="PDF, Word, Excel, ảnh JPEG/PNG hoặc ZIP; tối đa {size}.".format(
            size=format_size(settings.EVIDENCE_MAX_BYTES)
        ),
        error_messages={
            "required": "Hãy chọn tệp cần tải lên.",
            "empty": "Tệp rỗng (0 byte): hãy chọn lại tệp.",
        },
        allow_empty_file=True,  # the service refuses empty files with a message naming the file
    )
    title = forms.CharField(label="Tên tài liệu (không bắt buộc)", required=False, max_length=255)


class DocumentForm(forms.Form):
    doc_number = forms.CharField(
        label="Số/ký hiệu",
        max_length=100,
        error_messages={"required": "Hãy nhập số/ký hiệu văn bản, ví dụ 125/KH-SKHCN."},
        widget=forms.TextInput(attrs={"placeholder": "125/KH-SKHCN"}),
    )
    doc_date = DayField(
        label="Ngày ban hành",
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Hãy nhập ngày ban hành (dd/mm/yyyy).",
            "invalid": "Ngày ban hành phải viết dạng dd/mm/yyyy, ví dụ 15/03/2023.",
        },
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )
    doc_summary = forms.CharField(
        label="Trích yếu",
        max_length=2000,
        error_messages={"required": "Hãy nhập trích yếu nội dung văn bản."},
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AttachForm(forms.Form):
    evidence = forms.IntegerField(
        label="Tài liệu trong thư viện", error_messages={"required": "Hãy chọn một tài liệu trong thư viện."}
    )


class LibraryAddForm(forms.Form):
    """The library page adds either a file or a document reference."""

    file = forms.FileField(label="Tệp tài liệu", required=False, allow_empty_file=True)
    title = forms.CharField(label="Tên tài liệu", required=False, max_length=255)
    doc_number = forms.CharField(label="Số/ký hiệu", required=False, max_length=100)
    doc_date = DayField(
        label="Ngày ban hành (dd/mm/yyyy)",
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "Ngày ban hành phải viết dạng dd/mm/yyyy, ví dụ 15/03/2023."},
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )
    doc_summary = forms.CharField(
        label="Trích yếu", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (
            data.get("doc_number") or data.get("doc_summary") or data.get("doc_date")
        ):
            raise forms.ValidationError(
                "Hãy chọn tệp để tải lên, hoặc nhập số/ký hiệu, ngày ban hành và trích yếu của văn bản."
            )
        return data


class ReplaceForm(forms.Form):
    file = forms.FileField(
        label="Tệp mới", allow_empty_file=True, error_messages={"required": "Hãy chọn tệp mới để thay thế."}
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="Lý do trả lại",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Hãy ghi lý do trả lại để đơn vị biết cần bổ sung gì."},
    )


class ExtensionForm(forms.Form):
    until = LocalDateTimeField(
        label="Gia hạn đến (dd/mm/yyyy hh:mm; chỉ ghi ngày là đến 23:59 ngày đó)",
        date_only="end",
        error_messages={
            "required": "Hãy nhập thời hạn mới.",
            "invalid": "Thời hạn phải viết dạng dd/mm/yyyy hoặc dd/mm/yyyy hh:mm, ví dụ 20/03/2024 17:00.",
        },
        widget=forms.TextInput(attrs={"placeholder": "20/03/2024 17:00"}),
    )
    reason = forms.CharField(
        label="Lý do gia hạn",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Hãy ghi lý do gia hạn."},
    )


class NotSubmittedForm(forms.Form):
    """The reason to close «không nộp»; the service says when it is missing (one message, one place)."""

    reason = forms.CharField(
        label="Lý do đóng «không nộp»", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WorkbookForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel đã điền (.xlsx)",
        allow_empty_file=True,
        error_messages={"required": "Hãy chọn tệp Excel đã điền."},
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > settings.EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(
                "Tệp quá lớn ({size}); phiếu tự đánh giá chỉ vài chục KB — hãy chọn đúng tệp.".format(
                    size=format_size(uploaded.size)
                )
            )
        return uploaded
