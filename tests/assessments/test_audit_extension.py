"""Issue 13, build item 5: each extension grant is kept in the audit trail (a second grant does not erase
the first)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from appraisal.registry.models import AuditEntry, PeriodEventKind
from tests.assessments.test_workflow import past_deadline


def test_audit_each_extension_grant_is_kept(client_for, secretariat, assessment, window):
    past_deadline(window)
    c = client_for(secretariat)
    for days, reason in ((2, "Mất điện diện rộng."), (4, "Bão số 3.")):
        until = timezone.localtime(timezone.now() + timedelta(days=days)).replace(second=0, microsecond=0)
        c.post(
            reverse("assessments:extend", args=[assessment.pk]),
            {"until": until.strftime("%d/%m/%Y %H:%M"), "reason": reason},
        )
    rows = list(AuditEntry.objects.filter(action=PeriodEventKind.EXTENSION).order_by("at", "pk"))
    assert [(r.by, r.reason, r.object_repr, r.period) for r in rows] == [
        (secretariat, "Mất điện diện rộng.", str(assessment.unit), assessment.period),
        (secretariat, "Bão số 3.", str(assessment.unit), assessment.period),
    ]
