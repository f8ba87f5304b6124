from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "appraisal.council"
    label = "council"
    verbose_name = "Hội đồng thẩm định"

    def ready(self) -> None:
        # Registers SPEC §6a as django-rules permissions (parindex.view_<what>).
        from appraisal.assessments.selectors import (
            ASSESSMENT_VIEW_RULES,
            COUNCIL_INSIDE_RULES,
            EVIDENCE_DOWNLOAD_RULES,
        )
        from appraisal.registry.lifecycle import ROLLOVER_COPIES

        from . import access  # noqa: F401
        from .access import (
            assessment_view_check,
            council_can_download_evidence,
            council_inside,
            evidence_download_by_policy,
        )
        from .services import assignments_rollover

        # Who downloads a unit's evidence: SPEC §6a read in the period and moment of each assessment linking the
        # file, and assigned council members for the items they appraise (assessments cannot import the
        # council: the rules are handed down here).
        for rule in (evidence_download_by_policy, council_can_download_evidence):
            if rule not in EVIDENCE_DOWNLOAD_RULES:
                EVIDENCE_DOWNLOAD_RULES.append(rule)
        # Who sees a unit's self-assessment is SPEC §6a's row "inputs", decided by the council's policy.
        if assessment_view_check not in ASSESSMENT_VIEW_RULES:
            ASSESSMENT_VIEW_RULES.append(assessment_view_check)
        # A roll-over with the council copies its assignments (the registry cannot import the council).
        if assignments_rollover not in ROLLOVER_COPIES:
            ROLLOVER_COPIES.append(assignments_rollover)
        # Which council member moved a self-assessment is for the council's own people only.
        if council_inside not in COUNCIL_INSIDE_RULES:
            COUNCIL_INSIDE_RULES.append(council_inside)
