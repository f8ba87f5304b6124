from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "appraisal.scoring"
    label = "scoring"
    verbose_name = "Kết quả"

    def ready(self) -> None:
        # The import pages of registry and council hand big files to scoring's background jobs through the
        # core port, without importing scoring (imports flow one way).
        from appraisal.core.jobs import import_starter_register

        from .jobs import import_start

        import_starter_register(import_start)
