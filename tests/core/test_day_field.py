"""QA: a day that does not exist (31/02/2024, month 13) is refused as such on every date field people type, not
as a wrong format (the extension and window forms did this already; the decision, proposal, approval and
document dates now too)."""

from __future__ import annotations

import pytest

from appraisal.assessments.forms import DocumentForm, LibraryAddForm
from appraisal.registry.forms import PeriodSettingsForm
from appraisal.scoring.forms import ApproveForm

NO_SUCH_DAY = "Ngày 31/02/2024 không có thật: hãy kiểm tra lại ngày, tháng."


@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (DocumentForm, "doc_date"),
        (LibraryAddForm, "doc_date"),
        (PeriodSettingsForm, "decision_date"),
        (PeriodSettingsForm, "proposal_date"),
        (ApproveForm, "date"),
    ],
)
def test_a_day_that_does_not_exist_is_refused_as_such(form_class, field):
    with pytest.raises(Exception) as caught:
        form_class.base_fields[field].clean("31/02/2024")
    assert caught.value.messages == [NO_SUCH_DAY]


def test_a_real_day_is_taken_and_a_wrong_format_keeps_its_own_message():
    field = ApproveForm.base_fields["date"]
    assert field.clean("29/02/2024").isoformat() == "2024-02-29"
    with pytest.raises(Exception) as caught:
        field.clean("5 tháng 2")
    assert caught.value.messages == [
        "Ngày ký quyết định phê duyệt không hợp lệ: ghi dạng dd/mm/yyyy, ví dụ 05/02/2024."
    ]
