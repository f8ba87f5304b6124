"""Words for stored keys that people read (audit trail changes)."""

from __future__ import annotations

from typing import Any

# The fields an audit row's ``changes`` name, in the users' words (the stored keys stay field names).
CHANGE_LABELS = {
    "phase": "giai đoạn",
    "version": "phiên bản",
    "active": "đang hoạt động",
    "role": "vai trò",
    "name": "tên",
    "short_name": "tên viết tắt",
    "tags": "nhãn",
    "head_name": "người đứng đầu",
    "head_title": "chức vụ người đứng đầu",
    "email": "thư điện tử",
    "group": "khối",
    "title": "nội dung",
    "guidance": "hướng dẫn chấm",
    "evidence": "tài liệu kiểm chứng",
    "field_code": "lĩnh vực",
    "member": "thành viên",
    "unit": "đơn vị",
}


def change_label(key: str) -> str:
    return CHANGE_LABELS.get(key, key)


def person_label(user: Any) -> str:
    """'Nguyễn Văn Khoa (chair)': the person's name, with the login name that tells accounts apart."""
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else f"({user.username})"
