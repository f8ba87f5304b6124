"""import_units, import_index_set, seed_demo: one summary line, non-zero exit with every error, nothing written."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from appraisal.assessments.models import Assessment, AssessmentEvent, Evidence, ItemHistory
from appraisal.council.models import Assignment, OutboxMessage, SurveyImport
from appraisal.registry.models import (
    Group,
    IndexNode,
    IndexSet,
    Organisation,
    Period,
    Phase,
    RoleAssignment,
    Unit,
    UnitMembership,
)
from appraisal.scoring.models import ScoreRun
from tests.factories import PeriodFactory, UnitFactory
from tests.registry.helpers import UNIT_HEADER_VI, csv_bytes, small_set_rows, snapshot, with_row, xlsx_bytes


def _run(*args, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_import_index_set_command_prints_summary(db, tmp_path):
    path = tmp_path / "bo-chi-so-so.xlsx"
    path.write_bytes(xlsx_bytes(small_set_rows()))
    out, err = _run(
        "import_index_set",
        str(path),
        "--year",
        "2024",
        "--group",
        "so",
        "--group-name",
        "Các sở, ban, ngành",
        "--scale",
        "10",
    )
    assert out == (
        "Đã nhập Bộ chỉ số Các sở, ban, ngành năm 2024 (phiên bản 1) từ «bo-chi-so-so.xlsx»: 12 mục, "
        "9 tiêu chí chấm điểm, thang điểm 10.\n"
    )
    assert err == ""
    assert IndexNode.objects.filter(index_set__period__year=2024).count() == 12


def test_import_index_set_command_fails_with_every_error_and_writes_nothing(db, tmp_path):
    path = tmp_path / "bo.xlsx"
    path.write_bytes(xlsx_bytes(with_row(with_row(small_set_rows(), 4, code="1.2"), 2, max_points="-1")))
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command(
            "import_index_set",
            str(path),
            "--year",
            "2024",
            "--group",
            "so",
            "--group-name",
            "Sở",
            stdout=StringIO(),
            stderr=err,
        )
    assert str(error.value) == "Không nhập tệp «bo.xlsx»: có 2 lỗi, chưa ghi dữ liệu nào."
    assert err.getvalue() == (
        "Dòng 3: Điểm tối đa của mục 1.1 không được âm (-1).\nDòng 5: mã 1.2 bị trùng với dòng 4.\n"
    )
    assert not Period.objects.exists() and not Group.objects.exists() and not IndexSet.objects.exists()


def test_import_index_set_command_scale_mismatch_and_locked_period(world_2023, tmp_path):
    path = tmp_path / "bo.xlsx"
    path.write_bytes(xlsx_bytes(small_set_rows()))
    with pytest.raises(CommandError) as error:
        _run("import_index_set", str(path), "--year", "2024", "--group", "so", "--scale", "100")
    assert str(error.value) == "Không nhập tệp «bo.xlsx»: có 1 lỗi, chưa ghi dữ liệu nào."
    with pytest.raises(CommandError) as error:
        _run("import_index_set", str(path), "--year", "2023", "--group", "so")
    assert "đang ở giai đoạn «Tự đánh giá»: bộ chỉ số đã khóa" in str(error.value)
    with pytest.raises(CommandError) as error:
        _run("import_index_set", str(tmp_path / "khong-co.xlsx"), "--year", "2024", "--group", "so")
    assert str(error.value).startswith("Không đọc được tệp")
    assert not Period.objects.filter(year=2024).exists()


@pytest.fixture
def world_2023(period, group, index_set):
    return period


def test_import_units_command_prints_summary(db, tmp_path):
    path = tmp_path / "don-vi.csv"
    path.write_bytes(
        csv_bytes(
            [UNIT_HEADER_VI, ["stp", "Sở Tư pháp", "so", "Các sở, ban, ngành", "Lê Thị Hoa", "Giám đốc", ""]],
            ";",
            bom=True,
        )
    )
    out, err = _run("import_units", str(path), "--year", "2024")
    assert (
        out == "Đã nhập 1 đơn vị cho năm 2024 từ «don-vi.csv»: 1 đơn vị mới, 0 đơn vị cập nhật, 1 khối mới.\n"
    )
    assert UnitMembership.objects.get(unit__code="stp", period__year=2024).group.code == "so"


def test_import_units_command_fails_and_writes_nothing(db, tmp_path):
    path = tmp_path / "don-vi.xlsx"
    path.write_bytes(
        xlsx_bytes([UNIT_HEADER_VI, ["stp", "", "so", "", "", "", ""], ["stp", "Sở Tư pháp", "so"]])
    )
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_units", str(path), "--year", "2024", stdout=StringIO(), stderr=err)
    assert str(error.value) == "Không nhập tệp «don-vi.xlsx»: có 3 lỗi, chưa ghi dữ liệu nào."
    assert err.getvalue().splitlines() == [
        "Dòng 2: thiếu Tên đơn vị.",
        "Dòng 2: khối «so» chưa có trong danh mục; hãy ghi Tên khối (group_name) để tạo khối mới, hoặc sửa lại mã "
        "khối.",
        "Dòng 3: mã đơn vị stp bị trùng với dòng 2.",
    ]
    assert not Unit.objects.exists() and not Period.objects.exists()


def test_import_command_exits_non_zero_as_from_the_shell(db, tmp_path, capsys):
    """As manage.py runs it: exit status 1 and the message on stderr."""
    from django.core.management import load_command_class

    path = tmp_path / "rong.csv"
    path.write_bytes(b"")
    command = load_command_class("appraisal.registry", "import_units")
    with pytest.raises(SystemExit) as exit_info:
        command.run_from_argv(["manage.py", "import_units", str(path), "--year", "2024", "--skip-checks"])
    assert exit_info.value.code == 1
    assert capsys.readouterr().err.splitlines() == [
        "Tệp «rong.csv» trống (0 byte). Hãy chọn đúng tệp cần nhập.",
        "CommandError: Không nhập tệp «rong.csv»: có 1 lỗi, chưa ghi dữ liệu nào.",
    ]


def _demo_state() -> dict[str, object]:
    """Beyond the registry rows: every assessment's state, item history, council record and announcement."""
    return {
        "registry": snapshot(),
        "assessments": sorted(
            Assessment.objects.values_list("period__year", "unit__code", "state", "updated_at")
        ),
        "history": ItemHistory.objects.count(),
        "events": AssessmentEvent.objects.count(),
        "assignments": Assignment.objects.count(),
        "surveys": SurveyImport.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "runs": ScoreRun.objects.count(),
        "evidence": Evidence.objects.count(),
        "org": list(Organisation.objects.values_list()),
    }


def test_seed_demo_runs_twice_and_creates_the_named_accounts(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    out, _ = _run("seed_demo")
    assert out == (
        "Dữ liệu mẫu Hà Tĩnh (2022 đã phê duyệt; 2023 giải trình; 2024 chuẩn bị; kỳ hiện hành 2023): 3 khối, "
        "38 đơn vị, 84 tài khoản (mật khẩu parindex-demo); mới tạo 38 đơn vị, 9 bộ chỉ số, 84 tài khoản, "
        "156 thư thông báo.\n"
    )
    first = _demo_state()
    out, _ = _run("seed_demo")
    assert out.endswith("mới tạo 0 đơn vị, 0 bộ chỉ số, 0 tài khoản, 0 thư thông báo.\n")
    assert _demo_state() == first

    User = get_user_model()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("parindex-demo")
    for username in [
        "secretariat",
        "chair",
        "observer",
        "member.stp",
        "member.stc",
        "member.stttt",
        "member.snv",
        "skhcn.editor",
        "skhcn.head",
        "stp.editor",
        "tphatinh.head",
        "cuchaiquan.editor",
    ]:
        assert User.objects.filter(username=username).exists(), username
    assert User.objects.get(username="stttt.editor").password == admin.password  # one shared demo hash
    assert User.objects.get(username="skhcn.head").get_full_name() == "Trần Văn Hùng"
    assert set(
        RoleAssignment.objects.filter(user__username="member.stp").values_list("role", "unit__code")
    ) == {("member", "stp")}
    assert set(
        RoleAssignment.objects.filter(user__username="tphatinh.head").values_list("role", "unit__code")
    ) == {("unit_head", "tphatinh")}
    units = Unit.objects.count()
    assert User.objects.filter(username__endswith=".editor").count() == units == 38
    assert User.objects.filter(username__endswith=".head").count() == units


def test_seed_demo_builds_the_province(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    _run("seed_demo")
    org = Organisation.current()
    assert (org.issuer_name, org.place, org.signer_name, org.signer_title, org.signer_for) == (
        "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
        "Hà Tĩnh",
        "Nguyễn Hồng Lĩnh",
        "PHÓ CHỦ TỊCH",
        "KT. CHỦ TỊCH",
    )
    assert list(Period.objects.order_by("year").values_list("year", "name", "phase")) == [
        (2022, "Chỉ số CCHC năm 2022", Phase.APPROVED),
        (2023, "Chỉ số CCHC năm 2023", Phase.EXPLANATION),
        (2024, "Chỉ số CCHC năm 2024", Phase.PREPARING),
    ]
    period = Period.objects.get(year=2023)
    assert org.current_period == period
    assert sorted(period.windows.values_list("phase", flat=True)) == [
        "appraisal",
        "explanation",
        "reappraisal",
        "self_assessment",
    ]
    # Last year's sets are this year's, and this year's next year's: the same groups, codes and points.
    sources = dict(IndexSet.objects.values_list("period__year", "copied_from__period__year").distinct())
    assert sources == {2022: None, 2023: 2022, 2024: 2023}
    for year in (2022, 2024):
        assert sorted(
            IndexNode.objects.filter(index_set__period__year=year).values_list(
                "index_set__group__code", "code", "max_points", "rule"
            )
        ) == sorted(
            IndexNode.objects.filter(index_set__period=period).values_list(
                "index_set__group__code", "code", "max_points", "rule"
            )
        )
        assert UnitMembership.objects.filter(period__year=year).count() == 38
    counts = dict(
        UnitMembership.objects.filter(period=period)
        .values_list("group__code")
        .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("pk"))
    )
    assert counts == {"so": 19, "huyen": 13, "tw": 6}
    assert {
        u.code: u.name
        for u in Unit.objects.filter(
            code__in=["skhcn", "stp", "stc", "stttt", "snv", "tphatinh", "cuchaiquan"]
        )
    } == {
        "skhcn": "Sở Khoa học và Công nghệ",
        "stp": "Sở Tư pháp",
        "stc": "Sở Tài chính",
        "stttt": "Sở Thông tin và Truyền thông",
        "snv": "Sở Nội vụ",
        "tphatinh": "Thành phố Hà Tĩnh",
        "cuchaiquan": "Cục Hải quan tỉnh",
    }
    assert Unit.objects.get(code="vpubnd").tag_set == {"no_tthc"}
    from appraisal.registry.selectors import index_set_tree

    scales = {}
    for index_set in IndexSet.objects.filter(period=period).select_related("group"):
        tree = index_set_tree(index_set)
        leaves = [n for n in tree.nodes if n.is_leaf]
        assert 30 <= len(leaves) <= 45
        kinds = {n.rule.split(":")[0] for n in leaves}
        assert kinds == {"boolean", "levels", "tiers", "proportional", "manual", "penalty", "survey"}
        assert {"T1", "P1"} <= {n.code for n in leaves}
        scales[index_set.group.code] = (
            str(tree.scale),
            str(tree.appraisal_points),
            str(tree.survey_points),
            len(tree.fields),
        )
    assert scales == {
        "so": ("100.00", "80.00", "20.00", 8),
        "huyen": ("100.00", "80.00", "20.00", 9),
        "tw": ("60.00", "40.00", "20.00", 5),
    }
    so_set = IndexSet.objects.get(period=period, group__code="so")
    assert so_set.nodes.filter(is_leaf=True, excluded_tags__contains="no_tthc").count() == 10


def test_seed_demo_refuses_a_database_seeded_by_the_one_year_demo(db):
    Assessment.objects.create(period=PeriodFactory(year=2023), unit=UnitFactory(code="skhcn"))
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        _run("seed_demo")
    assert str(refused.value) == (
        "Cơ sở dữ liệu đã có dữ liệu năm 2023 nhưng không có năm 2022 (dữ liệu mẫu cũ hoặc dữ liệu thật): không "
        "tạo dữ liệu mẫu. Hãy dùng một cơ sở dữ liệu trống (ví dụ xóa db.sqlite3 rồi chạy lại make run)."
    )
    assert snapshot() == before and Organisation.objects.count() == 0
