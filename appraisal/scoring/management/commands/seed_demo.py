"""python manage.py seed_demo — the Hà Tĩnh-style demo province (SPEC §12) with three periods side by side (SPEC
§3a): 2022 approved, 2023 running (the current period, in the explanation phase, units in every state) and 2024 in
preparation. Idempotent: what exists is left as it is, so a second run changes nothing.

The registry is seeded here; each year is then lived through the services by ``appraisal.scoring.demo``. The
command lives in scoring, the top of the imports' one-way flow, because it drives every app.

Every account's password is ``parindex-demo``. The password is hashed once and the hash shared, so seeding
~90 accounts takes milliseconds instead of a PBKDF2 round per account.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from appraisal.assessments.models import Assessment
from appraisal.core import roles
from appraisal.core.exceptions import ServiceError
from appraisal.council.models import OutboxMessage
from appraisal.registry.demo_sets import DEMO_SCALES, demo_rows
from appraisal.registry.models import (
    Group,
    IndexSet,
    Organisation,
    Period,
    PeriodEventKind,
    Phase,
    RoleAssignment,
    Unit,
    UnitMembership,
)
from appraisal.registry.phases import period_event_log
from appraisal.registry.services import (
    PERIOD_SETTING_FIELDS,
    index_set_copy,
    index_set_import_rows,
    period_create,
    period_set_current,
    period_update,
)
from appraisal.scoring.demo import seed_demo_years

DEMO_PASSWORD = "parindex-demo"
PAST_YEAR, RUNNING_YEAR, NEXT_YEAR = 2022, 2023, 2024

ORGANISATION = {
    "name": "Ủy ban nhân dân tỉnh Hà Tĩnh",
    "issuer_name": "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
    "place": "Hà Tĩnh",
    "chairman_title": "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
    "signer_name": "Nguyễn Hồng Lĩnh",
    "signer_title": "PHÓ CHỦ TỊCH",
    "signer_for": "KT. CHỦ TỊCH",
    "notice_issuer_name": "HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CCHC",
    "notice_parent_name": "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
    "notice_symbol": "HĐTĐ",
    "notice_signer_for": "TM. HỘI ĐỒNG THẨM ĐỊNH",
    "notice_signer_title": "CHỦ TỊCH",
    "notice_signer_name": "Nguyễn Hồng Lĩnh",
}

# code, name, title noun of the annex heading, order
GROUPS = [
    ("so", "Các sở, ban, ngành", "CỦA CÁC SỞ, BAN, NGÀNH", 1),
    ("huyen", "UBND các huyện, thị xã, thành phố", "CỦA ỦY BAN NHÂN DÂN CÁC HUYỆN, THỊ XÃ, THÀNH PHỐ", 2),
    (
        "tw",
        "Các cơ quan Trung ương đóng trên địa bàn tỉnh",
        "CỦA CÁC CƠ QUAN TRUNG ƯƠNG ĐÓNG TRÊN ĐỊA BÀN TỈNH",
        3,
    ),
]

# group, code, name, short name, head (fictional), head title, tags
UNITS = [
    ("so", "vpubnd", "Văn phòng UBND tỉnh", "VP UBND tỉnh", "Trần Văn Thành", "Chánh Văn phòng", "no_tthc"),
    ("so", "snv", "Sở Nội vụ", "SNV", "Nguyễn Thị Thu Hằng", "Giám đốc", ""),
    ("so", "stp", "Sở Tư pháp", "STP", "Lê Thị Hoa", "Giám đốc", ""),
    ("so", "skhdt", "Sở Kế hoạch và Đầu tư", "Sở KH&ĐT", "Phan Văn Cường", "Giám đốc", ""),
    ("so", "stc", "Sở Tài chính", "STC", "Đặng Quốc Vinh", "Giám đốc", ""),
    ("so", "sct", "Sở Công Thương", "SCT", "Hoàng Văn Lâm", "Giám đốc", ""),
    ("so", "snnptnt", "Sở Nông nghiệp và Phát triển nông thôn", "Sở NN&PTNT", "Bùi Đức Thọ", "Giám đốc", ""),
    ("so", "sgtvt", "Sở Giao thông vận tải", "Sở GTVT", "Võ Trọng Hải", "Giám đốc", ""),
    ("so", "sxd", "Sở Xây dựng", "SXD", "Nguyễn Văn Dũng", "Giám đốc", ""),
    ("so", "stnmt", "Sở Tài nguyên và Môi trường", "Sở TN&MT", "Hồ Huy Tuấn", "Giám đốc", ""),
    ("so", "stttt", "Sở Thông tin và Truyền thông", "Sở TT&TT", "Đậu Tùng Lâm", "Giám đốc", ""),
    (
        "so",
        "sldtbxh",
        "Sở Lao động – Thương binh và Xã hội",
        "Sở LĐ-TB&XH",
        "Phạm Thị Minh Nguyệt",
        "Giám đốc",
        "",
    ),
    ("so", "svhttdl", "Sở Văn hóa, Thể thao và Du lịch", "Sở VH-TT&DL", "Thái Văn Hiếu", "Giám đốc", ""),
    ("so", "skhcn", "Sở Khoa học và Công nghệ", "Sở KH&CN", "Trần Văn Hùng", "Giám đốc", ""),
    ("so", "sgddt", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT", "Nguyễn Thị Kim Oanh", "Giám đốc", ""),
    ("so", "syt", "Sở Y tế", "SYT", "Dương Tất Thắng", "Giám đốc", ""),
    ("so", "sngv", "Sở Ngoại vụ", "SNgV", "Lê Thị Thanh Mai", "Giám đốc", ""),
    ("so", "ttt", "Thanh tra tỉnh", "TTT", "Trần Huy Hoàng", "Chánh Thanh tra", ""),
    ("so", "bqlkkt", "Ban Quản lý Khu kinh tế tỉnh", "BQL KKT", "Nguyễn Văn Sơn", "Trưởng ban", ""),
    ("huyen", "tphatinh", "Thành phố Hà Tĩnh", "TP Hà Tĩnh", "Võ Hồng Hải", "Chủ tịch UBND", ""),
    ("huyen", "txhonglinh", "Thị xã Hồng Lĩnh", "TX Hồng Lĩnh", "Nguyễn Văn Long", "Chủ tịch UBND", ""),
    ("huyen", "txkyanh", "Thị xã Kỳ Anh", "TX Kỳ Anh", "Trần Quốc Tuấn", "Chủ tịch UBND", ""),
    ("huyen", "nghixuan", "Huyện Nghi Xuân", "Nghi Xuân", "Hoàng Văn Trung", "Chủ tịch UBND", ""),
    ("huyen", "ductho", "Huyện Đức Thọ", "Đức Thọ", "Lê Minh Đức", "Chủ tịch UBND", ""),
    ("huyen", "huongson", "Huyện Hương Sơn", "Hương Sơn", "Nguyễn Thị Hương", "Chủ tịch UBND", ""),
    ("huyen", "vuquang", "Huyện Vũ Quang", "Vũ Quang", "Phan Đình Lực", "Chủ tịch UBND", ""),
    ("huyen", "huongkhe", "Huyện Hương Khê", "Hương Khê", "Đinh Văn Khánh", "Chủ tịch UBND", ""),
    ("huyen", "canloc", "Huyện Can Lộc", "Can Lộc", "Trần Thị Lan", "Chủ tịch UBND", ""),
    ("huyen", "locha", "Huyện Lộc Hà", "Lộc Hà", "Bùi Quang Thịnh", "Chủ tịch UBND", ""),
    ("huyen", "thachha", "Huyện Thạch Hà", "Thạch Hà", "Nguyễn Huy Bình", "Chủ tịch UBND", ""),
    ("huyen", "camxuyen", "Huyện Cẩm Xuyên", "Cẩm Xuyên", "Lê Văn Phúc", "Chủ tịch UBND", ""),
    ("huyen", "kyanh", "Huyện Kỳ Anh", "Kỳ Anh", "Hồ Sỹ Toàn", "Chủ tịch UBND", ""),
    ("tw", "cuchaiquan", "Cục Hải quan tỉnh", "Cục Hải quan", "Nguyễn Đình Hưng", "Cục trưởng", ""),
    ("tw", "congan", "Công an tỉnh", "Công an tỉnh", "Trần Hồng Quang", "Giám đốc", ""),
    ("tw", "cucthue", "Cục Thuế tỉnh", "Cục Thuế", "Phạm Văn Thiện", "Cục trưởng", ""),
    (
        "tw",
        "nhnn",
        "Ngân hàng Nhà nước – Chi nhánh tỉnh",
        "NHNN chi nhánh",
        "Võ Thị Ngọc Anh",
        "Giám đốc",
        "",
    ),
    ("tw", "bhxh", "Bảo hiểm xã hội tỉnh", "BHXH tỉnh", "Lê Quang Huy", "Giám đốc", ""),
    ("tw", "kbnn", "Kho bạc Nhà nước tỉnh", "KBNN tỉnh", "Đoàn Thị Hạnh", "Giám đốc", ""),
]

# Province-wide accounts: username, full name, role, unit code (a council member's own unit).
PEOPLE = [
    ("secretariat", "Phan Thị Thu Hà", roles.SECRETARIAT, None),
    ("chair", "Nguyễn Văn Khoa", roles.CHAIR, None),
    ("observer", "Trần Minh Đức", roles.OBSERVER, None),
    ("member.stp", "Nguyễn Thị Bích Ngọc", roles.MEMBER, "stp"),
    ("member.stc", "Lê Văn Quý", roles.MEMBER, "stc"),
    ("member.stttt", "Hoàng Minh Tuấn", roles.MEMBER, "stttt"),
    ("member.snv", "Trần Thị Thanh Thủy", roles.MEMBER, "snv"),
]

# Unit editors get plausible names built from common family, middle and given names.
_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
_MIDDLE = ["Văn", "Thị", "Đức", "Thị Thu", "Minh", "Thị Hồng", "Quang", "Thị Lan", "Hữu", "Thị Mai", "Anh"]
_GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hiền",
    "Hòa",
    "Khánh",
    "Linh",
    "Nam",
    "Nga",
    "Phương",
    "Quân",
    "Sen",
    "Tâm",
    "Thảo",
    "Trang",
    "Tú",
    "Vân",
    "Yến",
    "Hưng",
    "Lợi",
]


def editor_name(index: int) -> str:
    return f"{_FAMILY[index % len(_FAMILY)]} {_MIDDLE[index % len(_MIDDLE)]} {_GIVEN[index % len(_GIVEN)]}"


@dataclass
class Created:
    groups: int = 0
    units: int = 0
    index_sets: int = 0
    users: int = 0
    roles: int = 0


def _seed_organisation() -> None:
    if Organisation.objects.exists():
        return  # the secretariat may have edited it: leave it
    Organisation.objects.create(**ORGANISATION)


def _seed_groups(created: Created) -> dict[str, Group]:
    groups = {}
    for code, name, noun, order in GROUPS:
        group, was_created = Group.objects.get_or_create(
            code=code, defaults={"name": name, "title_noun": noun, "order": order}
        )
        created.groups += was_created
        groups[code] = group
    return groups


def _seed_units(groups: dict[str, Group], created: Created) -> dict[str, Unit]:
    existing = {u.code: u for u in Unit.objects.filter(code__in=[row[1] for row in UNITS])}
    new = [
        Unit(code=code, name=name, short_name=short, head_name=head, head_title=title, tags=tags)
        for _, code, name, short, head, title, tags in UNITS
        if code not in existing
    ]
    for unit in Unit.objects.bulk_create(new):
        existing[unit.code] = unit
    created.units += len(new)
    return existing


def _seed_period(
    year: int,
    *,
    groups: dict[str, Group],
    units: dict[str, Unit],
    by: Any,
    created: Created,
    source: Period | None = None,
) -> Period:
    """The period of ``year`` with every unit in its group and an index set per group: imported from the demo
    workbook rows, or copied from ``source`` (last year's sets carried over), while it is in preparation."""
    period = Period.objects.filter(year=year).first() or period_create(year=year, by=by)
    if period.phase != Phase.PREPARING:
        return period
    placed = set(UnitMembership.objects.filter(period=period).values_list("unit_id", flat=True))
    UnitMembership.objects.bulk_create(
        [
            UnitMembership(period=period, unit=units[code], group=groups[group])
            for group, code, *_ in UNITS
            if units[code].pk not in placed
        ]
    )
    have = set(IndexSet.objects.filter(period=period).values_list("group__code", flat=True))
    for code in groups:
        if code in have:
            continue
        if source is not None:
            index_set_copy(source=IndexSet.objects.get(period=source, group__code=code), year=year, by=by)
        else:
            result = index_set_import_rows(
                year=year,
                group_code=code,
                rows=demo_rows(code),
                source_name=f"bo-chi-so-{code}-{year}.xlsx",
                scale=Decimal(DEMO_SCALES[code]),
                by=by,
            )
            if not result.ok:  # the demo data is wrong: say where
                raise CommandError(
                    "Bộ chỉ số mẫu «{}» không hợp lệ: {}".format(code, "; ".join(result.messages))
                )
        created.index_sets += 1
    return period


def _seed_people(units: dict[str, Unit], created: Created) -> dict[str, Any]:
    User = get_user_model()
    wanted: list[tuple[str, str, bool]] = [("admin", "Quản trị hệ thống", True)]
    wanted += [(username, name, False) for username, name, _, _ in PEOPLE]
    for index, (_, code, _, _, head, _, _) in enumerate(UNITS):
        wanted.append((f"{code}.editor", editor_name(index), False))
        wanted.append((f"{code}.head", head, False))
    existing = {u.username: u for u in User.objects.filter(username__in=[w[0] for w in wanted])}
    password = make_password(DEMO_PASSWORD) if len(existing) < len(wanted) else ""
    new = [
        User(
            username=username,
            first_name=name,
            password=password,
            is_superuser=superuser,
            is_staff=superuser,
            email=f"{username}@example.gov.vn",
        )
        for username, name, superuser in wanted
        if username not in existing
    ]
    User.objects.bulk_create(new)
    created.users += len(new)
    users = {u.username: u for u in User.objects.filter(username__in=[w[0] for w in wanted])}

    grants: list[tuple[str, str, str | None]] = [(u, role, unit) for u, _, role, unit in PEOPLE]
    for _, code, *_ in UNITS:
        grants.append((f"{code}.editor", roles.UNIT_EDITOR, code))
        grants.append((f"{code}.head", roles.UNIT_HEAD, code))
    have = set(
        RoleAssignment.objects.filter(user__in=users.values(), period__isnull=True).values_list(
            "user_id", "role", "unit_id"
        )
    )
    new_roles = []
    for username, role, unit_code in grants:
        user = users[username]
        unit = units[unit_code] if unit_code else None
        if (user.pk, role, unit.pk if unit else None) not in have:
            new_roles.append(RoleAssignment(user=user, role=role, unit=unit))
    RoleAssignment.objects.bulk_create(new_roles)
    created.roles += len(new_roles)
    return users


# The settings and the decision's fixed texts a new year takes from the last; not its name, number, dates, Tờ trình.
ROLLED_OVER_SETTINGS = [
    name
    for name in PERIOD_SETTING_FIELDS
    if name not in ("name", "decision_number", "decision_date", "proposal_number", "proposal_date")
]


def _rollover_stand_in(
    *, source: Period, year: int, by: Any, include_council: bool, reason: str = ""
) -> Period:
    """Next year from ``source``: its index sets and tracked units' memberships, its settings and decision
    texts. A stand-in with the signature of ``registry.lifecycle.period_rollover`` (used instead when it exists);
    the council is never copied here."""
    period = period_create(year=year, by=by)
    for index_set in IndexSet.objects.filter(period=source).select_related("group").order_by("group__order"):
        index_set_copy(source=index_set, year=year, by=by)
    tracked = UnitMembership.objects.filter(period=source, tracked=True, unit__active=True)
    UnitMembership.objects.bulk_create(
        UnitMembership(period=period, unit_id=m.unit_id, group_id=m.group_id) for m in tracked
    )
    period_update(period=period, by=by, **{name: getattr(source, name) for name in ROLLED_OVER_SETTINGS})
    period_event_log(
        period=period,
        kind=PeriodEventKind.ROLLOVER,
        by=by,
        reason=reason,
        detail=f"Tạo từ {source.name}: bộ chỉ số, đơn vị theo khối, thiết lập và văn bản cố định của quyết định.",
    )
    return period


def _rollover_service() -> Any:
    """The roll-over service once it is merged (its import errors are not hidden), else the stand-in."""
    if importlib.util.find_spec("appraisal.registry.lifecycle") is None:
        return _rollover_stand_in
    from appraisal.registry.lifecycle import period_rollover  # type: ignore[import-not-found,unused-ignore]

    return period_rollover


def _seed_next_year(source: Period, by: Any, created: Created) -> Period:
    """Next year in preparation, rolled over from the running year (once)."""
    period = Period.objects.filter(year=NEXT_YEAR).first()
    if period is None:
        period = _rollover_service()(
            source=source,
            year=NEXT_YEAR,
            by=by,
            include_council=False,
            reason="Dữ liệu mẫu: chuẩn bị kỳ đánh giá năm sau từ năm đang đánh giá.",
        )
        created.index_sets += IndexSet.objects.filter(period=period).count()
    return period


def _refuse_old_demo() -> None:
    """A database seeded by the one-year demo cannot be brought to the three years: say so, change nothing."""
    if (
        not Period.objects.filter(year=PAST_YEAR).exists()
        and Assessment.objects.filter(period__year=RUNNING_YEAR).exists()
    ):
        raise CommandError(
            f"Cơ sở dữ liệu đã có dữ liệu năm {RUNNING_YEAR} nhưng không có năm {PAST_YEAR} (dữ liệu mẫu cũ hoặc "
            "dữ liệu thật): không tạo dữ liệu mẫu. Hãy dùng một cơ sở dữ liệu trống (ví dụ xóa db.sqlite3 rồi chạy "
            "lại make run)."
        )


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu tỉnh Hà Tĩnh: năm 2022 đã phê duyệt, năm 2023 đang đánh giá, năm 2024 đang chuẩn bị "
        "(chạy lại nhiều lần không thay đổi gì)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = Created()
        outbox_before = OutboxMessage.objects.count()
        try:
            # The console e-mail backend would print every announcement the years produce: they stay in the
            # outbox (Tổ thư ký → Hộp thư đi) and this command prints its one summary line.
            with contextlib.redirect_stdout(io.StringIO()), transaction.atomic():
                _refuse_old_demo()
                _seed_organisation()
                groups = _seed_groups(created)
                units = _seed_units(groups, created)
                users = _seed_people(units, created)
                secretariat = users["secretariat"]
                past = _seed_period(PAST_YEAR, groups=groups, units=units, by=secretariat, created=created)
                running = _seed_period(
                    RUNNING_YEAR, groups=groups, units=units, by=secretariat, created=created, source=past
                )
                # The years' own work lives with the apps it uses (self-assessment, council, scoring).
                seed_demo_years(past=past, running=running, users=users)
                following = _seed_next_year(running, secretariat, created)
                if Organisation.current().current_period_id is None:
                    period_set_current(
                        period=running,
                        by=secretariat,
                        reason="Dữ liệu mẫu: năm đang đánh giá là kỳ hiện hành.",
                    )
        except ServiceError as error:
            raise CommandError(error.message)
        c = created
        mail = OutboxMessage.objects.count() - outbox_before
        periods = "; ".join(
            f"{p.year} {p.get_phase_display().lower()}"
            for p in sorted((past, running, following), key=lambda p: p.year)
        )
        self.stdout.write(
            f"Dữ liệu mẫu {ORGANISATION['place']} ({periods}; kỳ hiện hành {RUNNING_YEAR}): {len(GROUPS)} khối, "
            f"{len(UNITS)} đơn vị, {len(users)} tài khoản (mật khẩu {DEMO_PASSWORD}); mới tạo {c.units} đơn vị, "
            f"{c.index_sets} bộ chỉ số, {c.users} tài khoản, {mail} thư thông báo."
        )
