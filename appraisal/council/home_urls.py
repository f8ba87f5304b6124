from django.urls import path

from . import home as views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("ky/<int:year>/", views.home, name="home_year"),
]
