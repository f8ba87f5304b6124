from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "appraisal.registry"
    label = "registry"
    verbose_name = "Danh mục"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .audit import audit_login

        # A login is not a model change: the audit trail hears of it from Django's own signal.
        user_logged_in.connect(audit_login, dispatch_uid="parindex_audit_login")
