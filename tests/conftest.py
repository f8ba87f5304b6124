"""Personas (STYLE.md): every protected view is tested allowed and denied with these people.

World: period 2023 in self-assessment; group "so" (sở, ban, ngành) with units skhcn (the unit under test) and
stp (another unit); the small 10-point index set of tests.factories for group "so".
"""

from __future__ import annotations

import pytest

from appraisal.core import roles
from tests.factories import (
    GroupFactory,
    PeriodFactory,
    UnitFactory,
    UserFactory,
    build_index_set,
    grant,
    member_of,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas get real password hashes; PBKDF2 costs most of a second per user on a 2-core CI machine.
    The tests are about the product, not about hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def period(db):
    return PeriodFactory(year=2023)


@pytest.fixture
def group(db):
    return GroupFactory(code="so", name="Các sở, ban, ngành", title_noun="CỦA CÁC SỞ, BAN, NGÀNH", order=1)


@pytest.fixture
def unit(period, group):
    u = UnitFactory(code="skhcn", name="Sở Khoa học và Công nghệ", head_name="Trần Văn Hùng")
    member_of(period, u, group)
    return u


@pytest.fixture
def other_unit(period, group):
    u = UnitFactory(code="stp", name="Sở Tư pháp", head_name="Lê Thị Hoa")
    member_of(period, u, group)
    return u


@pytest.fixture
def index_set(period, group):
    return build_index_set(period, group)


@pytest.fixture
def editor(unit):
    user = UserFactory(username="skhcn.editor")
    grant(user, roles.UNIT_EDITOR, unit)
    return user


@pytest.fixture
def other_editor(other_unit):
    user = UserFactory(username="stp.editor")
    grant(user, roles.UNIT_EDITOR, other_unit)
    return user


@pytest.fixture
def head(unit):
    user = UserFactory(username="skhcn.head")
    grant(user, roles.UNIT_HEAD, unit)
    return user


@pytest.fixture
def member(other_unit):
    """A council member who belongs to another unit (Sở Tư pháp) than the one under test."""
    user = UserFactory(username="member.stp")
    grant(user, roles.MEMBER, other_unit)
    return user


@pytest.fixture
def conflicted_member(unit):
    """A council member who belongs to the unit under test: must never appraise it."""
    user = UserFactory(username="member.skhcn")
    grant(user, roles.MEMBER, unit)
    return user


@pytest.fixture
def chair(db):
    user = UserFactory(username="chair")
    grant(user, roles.CHAIR)
    return user


@pytest.fixture
def secretariat(db):
    user = UserFactory(username="secretariat")
    grant(user, roles.SECRETARIAT)
    return user


@pytest.fixture
def observer(db):
    user = UserFactory(username="observer")
    grant(user, roles.OBSERVER)
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def client_for(client):
    """client_for(user) logs the test client in as that person (force_login: django-axes needs a request
    for password logins)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
