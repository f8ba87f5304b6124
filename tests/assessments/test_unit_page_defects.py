"""Issue 15, point 8: the small defects of the unit's page, each a test named after what happened."""

from __future__ import annotations

from html.parser import HTMLParser

from django.urls import reverse
from django.utils import timezone

from appraisal.assessments.models import Assessment, AssessmentState

VOID = {"br", "img", "input", "meta", "link", "hr", "source", "col", "wbr"}


class _Printed(HTMLParser):
    """The text a printer puts on paper: no d-print-none, visually hidden, head or script content."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        hidden = bool({"d-print-none", "visually-hidden", "visually-hidden-focusable"} & set(classes))
        self.stack.append(hidden or tag in ("head", "script", "style", "template"))

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not any(self.stack) and data.strip():
            self.text.append(data.strip())


def printed_text(html: str) -> str:
    parser = _Printed()
    parser.feed(html)
    return "\n".join(parser.text)


def _lock(assessment: Assessment) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(
        state=AssessmentState.SUBMITTED, submitted_at=timezone.now()
    )


def test_unit_page_prints_the_units_name_once(client_for, editor, assessment):
    body = client_for(editor).get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    printed = printed_text(body)
    assert printed.count("Sở Khoa học và Công nghệ") == 1
    # The page's buttons and forms stay on screen, not on paper.
    assert "Mở phiếu tự đánh giá" not in printed and "Tải phiếu Excel lên" not in printed


def test_countdown_runs_after_the_unit_finished(client_for, editor, assessment):
    url = reverse("assessments:detail", args=[assessment.pk])
    before = client_for(editor).get(url).content.decode()
    assert "còn " in before.split('id="deadline-remaining">')[1].split("</p>")[0].lower()
    _lock(assessment)
    after = client_for(editor).get(url).content.decode()
    remaining = after.split('id="deadline-remaining">')[1].split("</p>")[0]
    assert remaining == "Đơn vị đã chốt, không còn đếm ngược"
    form = client_for(editor).get(reverse("assessments:form", args=[assessment.pk])).content.decode()
    assert "(đơn vị đã chốt, không còn đếm ngược)" in form


def test_excel_upload_form_shows_on_a_locked_assessment(client_for, editor, assessment):
    url = reverse("assessments:detail", args=[assessment.pk])
    assert 'id="workbook-file"' in client_for(editor).get(url).content.decode()
    _lock(assessment)
    body = client_for(editor).get(url).content.decode()
    assert 'id="workbook-file"' not in body
    assert reverse("assessments:excel_upload", args=[assessment.pk]) not in body
    assert "Không tải phiếu Excel lên được: Bản tự đánh giá đang ở trạng thái «Đã chốt tự đánh giá»" in body
