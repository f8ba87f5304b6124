"""Throttling wherever a password is typed: login page, admin login, password change; one counter per
username + IP address (django-axes), the lockout page in Vietnamese."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.urls import reverse

LOCKED = (
    "Mật khẩu đã bị nhập sai 5 lần liên tiếp. Để bảo vệ tài khoản, việc nhập mật khẩu cho tài khoản này trên "
    "máy này tạm bị khóa: hãy thử lại sau 15 phút. Nếu quên mật khẩu, hãy liên hệ quản trị hệ thống."
)
WRONG_OLD = "Mật khẩu cũ không chính xác. Hãy nhập lại lần nữa"


def change(client, old, new="Cchc-Ha-Tinh-2024!"):
    return client.post(
        reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new}
    )


def test_wrong_old_passwords_on_password_change_were_not_throttled_now_lock_out(client_for, editor):
    """Today 8 wrong old passwords in a row are all answered with the form again, no lockout."""
    client = client_for(editor)
    statuses = [change(client, f"doan-sai-{n}").status_code for n in range(8)]
    assert statuses == [200, 200, 200, 200, 429, 429, 429, 429]
    locked = change(client, "parindex-test")  # even the right one, until the cool-off ends
    editor.refresh_from_db()
    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()
    assert editor.check_password("parindex-test")


def test_wrong_old_password_before_the_limit_says_so_in_vietnamese(client_for, editor):
    response = change(client_for(editor), "doan-sai")
    assert (response.status_code, WRONG_OLD in response.content.decode()) == (200, True)


def test_password_change_with_the_right_old_password_still_works(client_for, editor):
    response = change(client_for(editor), "parindex-test")
    editor.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, reverse("password_change_done"))
    assert editor.check_password("Cchc-Ha-Tinh-2024!")


def test_login_locks_out_after_five_failures_with_the_vietnamese_page(client, editor):
    url = reverse("login")
    statuses = [
        client.post(url, {"username": "skhcn.editor", "password": f"sai-{n}"}).status_code for n in range(6)
    ]
    response = client.post(url, {"username": "skhcn.editor", "password": "parindex-test"})
    assert statuses == [200, 200, 200, 200, 429, 429]
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert SESSION_KEY not in client.session


def test_admin_login_shares_the_counter_with_the_password_change(client, client_for, admin_user):
    signed_in = client_for(admin_user)
    for n in range(3):
        change(signed_in, f"sai-{n}")
    signed_in.logout()
    url = reverse("admin:login")
    statuses = [
        client.post(url, {"username": "admin", "password": f"sai-admin-{n}"}).status_code for n in range(3)
    ]
    response = client.post(url, {"username": "admin", "password": "parindex-test"})
    assert statuses == [200, 429, 429]
    assert (response.status_code, LOCKED in response.content.decode()) == (429, True)
    assert SESSION_KEY not in client.session
