"""Sign-in pages under /account/: allauth's views riskreg uses, and its own account page.

Only what riskreg offers is routed: no self sign-up, no e-mail management (an administrator
sets a user's address), no connecting of other accounts.
"""

from allauth.account import views as account
from allauth.socialaccount import views as social
from django.urls import include, path, re_path

from riskreg.identity import sso, views

urlpatterns = [
    path("", views.account, name="account"),
    path("signup/", account.signup, name="account_signup"),
    path("inactive/", account.account_inactive, name="account_inactive"),
    path("reauthenticate/", account.reauthenticate, name="account_reauthenticate"),
    path("password/change/", account.password_change, name="account_change_password"),
    path("password/set/", views.no_password, name="account_set_password"),
    path("password/reset/", account.password_reset, name="account_reset_password"),
    path("password/reset/done/", account.password_reset_done, name="account_reset_password_done"),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        account.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "password/reset/key/done/",
        account.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
    path("2fa/", include("allauth.mfa.urls")),
    path("sso/cancelled/", social.login_cancelled, name="socialaccount_login_cancelled"),
    path("sso/error/", social.login_error, name="socialaccount_login_error"),
    path("sso/signup/", social.signup, name="socialaccount_signup"),
    re_path(
        r"^oidc/(?P<provider_id>[^/]+)/login/$",
        sso.login,
        name="openid_connect_login",
    ),
    re_path(
        r"^oidc/(?P<provider_id>[^/]+)/login/callback/$",
        sso.callback,
        name="openid_connect_callback",
    ),
]
