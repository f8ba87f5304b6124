import pytest

from tests.factories import UserFactory, grant

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_login_shows_vietnamese_home_and_logout(page, live_server, login):
    user = UserFactory(username="secretariat")
    grant(user, "secretariat")
    login(page, live_server, "secretariat")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("link", name="Danh mục").count() == 1
    page.get_by_role("button", name="Người dùng").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{live_server.url}/dang-nhap/")
    assert page.get_by_role("heading", name="Đăng nhập ParIndex").is_visible()


@pytest.mark.django_db(transaction=True)
def test_login_refuses_wrong_password_in_vietnamese(page, live_server, login):
    UserFactory(username="someone")
    login(page, live_server, "someone", password="sai-mat-khau")
    assert page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng").is_visible()
