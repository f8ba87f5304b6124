"""Autosave of one item: every rule kind, refused inputs, conflicts, expired sessions, permissions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appraisal.assessments.models import ItemHistory
from tests.assessments.conftest import entry_of

HTMX = {"HX-Request": "true"}


def save_url(entry):
    return reverse("assessments:entry_save", args=[entry.assessment_id, entry.pk])


def post_save(client, entry, value, note="", version=None, htmx=True):
    data = {"value": value, "note": note, "version": entry.version if version is None else version}
    return client.post(save_url(entry), data, headers=HTMX if htmx else {})


@pytest.mark.parametrize(
    ("code", "typed", "stored", "points"),
    [
        ("1.1", "Có", "Có", "1.0000"),
        ("1.1", "không", "Không", "0.0000"),
        ("1.2", "85%", "85%", "0.5000"),
        ("1.2", "17/20", "17/20", "0.5000"),
        ("1.2", "20/20", "20/20", "1.0000"),
        ("1.3", "đạt", "Đạt", "0.5000"),
        ("1.4", "75,5%", "75.5%", "0.7550"),
        ("1.4", "40%", "40%", "0.0000"),
        ("2.1", "1,75", "1.75", "1.7500"),
        ("T1", "Có", "Có", "1.0000"),
        ("P1", "3", "3", "1.5000"),
        ("P1", "9", "9", "2.0000"),
    ],
)
def test_save_derives_points_with_the_engine(client_for, editor, assessment, code, typed, stored, points):
    entry = entry_of(assessment, code)
    response = post_save(client_for(editor), entry, typed, note="Theo báo cáo số 12/BC")
    body = response.content.decode()
    entry.refresh_from_db()
    assert response.status_code == 200
    assert (entry.self_value, entry.self_points, entry.self_note, entry.version) == (
        stored,
        Decimal(points),
        "Theo báo cáo số 12/BC",
        1,
    )
    assert body.startswith("Đã lưu lúc " + timezone.localtime().strftime("%H:%M")[:3])
    assert (
        f'<input type="hidden" name="version" value="1" id="entry-{entry.pk}-version" hx-swap-oob="true">'
        in body
    )
    assert f'id="entry-{entry.pk}-points" hx-swap-oob="true"' in body
    assert 'id="form-totals" class="d-flex flex-wrap gap-3 align-items-baseline" hx-swap-oob="true"' in body
    assert 'id="missing-panel"' in body
    history = ItemHistory.objects.get(entry=entry)
    assert (
        history.layer,
        history.old_value,
        history.new_value,
        history.new_points,
        history.source,
        history.by,
    ) == (
        "self",
        "",
        stored,
        Decimal(points),
        "web",
        editor,
    )


def test_save_updates_running_totals_out_of_band(client_for, editor, assessment):
    client = client_for(editor)
    post_save(client, entry_of(assessment, "1.1"), "Có")
    body = post_save(client, entry_of(assessment, "1.3"), "Tốt").content.decode()
    field1 = entry_of(assessment, "1.1").node.parent
    assert (
        f'<span id="block-{field1.pk}-total" class="block-total" hx-swap-oob="true">2 / 4 điểm</span>' in body
    )
    assert "Điểm tự đánh giá: <strong>2</strong> / 7" in body
    assert "Đã nhập <strong>2/6</strong> mục bắt buộc" in body
    assert "Mục 1.1</a>: có điểm nhưng chưa có tài liệu kiểm chứng hoặc ghi chú" in body


def test_save_refuses_a_bad_input_and_keeps_the_stored_value(client_for, editor, assessment):
    client = client_for(editor)
    entry = entry_of(assessment, "1.2")
    post_save(client, entry, "90%")
    entry.refresh_from_db()
    response = post_save(client, entry, "chín mươi")
    entry.refresh_from_db()
    assert response.status_code == 422
    assert (
        "Lỗi: Mục 1.2: «chín mươi» không phải là tỷ lệ phần trăm (ví dụ 85%) hoặc phân số"
        in response.content.decode()
    )
    assert (entry.self_value, entry.self_points, entry.version) == ("90%", Decimal("0.5000"), 1)
    assert ItemHistory.objects.filter(entry=entry).count() == 1


def test_save_refuses_manual_points_off_step(client_for, editor, assessment):
    response = post_save(client_for(editor), entry_of(assessment, "2.1"), "0.3")
    assert response.status_code == 422
    assert "Lỗi: Mục 2.1: Điểm phải là bội số của 0,25." in response.content.decode()


def test_save_of_a_survey_item_is_refused(client_for, editor, assessment):
    entry = entry_of(assessment, "3.1")
    response = post_save(client_for(editor), entry, "85%")
    entry.refresh_from_db()
    assert response.status_code == 422
    assert "Mục 3.1 chấm qua điều tra xã hội học: đơn vị không tự chấm mục này." in response.content.decode()
    assert entry.self_value == ""


def test_save_with_empty_value_clears_the_item(client_for, editor, assessment):
    client = client_for(editor)
    entry = entry_of(assessment, "1.3")
    post_save(client, entry, "Tốt")
    entry.refresh_from_db()
    post_save(client, entry, "")
    entry.refresh_from_db()
    assert (entry.self_value, entry.self_points, entry.version) == ("", None, 2)


def test_two_sessions_saving_from_the_same_version_conflict(client_for, editor, head, assessment):
    """The second save from version 0 gets a conflict with both values; the first value stays."""
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(head)
    entry = entry_of(assessment, "1.2")
    assert post_save(first, entry, "100%", version=0).status_code == 200
    response = post_save(second, entry, "70%", version=0)
    body = response.content.decode()
    entry.refresh_from_db()
    assert response.status_code == 409
    assert response["HX-Retarget"] == f"#entry-{entry.pk}-conflict"
    saved_at = timezone.localtime(ItemHistory.objects.get(entry=entry).at).strftime("%H:%M ngày %d/%m/%Y")
    assert (
        f"Mục 1.2 vừa được Người dùng lưu lúc {saved_at} với giá trị «100%»; giá trị của bạn: «70%»." in body
    )
    assert "Giữ giá trị đã lưu «100%»" in body
    assert "Ghi đè bằng giá trị của tôi «70%»" in body
    assert (
        '<input type="hidden" name="version" value="1">' in body
    )  # a deliberate overwrite uses the fresh version
    assert (entry.self_value, entry.self_points, entry.version) == ("100%", Decimal("1.0000"), 1)
    assert ItemHistory.objects.filter(entry=entry).count() == 1


def test_conflict_overwrite_is_a_deliberate_save_with_the_fresh_version(client_for, editor, head, assessment):
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(head)
    entry = entry_of(assessment, "1.2")
    post_save(first, entry, "100%", version=0)
    post_save(second, entry, "70%", version=0)
    response = post_save(second, entry, "70%", version=1)
    entry.refresh_from_db()
    assert response.status_code == 200
    assert f'<div id="entry-{entry.pk}-conflict" hx-swap-oob="true"></div>' in response.content.decode()
    assert (entry.self_value, entry.version) == ("70%", 2)
    assert list(ItemHistory.objects.filter(entry=entry).values_list("new_value", "by__username")) == [
        ("100%", "skhcn.editor"),
        ("70%", "skhcn.head"),
    ]


def test_keep_theirs_reloads_the_item_with_the_stored_value(client_for, editor, assessment):
    client = client_for(editor)
    entry = entry_of(assessment, "1.2")
    post_save(client, entry, "100%", version=0)
    response = client.get(reverse("assessments:entry", args=[assessment.pk, entry.pk]), headers=HTMX)
    body = response.content.decode()
    assert f'<article class="item border rounded p-2 mb-2" id="entry-{entry.pk}"' in body
    assert f'id="entry-{entry.pk}-value" value="100%"' in body
    assert f'name="version" value="1" id="entry-{entry.pk}-version"' in body


def test_saving_the_same_value_twice_from_a_stale_version_is_not_a_conflict(
    client_for, editor, head, assessment
):
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(head)
    entry = entry_of(assessment, "1.1")
    post_save(first, entry, "Có", version=0)
    response = post_save(second, entry, "có", version=0)
    assert response.status_code == 200
    assert 'name="version" value="1"' in response.content.decode()
    assert ItemHistory.objects.filter(entry=entry).count() == 1


def test_expired_session_answers_htmx_with_401_and_keeps_nothing(client, assessment):
    entry = entry_of(assessment, "1.1")
    response = post_save(client, entry, "Có")
    body = response.content.decode()
    entry.refresh_from_db()
    assert response.status_code == 401
    assert (
        "Phiên đăng nhập đã hết hạn — hãy đăng nhập lại (mở trang đăng nhập ở thẻ mới), "
        "giá trị bạn nhập vẫn còn trên trang." in body
    )
    assert 'href="/dang-nhap/" target="_blank"' in body
    assert entry.version == 0


def test_expired_session_without_htmx_redirects_to_login(client, assessment):
    entry = entry_of(assessment, "1.1")
    response = post_save(client, entry, "Có", htmx=False)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=")


def test_save_without_htmx_redirects_back_to_the_item(client_for, editor, assessment):
    entry = entry_of(assessment, "1.1")
    response = post_save(client_for(editor), entry, "Có", htmx=False)
    entry.refresh_from_db()
    assert response["Location"] == reverse("assessments:form", args=[assessment.pk]) + f"#entry-{entry.pk}"
    assert entry.self_value == "Có"


def test_observer_cannot_save(client_for, observer, assessment):
    entry = entry_of(assessment, "1.1")
    response = post_save(client_for(observer), entry, "Có")
    entry.refresh_from_db()
    assert response.status_code == 403
    assert entry.version == 0


def test_secretariat_cannot_change_a_units_own_entries(client_for, secretariat, assessment):
    entry = entry_of(assessment, "1.1")
    response = post_save(client_for(secretariat), entry, "Có")
    entry.refresh_from_db()
    assert response.status_code == 403
    assert entry.self_value == ""


ITEM_ENDPOINTS = [
    ("get", "assessments:entry", {}),
    ("post", "assessments:entry_save", {"value": "Có", "version": 0}),
    ("get", "assessments:entry_evidence", {}),
    ("post", "assessments:entry_upload", {}),
    ("post", "assessments:entry_cite", {"doc_number": "1/KH", "doc_date": "01/02/2023", "doc_summary": "x"}),
    ("post", "assessments:entry_attach", {"evidence": 1}),
]


@pytest.mark.parametrize(("method", "name", "data"), ITEM_ENDPOINTS)
def test_every_item_endpoint_is_404_for_another_units_editor(
    client_for, other_editor, assessment, method, name, data
):
    entry = entry_of(assessment, "1.1")
    client = client_for(other_editor)
    url = reverse(name, args=[assessment.pk, entry.pk])
    response = getattr(client, method)(url, data, headers=HTMX)
    entry.refresh_from_db()
    assert response.status_code == 404
    assert entry.version == 0
    assert not entry.evidence_links.exists()


def test_item_of_one_assessment_cannot_be_reached_through_another(
    client_for, other_editor, assessment, other_assessment
):
    """An entry id of skhcn under stp's own assessment id: 404, nothing saved."""
    entry = entry_of(assessment, "1.1")
    url = reverse("assessments:entry_save", args=[other_assessment.pk, entry.pk])
    response = client_for(other_editor).post(url, {"value": "Có", "version": 0}, headers=HTMX)
    entry.refresh_from_db()
    assert response.status_code == 404
    assert entry.version == 0


def test_save_after_the_deadline_is_refused_naming_the_deadline(client_for, editor, assessment, window):
    window.opens_at = timezone.now() - timedelta(days=10)
    window.due_at = timezone.now() - timedelta(hours=1)
    window.save()
    entry = entry_of(assessment, "1.1")
    response = post_save(client_for(editor), entry, "Có")
    due = timezone.localtime(window.due_at).strftime("%H:%M ngày %d/%m/%Y")
    entry.refresh_from_db()
    assert response.status_code == 422
    assert f"Lỗi: Đã quá hạn chót {due} của giai đoạn Tự đánh giá." in response.content.decode()
    assert entry.version == 0


def test_save_within_the_hidden_grace_is_accepted(client_for, editor, assessment, window):
    window.due_at = timezone.now() - timedelta(minutes=5)
    window.grace_minutes = 30
    window.save()
    entry = entry_of(assessment, "1.1")
    assert post_save(client_for(editor), entry, "Có").status_code == 200


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="SQLite's in-memory test database locks whole tables without a busy timeout; the sequential "
    "conflict tests above cover SQLite, this one runs on PostgreSQL.",
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_from_one_version_let_exactly_one_through(
    period, unit, index_set, editor, head, window
):
    """Two threads, two people, the same item, the same version, at the same moment: one save, one conflict,
    one history row, no lost update (row lock + compare-and-set; SQLite serialises, PostgreSQL locks)."""
    import threading

    from django.db import connection

    from appraisal.assessments import services
    from appraisal.assessments.layers import assessment_get_or_create

    assessment = assessment_get_or_create(period=period, unit=unit)
    entry_id = entry_of(assessment, "1.2").pk
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(user, value):
        try:
            entry = entry_of(assessment, "1.2")
            barrier.wait(timeout=10)
            services.entry_save_self(entry=entry, value=value, note="", expected_version=0, by=user)
            outcomes[value] = "saved"
        except services.EntryConflict:
            outcomes[value] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(editor, "100%")),
        threading.Thread(target=save, args=(head, "70%")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(value for value, outcome in outcomes.items() if outcome == "saved")
    stored = ItemHistory.objects.filter(entry_id=entry_id)
    assert list(stored.values_list("new_value", flat=True)) == [winner]
    assert entry_of(assessment, "1.2").self_value == winner
    assert entry_of(assessment, "1.2").version == 1
