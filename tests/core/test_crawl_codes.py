"""Labels, never codes (issue 15, point 5): a crawl of the demo as a demo account of every role finds no internal
code and no English word in the visible text of any page; the demo's missing pages are the Vietnamese 404 page,
not Django's debug page; every model has a Vietnamese name in the admin."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

CODES = re.compile(r"xuat_sac|trung_binh|\bhtxs\b|\bhtt\b|tiers:|proportional:|manual:|penalty:|sha256:")
# One demo account of every role: administrator, secretariat, chair, observer, council members, unit editors and
# heads of a department, a district and a central agency.
ACCOUNTS = [
    "admin", "secretariat", "chair", "observer", "member.stttt", "syt.editor", "sct.head", "tphatinh.head",
]  # fmt: skip
# English words a page could leak (Django's defaults, our own code names, interface words); Vietnamese written
# without its marks never forms them. Proper names and file formats are not words of a sentence: allowed below.
ENGLISH = re.compile(
    r"\b(?:the|and|of|for|with|from|this|that|is|are|not|or|by|at|on|"
    r"skip|toggle|theme|main|content|save|saved|cancel|delete|edit|submit|search|page|next|previous|back|home|"
    r"login|logout|log|password|username|user|users|settings|close|loading|error|errors|warning|success|"
    r"item|items|entry|entries|entrys|value|values|note|notes|unit|units|group|groups|period|periods|event|events|"
    r"field|fields|phase|round|draft|submitted|returned|appraised|explained|reappraised|finalised|finalized|"
    r"import|export|upload|download|file|files|demo|bulk|command|none|true|false|null|yes|"
    r"run|snapshot|score|scores|points|total|index|rank|band|rating|head|member|chair|secretariat|observer|editor|"
    r"admin|council|notice|report|print|history|view|add|change|remove|select|choose|filter|show|hide|more|"
    r"open|closed|pending|done|status|state|action|actions|help|breadcrumb|navigation|required|optional|"
    # what the admin and its third-party apps print when no catalogue reaches them
    r"kind|layer|version|source|original|removed|created|copied|archived|parent|depth|leaf|node|key|data|"
    r"database|session|sessions|task|tasks|ready|running|successful|failed|unknown|object|type|address|agent|"
    r"attempt|time|raw|reset|permission|permissions|superuser|staff|website|site|expiration|priority|queue|"
    r"traceback|backend|whether|able|using|stored|selected|locked|access|failure|failures|expired|log|entry)\b",
    re.IGNORECASE,
)
# Proper names and notations that are not English sentences: login names and e-mail addresses (they hold a dot or
# an @), addresses of pages (/quan-tri/login/, in the login-lockout records), file types, the date pattern of
# Vietnamese forms, the product's own name.
NOT_WORDS = re.compile(
    r"\S+@\S+|(?<![\w/])/(?:[\w-]+/)+|\b[\w-]+(?:\.[\w-]+)+\b|\.(?:xlsx|docx|csv|pdf)\b|\b(?:xlsx|docx|csv|pdf|PDF|CSV|Excel|LibreOffice|"
    r"ParIndex|PAR INDEX|Axes)\b|dd/mm/yyyy|hh:mm|\(\.docx\)|\(\.xlsx\)"
)
SKIP = (
    "/dang-xuat",
    "/admin",
    "/tai-ve",
    "/tep",
    ".xlsx",
    ".docx",
    ".csv",
    ".pdf",
    "/static/",
    "/media/",
)
PAGES_PER_ACCOUNT = 80


class _Page(HTMLParser):
    """Visible text (not scripts, styles or attributes) and the links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset"):
            self.text.append(attributes.get("value") or "")  # a button's caption is its value
        if tag in ("script", "style", "template"):
            self._hidden += 1
        # A file format's column names (code), typed as shown, and values isolated from the text around them
        # (bdi: the admin's password hash summary shows the first letters of a random salt, «BY******»):
        # notation, not prose.
        if tag in ("code", "bdi"):
            self.text.append("\x00")
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/"):
                self.links.append(urldefrag(href)[0])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1
        if tag in ("code", "bdi"):
            self.text.append("\x01")

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


@pytest.fixture
def demo(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=None)


def _shape(url: str) -> str:
    """One page of each kind is enough: '/hoi-dong/don-vi/12/' and '/hoi-dong/don-vi/13/' are one shape."""
    return re.sub(r"\d+", "N", urlparse(url).path)


def _login_names():
    """Login names are the accounts' proper names. The application shows them in parentheses after the
    person's name («Nguyễn Văn Khoa (chair)»); the admin also alone (a user's row, a person picker's option, the
    title of a user's page) or in quotes. Four are English words (admin, chair, observer, secretariat): they are
    taken out as whole names, in the admin only, never as parts of words."""
    names = "|".join(
        map(
            re.escape,
            sorted(get_user_model().objects.values_list("username", flat=True), key=len, reverse=True),
        )
    )
    return re.compile(rf"\((?:{names})\)"), re.compile(rf"(?<![\w.])(?:{names})(?![\w.])")


def _check(url, html, logins):
    """The internal codes and the English words in the visible text of a page."""
    page = _Page()
    page.feed(html)
    in_parentheses, whole = logins
    text = (whole if url.startswith("/quan-tri/") else in_parentheses).sub(" ", " ".join(page.text))
    found = [(url, match.group(0)) for match in CODES.finditer(text)]
    prose = NOT_WORDS.sub(" ", re.sub(r"\x00[^\x01]*\x01", " ", text))
    english = [
        (url, match.group(0), prose[max(match.start() - 30, 0) : match.end() + 30])
        for match in ENGLISH.finditer(prose)
    ]
    return page, found, english


def _crawl(client, start="/"):
    seen, shapes, queue, found, english = set(), set(), deque([start]), [], []
    logins = _login_names()
    while queue and len(seen) < PAGES_PER_ACCOUNT:
        url = queue.popleft()
        if url in seen or _shape(url) in shapes or any(s in url for s in SKIP):
            continue
        seen.add(url)
        shapes.add(_shape(url))
        response = client.get(url, follow=True)
        for hop, _ in response.redirect_chain:
            seen.add(hop)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        page, codes, words = _check(response.request["PATH_INFO"], response.content.decode(), logins)
        found += codes
        english += words
        queue.extend(link for link in page.links if urlparse(link).path not in seen)
    return seen, found, english


@pytest.mark.parametrize("username", ACCOUNTS)
def test_demo_pages_show_no_internal_codes_nor_english_words(client, demo, username):
    client.force_login(get_user_model().objects.get(username=username))
    seen, found, english = _crawl(client)

    assert len(seen) > 5
    assert found == []
    assert english == []


def test_every_model_has_a_vietnamese_name_in_the_admin():
    """Issue 15, point 5: the admin listed «Item entrys», «Period events»: Django's English default names."""
    from django.apps import apps

    defaults = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in ("registry", "assessments", "council", "scoring", "core"):
            continue
        default = re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()
        if str(meta.verbose_name) == default or str(meta.verbose_name_plural) == f"{default}s":
            defaults.append(model.__name__)
    assert defaults == []


def test_demo_missing_page_is_the_vietnamese_404_page_not_the_debug_page(client, demo, settings):
    settings.DEBUG = True
    client.force_login(get_user_model().objects.get(username="secretariat"))
    response = client.get("/khong-co-trang-nay/")
    body = response.content.decode()

    assert response.status_code == 404
    assert '<h1 class="h3">Không tìm thấy trang</h1>' in body
    assert "Using the URLconf" not in body and "Page not found" not in body


def _admin_pages(admin_user) -> list[str]:
    """The admin's index and password form, every app's index, and for every registered model its changelist
    (and a search in it), its add form when adding is allowed, one change form with its history and, when
    deleting is allowed, the delete confirmation."""
    from django.contrib import admin
    from django.test import RequestFactory
    from django.urls import reverse

    request = RequestFactory().get("/quan-tri/")
    request.user = admin_user
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        name = f"admin:{meta.app_label}_{meta.model_name}"
        pages.append(reverse("admin:app_list", args=[meta.app_label]))
        pages.append(reverse(f"{name}_changelist"))
        if model_admin.get_search_fields(request):
            pages.append(reverse(f"{name}_changelist") + "?q=a")
        if model_admin.has_add_permission(request):
            pages.append(reverse(f"{name}_add"))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            pages.append(reverse(f"{name}_change", args=[obj.pk]))
            pages.append(reverse(f"{name}_history", args=[obj.pk]))
            if model_admin.has_delete_permission(request, obj):
                pages.append(reverse(f"{name}_delete", args=[obj.pk]))
    return list(dict.fromkeys(pages))


def _records_the_demo_lacks(client, admin_user):
    """A row for each registered model the demo leaves empty, so that every model's change form is opened: a
    failed login (axes' attempt, and its failure record as axes writes it when configured to), a permission group, a queued task, a text fix, an
    exclusion and a replaced evidence file."""
    from axes.models import AccessFailureLog
    from django.contrib.auth.models import Group, Permission
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from appraisal.assessments.models import Evidence, EvidenceVersion
    from appraisal.registry.models import IndexNode, TextFixLog, UnitExclusion

    client.post("/quan-tri/login/", {"username": "admin", "password": "sai-mat-khau"})
    AccessFailureLog.objects.create(  # written only with AXES_ENABLE_ACCESS_FAILURE_LOG
        username="admin",
        ip_address="127.0.0.1",
        user_agent="<unknown>",
        http_accept="*/*",
        path_info="/quan-tri/login/",
    )
    group = Group.objects.create(name="Tổ thư ký")
    group.permissions.set(Permission.objects.filter(codename__in=["view_unit", "change_unit"]))
    DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="appraisal.scoring.jobs.run_job",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )
    node = IndexNode.objects.filter(is_leaf=True, index_set__period__year=2023).first()
    TextFixLog.objects.create(node=node, field="title", old=node.title, new=node.title + ".", by=admin_user)
    unit = node.index_set.period.memberships.filter(group=node.index_set.group).first().unit
    UnitExclusion.objects.create(
        period=node.index_set.period,
        unit=unit,
        node=node,
        reason="Không có thủ tục hành chính",
        by=admin_user,
    )
    evidence = Evidence.objects.filter(file__isnull=False).first()
    EvidenceVersion.objects.create(
        evidence=evidence, file=evidence.file, original_name="ban-cu.pdf", by=admin_user
    )


def test_admin_pages_show_no_internal_codes_nor_english_words(client, demo):
    """Issue 15, point 5: «Skip to main content», «Toggle theme», «Item entrys», «Period events» and the fields'
    English names (derived from the field names) in the admin. Every admin page the administrator opens speaks
    Vietnamese, and shows no internal code."""
    from django.contrib import admin

    admin_user = get_user_model().objects.get(username="admin")
    _records_the_demo_lacks(client, admin_user)
    client.force_login(admin_user)
    pages = _admin_pages(admin_user)
    empty = [model.__name__ for model in admin.site._registry if not model._default_manager.exists()]
    logins = _login_names()
    found, english, failed = [], [], []
    for url in pages:
        response = client.get(url)
        if response.status_code != 200:
            failed.append((url, response.status_code))
            continue
        _, codes, words = _check(url, response.content.decode(), logins)
        found += codes
        english += words

    assert empty == []  # every model's change form was opened
    assert len(pages) > 100
    assert failed == []
    assert found == []
    assert [f"{url} {word!r}: {context!r}" for url, word, context in english] == []


@pytest.mark.parametrize("username", [name for name in ACCOUNTS if name != "admin"])
def test_admin_sends_other_accounts_to_its_login_page_in_vietnamese(client, demo, username):
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get("/quan-tri/registry/unit/")

    assert response.status_code == 302
    assert response["Location"] == "/quan-tri/login/?next=/quan-tri/registry/unit/"
    login = client.get(response["Location"])
    page, codes, words = _check(response["Location"], login.content.decode(), _login_names())
    assert (
        f"Bạn đã xác thực bằng tài khoản {username}, nhưng không đủ quyền để truy cập trang này."
        in " ".join(page.text)
    )
    assert (codes, words) == ([], [])


def test_every_model_field_has_a_vietnamese_name():
    """Issue 15, point 5: about 160 fields were named by Django from their field names («round1 points»,
    «from phase», «by»): the admin's forms, columns and filters showed them."""
    from django.apps import apps

    defaults = []
    for model in apps.get_models():
        if model._meta.app_label not in ("registry", "assessments", "council", "scoring", "core"):
            continue
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) or field.auto_created:
                continue
            if str(field.verbose_name) == field.name.replace("_", " "):
                defaults.append(f"{model.__name__}.{field.name}")
    assert defaults == []


def test_admin_widgets_speak_vietnamese(admin_client):
    """The admin's two-list picker (a user's groups and permissions) and calendar take their words from the
    JavaScript catalogue, where Django's Vietnamese lacks them: «Choose all %s», «Sunday»."""
    body = admin_client.get("/quan-tri/jsi18n/").content.decode()

    assert '"Choose all %s": "Ch\\u1ecdn t\\u1ea5t c\\u1ea3 %s"' in body  # «Chọn tất cả %s»
    assert '"Sunday": "Ch\\u1ee7 nh\\u1eadt"' in body  # «Chủ nhật»
