import logging
import smtplib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth.models import User
from django.shortcuts import render
from django.urls import reverse

from riskreg.identity import policy
from riskreg.roles import roles_of
from riskreg.signals import client_address

log = logging.getLogger("riskreg.security")


def landing_url(user) -> str:
    """An SMT lead and nothing else lands on their grid; everyone else on the home page."""
    if roles_of(user) == ["SMT lead"] and hasattr(user, "person"):
        return reverse("commitments:mine")
    return reverse(settings.LOGIN_REDIRECT_URL)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False  # administrators create local accounts; SSO creates its own

    def get_login_redirect_url(self, request) -> str:
        return landing_url(request.user)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """A mail server that is down is logged; the page answers as if it was sent."""
        try:
            super().send_mail(template_prefix, email, context)
        except (OSError, smtplib.SMTPException) as e:
            log.error("mail failed template=%s to=%s detail=%s", template_prefix, email, e)

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        # Administrators set User.email; allauth would look for its own address records.
        email = email or user.email or None
        super().send_notification_mail(template_prefix, user, context, email)


def refuse(request, message: str):
    log.warning("sso refused address=%s reason=%s", client_address(request), message)
    response = render(request, "identity/sso_refused.html", {"message": message}, status=403)
    return ImmediateHttpResponse(response)


class SSOAdapter(DefaultSocialAccountAdapter):
    """Single sign-on: creates users with no role, links by e-mail only when allowed."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True

    def pre_social_login(self, request, sociallogin) -> None:
        claims = id_token_claims(sociallogin)
        if not sociallogin.is_existing:
            self.link_by_email(request, sociallogin, claims)
        user = sociallogin.user
        if sociallogin.is_existing:
            if not policy.may_use_sso(user):
                raise refuse(
                    request,
                    "An administrator's account signs in with its password "
                    "and second factor, not through your organisation.",
                )
            policy.follow_role_claim(user, claims)

    def link_by_email(self, request, sociallogin, claims: dict) -> None:
        email = (claims.get("email") or "").strip()
        existing = list(User.objects.filter(email__iexact=email)[:2]) if email else []
        if not existing:
            return
        if (
            len(existing) == 1
            and settings.SSO_LINK_BY_EMAIL
            and policy.email_is_verified(claims)
            and policy.may_use_sso(existing[0])
        ):
            sociallogin.connect(request, existing[0])
            return
        raise refuse(
            request,
            f"riskreg already has an account for {email}. Ask an "
            "administrator to connect it to your organisation's sign-in.",
        )

    def on_authentication_error(self, request, provider, error=None, exception=None, **kw):
        log.warning(
            "sso failed provider=%s error=%s detail=%s address=%s",
            getattr(provider.app, "provider_id", provider.id),
            error,
            exception,
            client_address(request),
        )

    def save_user(self, request, sociallogin, form=None):
        user = sociallogin.user
        user.is_staff = user.is_superuser = False  # SSO never makes an administrator
        user = super().save_user(request, sociallogin, form)
        policy.follow_role_claim(user, id_token_claims(sociallogin))
        return user


def id_token_claims(sociallogin) -> dict:
    data = sociallogin.account.extra_data or {}
    return data.get("id_token") or data.get("userinfo") or data
