"""The secretariat loads an index set through the page and sees its tree and scale; a bad file is refused with
every problem and its row number."""

from __future__ import annotations

import pytest

from appraisal.registry.models import IndexSet, Period
from tests.factories import GroupFactory, UserFactory, grant
from tests.registry.helpers import small_set_rows, with_row, xlsx_bytes

pytestmark = pytest.mark.e2e


@pytest.fixture
def secretariat_user(transactional_db):
    user = UserFactory(username="secretariat", first_name="Phan Thị Thu Hà")
    grant(user, "secretariat")
    GroupFactory(code="so", name="Các sở, ban, ngành", order=1)
    return user


def _open_import_page(page, live_server, login):
    login(page, live_server, "secretariat")
    page.get_by_role("link", name="Danh mục").first.click()
    page.get_by_role("link", name="Nhập bộ chỉ số").first.click()
    page.wait_for_url(f"{live_server.url}/danh-muc/bo-chi-so/nhap/")


@pytest.mark.django_db(transaction=True)
def test_secretariat_imports_index_set_and_sees_tree_and_scale(
    page, live_server, login, secretariat_user, tmp_path
):
    path = tmp_path / "bo-chi-so-2024.xlsx"
    path.write_bytes(xlsx_bytes(small_set_rows()))
    _open_import_page(page, live_server, login)
    page.get_by_label("Năm đánh giá").fill("2024")
    page.get_by_role("combobox", name="Khối").fill("so")
    assert page.locator("#group-hint").inner_text() == "Khối đã có: so — Các sở, ban, ngành."
    page.get_by_label("Thang điểm mong đợi").fill("10")
    page.get_by_label("Tệp Excel (.xlsx) hoặc CSV").set_input_files(str(path))
    page.get_by_role("button", name="Nhập").click()
    page.wait_for_load_state("networkidle")

    index_set = IndexSet.objects.get(period__year=2024, group__code="so")
    assert page.url == f"{live_server.url}/danh-muc/bo-chi-so/{index_set.pk}/"
    assert page.get_by_role("heading", name="Bộ chỉ số Các sở, ban, ngành năm 2024").is_visible()
    assert page.locator("#scale").inner_text() == "Thang điểm: 10"
    assert (
        "Đã nhập Bộ chỉ số Các sở, ban, ngành năm 2024 (phiên bản 1)"
        in page.locator(".messages").inner_text()
    )
    rows = page.locator("#index-tree tbody tr")
    assert rows.count() == 12
    assert rows.nth(0).locator("th").inner_text() == "1"
    assert rows.nth(1).inner_text().split("\t")[:3] == ["1.1", "Ban hành kế hoạch CCHC năm", "1"]
    assert "Điểm theo tỷ lệ đạt được: tỷ lệ × 1 điểm; dưới 50%: 0 điểm" in rows.nth(4).inner_text()
    assert "Điểm trừ" in rows.nth(11).inner_text()


@pytest.mark.django_db(transaction=True)
def test_secretariat_sees_every_row_numbered_problem_and_nothing_is_imported(
    page, live_server, login, secretariat_user, tmp_path
):
    rows = with_row(with_row(small_set_rows(), 4, code="1.2"), 9, max_points="ba")
    path = tmp_path / "bo-loi.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    _open_import_page(page, live_server, login)
    page.get_by_label("Năm đánh giá").fill("2024")
    page.get_by_role("combobox", name="Khối").fill("so")
    page.get_by_label("Tệp Excel (.xlsx) hoặc CSV").set_input_files(str(path))
    page.get_by_role("button", name="Nhập").click()
    page.wait_for_load_state("networkidle")

    problems = page.locator("#import-problems")
    assert "Không nhập tệp «bo-loi.xlsx»: có 2 lỗi, chưa ghi dữ liệu nào" in problems.inner_text()
    table_rows = [r.split("\t") for r in problems.locator("tbody tr").all_inner_texts()]
    assert table_rows == [
        ["5", "mã 1.2 bị trùng với dòng 4."],
        ["10", "Điểm tối đa «ba» của mục 3 không phải là số."],
    ]
    assert page.get_by_label("Năm đánh giá").input_value() == "2024"
    assert page.get_by_role("combobox", name="Khối").input_value() == "so"
    assert not Period.objects.filter(year=2024).exists()
    assert not IndexSet.objects.exists()
