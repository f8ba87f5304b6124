from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "appraisal.assessments"
    label = "assessments"
    verbose_name = "Tự đánh giá"

    def ready(self) -> None:
        from appraisal.registry.services import PERIOD_SETTINGS_REFRESH

        from .layers import entry_points_refresh_for

        # Stored points follow the period settings they are derived from (survey weights).
        if entry_points_refresh_for not in PERIOD_SETTINGS_REFRESH:
            PERIOD_SETTINGS_REFRESH.append(entry_points_refresh_for)
