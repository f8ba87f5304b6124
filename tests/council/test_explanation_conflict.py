"""Two people of a unit explain the same lowered item from pages loaded at the same version: the second save is
refused (409) and shows what the first one saved (who, when, the stored text) beside the second one's own typed
text, so that saving again is a choice made knowingly, never a silent overwrite (SPEC §5)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appraisal.assessments.models import ItemHistory
from appraisal.council import services
from appraisal.registry.models import Phase
from tests.council.conftest import appraise_all, entry_of, set_phase

FIRST = "Đã ban hành kế hoạch ngày 05/01 <kèm công văn> & phụ lục."
SECOND = "Kế hoạch ban hành đúng hạn theo Công văn số 12."

HX = {"HX-Request": "true"}


def html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.fixture
def lowered(world, member, chair, editor):
    """skhcn's item 1.1 lowered in round 1, the notice issued, the explanation phase open."""
    a = world["skhcn"]
    appraise_all(a, member, overrides={"1.1": "Không"}, reasons={"1.1": "Kế hoạch ban hành sau hạn."})
    services.assessment_mark_appraised(assessment=a, by=chair)
    set_phase(world["period"], Phase.EXPLANATION)
    editor.first_name, editor.last_name = "Lan", "Trần Thị"
    editor.save()
    return entry_of(a, "1.1")


def browser(user) -> Client:
    """Each person their own browser (their own session and messages)."""
    client = Client()
    client.force_login(user)
    return client


def _post(client, entry, text, version, **extra):
    return client.post(
        reverse("council:explanation_save", args=[entry.pk]),
        {f"e{entry.pk}-text": text, f"e{entry.pk}-version": version},
        **extra,
    )


def _saved_at(entry) -> str:
    last = ItemHistory.objects.filter(entry=entry, layer="explanation").latest("at")
    return timezone.localtime(last.at).strftime("%H:%M ngày %d/%m/%Y")


def test_second_explanation_save_from_the_same_version_shows_both_texts(editor, head, lowered):
    entry = lowered
    start = entry.version
    assert _post(browser(editor), entry, FIRST, start).status_code == 302
    response = _post(browser(head), entry, SECOND, start)
    body = response.content.decode()
    message = (
        f"Nội dung giải trình mục 1.1 vừa được Lan Trần Thị lưu lúc {_saved_at(entry)}; "
        "hãy xem lại rồi lưu lần nữa."
    )
    assert response.status_code == 409
    assert [str(m) for m in response.context["messages"]] == [message]
    # The other person's text, shown as stored, and the person's own text still in the box.
    assert f'<blockquote class="explanation-stored" id="explanation-stored-{entry.pk}">{html(FIRST)}' in body
    assert f'aria-describedby="explanation-text-{entry.pk}-error">{html(SECOND)}</textarea>' in body
    assert (
        f'<div class="invalid-feedback d-block" id="explanation-text-{entry.pk}-error">{message}</div>'
        in body
    )
    entry.refresh_from_db()
    assert (entry.explanation, entry.version) == (FIRST, start + 1)
    assert list(
        ItemHistory.objects.filter(entry=entry, layer="explanation").values_list("new_value", flat=True)
    ) == [FIRST]
    # The page now carries the stored version: saving again is the person's choice, made having seen both.
    assert f'name="e{entry.pk}-version" value="{start + 1}"' in body
    assert _post(browser(head), entry, SECOND, start + 1).status_code == 302
    entry.refresh_from_db()
    assert entry.explanation == SECOND


def test_explanation_autosave_conflict_shows_the_stored_text(editor, head, lowered):
    entry = lowered
    start = entry.version
    assert _post(browser(editor), entry, FIRST, start, headers=HX).status_code == 200
    response = _post(browser(head), entry, SECOND, start, headers=HX)
    body = response.content.decode()
    assert response.status_code == 409
    assert (
        f"Nội dung giải trình mục 1.1 vừa được Lan Trần Thị lưu lúc {_saved_at(entry)}; "
        "hãy xem lại rồi lưu lần nữa." in body
    )
    assert f"Nội dung đã lưu: «{html(FIRST)}»" in body
    entry.refresh_from_db()
    assert entry.explanation == FIRST


def test_the_same_text_saved_twice_is_no_conflict(editor, head, lowered):
    entry = lowered
    start = entry.version
    _post(browser(editor), entry, FIRST, start)
    assert _post(browser(head), entry, FIRST, start).status_code == 302
    entry.refresh_from_db()
    assert (entry.explanation, entry.version) == (FIRST, start + 1)


def test_explanation_autosave_answers_the_form_s_own_version_field(editor, lowered):
    """The autosave's answer swaps the form's version field: it keeps the field's name (e<pk>-version), so the
    next autosave is read, not refused as a broken form."""
    entry = lowered
    body = _post(browser(editor), entry, FIRST, entry.version, headers=HX).content.decode()
    assert (
        f'<input type="hidden" name="e{entry.pk}-version" value="{entry.version + 1}" '
        f'id="version-explanation-{entry.pk}" hx-swap-oob="true">' in body
    )
