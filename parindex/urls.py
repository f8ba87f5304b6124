from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from health_check.views import HealthCheckView

from appraisal.core.passwords import PasswordChangeView

# For the load balancer and monitoring: the database answers and the media storage stores, reads and deletes a
# file. No login (it reveals no data); ?format=json or Accept: application/json for machines; 500 when unhealthy.
health = login_not_required(
    HealthCheckView.as_view(checks=["health_check.checks.Database", "health_check.checks.Storage"])
)

urlpatterns = [
    path("healthz/", health, name="health"),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("quan-tri/", admin.site.urls),
    path("danh-muc/", include("appraisal.registry.urls")),
    path("tu-danh-gia/", include("appraisal.assessments.urls")),
    path("hoi-dong/", include("appraisal.council.urls")),
    path("ket-qua/", include("appraisal.scoring.urls")),
    path("bang-dieu-khien/", include("appraisal.dashboards.urls")),
    path("", include("appraisal.council.home_urls")),
]
