"""The file field of every import form (units, index sets, survey, published results)."""

from __future__ import annotations

from typing import Any

from django import forms

from .cells import empty_file_message


class ImportFileField(forms.FileField):
    """A file to import: an empty file is refused with the message the imports themselves give, naming the
    file (Django's own «Tập tin được gửi là rỗng.» names nothing and differed from page to page)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["allow_empty_file"] = True  # refused below, with the file's name
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload is not None and not upload.size:
            raise forms.ValidationError(empty_file_message(upload.name))
        return upload
