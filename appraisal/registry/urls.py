from django.urls import path

from . import period_views, views

app_name = "registry"
urlpatterns = [
    path("", views.index, name="index"),
    path("khoi/", views.group_list, name="group_list"),
    path("khoi/them/", views.group_create, name="group_create"),
    path("khoi/<int:pk>/sua/", views.group_edit, name="group_edit"),
    path("don-vi/", views.unit_list, name="unit_list"),
    path("don-vi/them/", views.unit_create, name="unit_create"),
    path("don-vi/nhap/", views.units_import, name="units_import"),
    path("don-vi/<int:pk>/sua/", views.unit_edit, name="unit_edit"),
    path("don-vi/<int:pk>/ngung/", views.unit_deactivate, name="unit_deactivate"),
    path("don-vi/<int:pk>/kich-hoat/", views.unit_activate, name="unit_activate"),
    path("bo-chi-so/nhap/", views.index_set_import, name="index_set_import"),
    path("bo-chi-so/sao-chep/", views.index_set_copy, name="index_set_copy"),
    path("bo-chi-so/<int:pk>/", views.index_set_detail, name="index_set_detail"),
    path("bo-chi-so/tieu-chi/<int:pk>/sua-loi/", views.index_node_fix, name="index_node_fix"),
    path("mau/mau-don-vi.xlsx", views.template_units, name="template_units"),
    path("mau/mau-bo-chi-so.xlsx", views.template_index_set, name="template_index_set"),
    path("ky/", views.period_list, name="period_list"),
    path("ky/them/", views.period_create, name="period_create"),
    path("ky/tao-tu-nam-truoc/", period_views.period_rollover, name="period_rollover"),
    path("ky/<int:pk>/", views.period_detail, name="period_detail"),
    path("ky/<int:pk>/thiet-lap/", views.period_edit, name="period_edit"),
    path("ky/<int:pk>/hien-hanh/", views.period_set_current, name="period_set_current"),
    path("ky/<int:pk>/thoi-han/<slug:phase>/", views.period_window, name="period_window"),
    path("ky/<int:pk>/xoa/", period_views.period_delete, name="period_delete"),
    path("ky/<int:pk>/luu-tru/", period_views.period_archive, name="period_archive"),
    path("ky/<int:pk>/bo-luu-tru/", period_views.period_unarchive, name="period_unarchive"),
    path("ky/<int:pk>/don-vi.xlsx", period_views.period_units_export, name="period_units_export"),
    path("co-quan/", views.organisation_edit, name="organisation_edit"),
]
