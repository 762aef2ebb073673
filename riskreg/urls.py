from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from riskreg import views

handler403 = views.permission_denied

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("healthz", views.healthz, name="healthz"),  # both answered by middleware.Probes
    path("readyz", views.readyz, name="readyz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("commitments/", include("commitments.urls")),
    path("risks/", include("registers.urls")),
    path("papers/", include("reports.urls")),
    path("reminders/", include("riskreg.reminders.urls")),
    path("admin/", admin.site.urls),
]
