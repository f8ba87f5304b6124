from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "appraisal.council"
    label = "council"
    verbose_name = "Hội đồng thẩm định"

    def ready(self) -> None:
        # Registers SPEC §6a as django-rules permissions (parindex.view_<what>).
        from appraisal.assessments.selectors import EVIDENCE_DOWNLOAD_RULES

        from . import access  # noqa: F401
        from .access import council_can_download_evidence

        # Assigned council members download the evidence of the items they appraise (assessments cannot import
        # the council: the rule is handed down here).
        if council_can_download_evidence not in EVIDENCE_DOWNLOAD_RULES:
            EVIDENCE_DOWNLOAD_RULES.append(council_can_download_evidence)
