from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "appraisal.dashboards"
    label = "dashboards"
    verbose_name = "Bảng điều khiển và biểu đồ"
