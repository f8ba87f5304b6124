"""What a new user met trying to break the dashboards (issue 12, second pass). What happened before: a period
still being prepared (2024 in the demo) drew every unit at 0%, all 38 heads «không hoàn thành nhiệm vụ» and
«weakest criteria» that nobody had scored yet; the progress fragment htmx refreshes, opened directly, was a
bare piece of page without menu or styles (now: the whole page); an unknown group in the list behind a figure gave an empty list
titled with whatever the address said; the observer's results page showed a «Tiến độ» tab that only answers
403, while the secretariat's and the chair's one-page summary had none."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PREPARING = [
    "/bang-dieu-khien/2024/ket-qua/",
    "/bang-dieu-khien/2024/tong-quan/",
    "/bang-dieu-khien/2024/don-vi/stp/",
]


@pytest.mark.parametrize("url", PREPARING)
def test_a_preparing_period_shows_no_charts_of_zeros(demo, as_user, url):
    assert demo[2024].phase == "preparing"
    response = as_user("secretariat").get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="no-results"' in page
    assert "đang ở giai đoạn Chuẩn bị" in page
    assert "chart-img" not in page and "0,00%" not in page


@pytest.mark.parametrize(
    "url",
    [
        "/bang-dieu-khien/2024/ket-qua/xep-loai-nguoi-dung-dau.csv",
        "/bang-dieu-khien/2024/ket-qua/xep-loai-nguoi-dung-dau.svg",
        "/bang-dieu-khien/2024/don-vi/stp/chi-so-thanh-phan.csv",
    ],
)
def test_a_preparing_period_has_no_chart_csv(demo, as_user, url):
    assert as_user("secretariat").get(url).status_code == 404


def test_the_progress_fragment_opened_directly_is_the_whole_page(demo, as_user):
    client = as_user("secretariat")
    response = client.get("/bang-dieu-khien/2023/tien-do/noi-dung/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page and "<title>Tiến độ 2023" in page
    fragment = client.get("/bang-dieu-khien/2023/tien-do/noi-dung/", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()


def test_an_unknown_group_in_the_progress_list_is_not_found(demo, as_user):
    client = as_user("secretariat")
    assert client.get("/bang-dieu-khien/2023/tien-do/don-vi/?khoi=khong-co").status_code == 404
    assert client.get("/bang-dieu-khien/2023/tien-do/don-vi/?khoi=so").status_code == 200


def test_the_progress_tab_is_shown_to_those_who_may_open_it(demo, as_user):
    observer = as_user("observer").get("/bang-dieu-khien/2022/ket-qua/").content.decode()
    assert "/bang-dieu-khien/2022/tien-do/" not in observer
    for username in ("secretariat", "chair"):
        summary = as_user(username).get("/bang-dieu-khien/2022/tong-quan/").content.decode()
        assert 'href="/bang-dieu-khien/2022/tien-do/"' in summary


def test_dashboards_answer_only_reads(client, django_user_model):
    """A dashboard reads: a POST is refused with 405 before any access or computation (GET and HEAD only)."""
    from django.test import Client

    user = django_user_model.objects.create_user("post.probe", password="x")
    c = Client(enforce_csrf_checks=False)
    c.force_login(user)
    for url in ("/bang-dieu-khien/", "/bang-dieu-khien/2023/tien-do/", "/bang-dieu-khien/2023/ket-qua/"):
        assert c.post(url).status_code == 405
