from allauth.account import views as account_views
from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from riskreg import views
from riskreg.shared.refs import RefConverter

handler403 = views.permission_denied
# <ref:...> in every app's URLs: registered once, before the apps' URLconfs are included.
register_converter(RefConverter, "ref")

# The admin has no login of its own: /login/ with its second factor is the one door.
admin.site.login = secure_admin_login(admin.site.login)
logout = auth_views.LogoutView.as_view()

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("healthz", views.healthz, name="healthz"),  # both answered by middleware.Probes
    path("readyz", views.readyz, name="readyz"),
    path("login/", account_views.login, name="login"),
    path("login/", account_views.login, name="account_login"),
    path("logout/", logout, name="logout"),
    path("logout/", logout, name="account_logout"),
    path("account/", include("riskreg.identity.urls")),
    path("commitments/", include("commitments.urls")),
    path("risks/", include("registers.urls")),
    path("papers/", include("reports.urls")),
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="account_change_password"),
    ),
    path("reminders/", include("riskreg.reminders.urls")),
    path("admin/", admin.site.urls),
]
