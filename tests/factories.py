"""Factories and small builders shared by every test module."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from appraisal.registry.models import (
    Group,
    IndexNode,
    IndexSet,
    Period,
    Phase,
    RoleAssignment,
    Unit,
    UnitMembership,
)

User = get_user_model()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Người dùng"
    password = factory.django.Password("parindex-test")


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"khoi{n}")
    name = factory.LazyAttribute(lambda o: f"Khối {o.code}")
    order = factory.Sequence(int)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dv{n}")
    name = factory.LazyAttribute(lambda o: f"Đơn vị {o.code}")
    head_name = "Nguyễn Văn A"
    head_title = "Giám đốc"


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period
        django_get_or_create = ("year",)

    year = 2023
    name = factory.LazyAttribute(lambda o: f"Chỉ số CCHC năm {o.year}")
    phase = Phase.SELF_ASSESSMENT


def grant(user, role: str, unit: Unit | None = None, period: Period | None = None) -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, role=role, unit=unit, period=period)


def member_of(period: Period, unit: Unit, group: Group) -> UnitMembership:
    return UnitMembership.objects.get_or_create(period=period, unit=unit, defaults={"group": group})[0]


# A small 10-point set using every rule type; codes as in SPEC §4. Row: code, title, max, method, rule, excluded.
SMALL_SET_ROWS: list[tuple[str, str, str, str, str, str]] = [
    ("1", "Công tác chỉ đạo, điều hành CCHC", "4", "", "", ""),
    ("1.1", "Ban hành kế hoạch CCHC năm", "1", "appraisal", "boolean", ""),
    ("1.2", "Mức độ hoàn thành kế hoạch", "1", "appraisal", "tiers: >=100%=1; >=80%=0.5; else=0", ""),
    ("1.3", "Chất lượng báo cáo CCHC", "1", "appraisal", "levels: Tốt=1; Đạt=0.5; Chưa đạt=0", ""),
    ("1.4", "Tỷ lệ văn bản xử lý đúng hạn", "1", "appraisal", "proportional: min=50%", ""),
    ("2", "Cải cách thủ tục hành chính", "3", "", "", ""),
    ("2.1", "Công khai thủ tục hành chính", "2", "appraisal", "manual: step=0.25", "no_tthc"),
    ("2.2", "Tỷ lệ hồ sơ trực tuyến", "1", "appraisal", "proportional", "no_tthc"),
    ("3", "Tác động của CCHC", "3", "", "", ""),
    ("3.1", "Mức độ hài lòng của người dân", "3", "survey", "survey", ""),
    ("T1", "Sáng kiến CCHC được công nhận", "1", "bonus", "boolean", ""),
    ("P1", "Vi phạm kỷ luật, kỷ cương hành chính", "2", "penalty", "penalty: per=0.5", ""),
]


def build_index_set(period: Period, group: Group, rows=SMALL_SET_ROWS) -> IndexSet:
    """Create an index set straight from rows (tests only; the import service validates real files)."""
    index_set = IndexSet.objects.create(period=period, group=group)
    by_code: dict[str, IndexNode] = {}
    codes = {r[0] for r in rows}
    for position, (code, title, max_points, method, rule, excluded) in enumerate(rows):
        parent_code = code.rsplit(".", 1)[0] if "." in code else None
        node = IndexNode.objects.create(
            index_set=index_set,
            parent=by_code.get(parent_code) if parent_code else None,
            code=code,
            title=title,
            max_points=Decimal(max_points),
            method=method,
            rule=rule,
            excluded_tags=excluded,
            position=position,
            depth=code.count("."),
            is_leaf=not any(c.startswith(code + ".") for c in codes),
        )
        by_code[code] = node
    return index_set
