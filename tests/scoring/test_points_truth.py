"""One truth for points: stored points are derived and follow every setting they depend on (survey weights)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.urls import reverse

from appraisal.assessments.models import ItemEntry
from appraisal.council.importing import scores_import
from appraisal.registry.services import period_update
from appraisal.scoring.adapters import unit_doc_data
from appraisal.scoring.services import results_compute, snapshot_for_documents

COUNTS = "A=10;B=5;C=5;D=0"


def _survey_entry(period, code):
    return ItemEntry.objects.get(assessment__period=period, assessment__unit__code=code, node__code="3.1")


def test_editing_survey_weights_after_an_import_changes_results_consistently_everywhere(
    scored, period, other_unit, secretariat, client_for
):
    """What happens today: the engine recomputed the survey item from the new weights while the stored points
    (the council's pages, the form) kept the old ones — two truths."""
    content = f'\ufeffMã đơn vị;Mã tiêu chí;Giá trị;Ghi chú\nstp;3.1;"{COUNTS}";Phiếu 2023\n'.encode()
    report = scores_import(
        period=period, layer="survey", file_name="xhh.csv", content=content, by=secretariat
    )
    assert report.ok, report.summary
    # Default weights 100/60/20/0: (10×100 + 5×60 + 5×20) / 20 = 70 % of 3 points.
    assert _survey_entry(period, "stp").survey_points == Decimal("2.1000")

    period_update(period=period, by=secretariat, survey_weights={"A": "100", "B": "50", "C": "0", "D": "0"})

    # (10×100 + 5×50) / 20 = 62.5 % of 3 points, stored and computed alike.
    stored = _survey_entry(period, "stp").survey_points
    _, result = results_compute(period=period)
    stp = next(u for g in result.groups for u in g.units if u.code == "stp")
    assert stored == next(i.points for i in stp.items if i.code == "3.1") == Decimal("1.8750")
    # 1.1 Có 1 + 1.2 0.5 + 1.3 0.5 + 1.4 0 + survey 1.875 = 3.875 of 7 (field 2 does not apply).
    assert (stp.total_points, stp.max_points, stp.index_display) == (
        Decimal("3.8750"),
        Decimal("7"),
        Decimal("55.36"),
    )

    c = client_for(secretariat)
    page = c.get(reverse("scoring:period", args=[period.year])).content.decode()
    assert "<strong>55,36</strong>" in page
    run = snapshot_for_documents(period=period, by=secretariat)
    rows = list(
        csv.reader(
            io.StringIO(c.get(reverse("scoring:csv_plain", args=[period.year])).content.decode("utf-8-sig"))
        )
    )
    stp_row = next(r for r in rows if r[-1] == "stp")
    assert (stp_row[7], stp_row[10], stp_row[11]) == ("1.875", "3.875", "55.36")
    report_data = unit_doc_data(run, "stp", "shortcomings")
    survey = next(s for s in report_data.items if s.item_code == "3.1")
    assert (survey.final_points, survey.lost) == (Decimal("1.8750"), Decimal("1.1250"))
