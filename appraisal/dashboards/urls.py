from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/tien-do/", views.progress, name="progress"),
    path("<int:year>/tien-do/noi-dung/", views.progress_body, name="progress_body"),
    path("<int:year>/tien-do/don-vi/", views.progress_units, name="progress_units"),
    path("<int:year>/tien-do/<slug:chart>.csv", views.progress_csv, name="progress_csv"),
    path("<int:year>/ket-qua/", views.results, name="results"),
    path("<int:year>/ket-qua/<slug:chart>.csv", views.results_csv, name="results_csv"),
    path("<int:year>/ket-qua/<slug:chart>.svg", views.results_svg, name="results_svg"),
    path("<int:year>/tong-quan/", views.summary, name="summary"),
    path("<int:year>/don-vi/<slug:code>/", views.unit, name="unit"),
    path("<int:year>/don-vi/<slug:code>/<slug:chart>.csv", views.unit_csv, name="unit_csv"),
]
