from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from appraisal.core.passwords import PasswordChangeView

urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("quan-tri/", admin.site.urls),
    path("danh-muc/", include("appraisal.registry.urls")),
    path("tu-danh-gia/", include("appraisal.assessments.urls")),
    path("hoi-dong/", include("appraisal.council.urls")),
    path("ket-qua/", include("appraisal.scoring.urls")),
    path("", include("appraisal.core.urls")),
]
