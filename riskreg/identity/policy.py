"""The identity rules riskreg adds to django-allauth, each in one place."""

import logging

from django.conf import settings
from django.contrib.auth.models import Group

log = logging.getLogger("riskreg.security")


def must_use_second_factor(user) -> bool:
    """Superusers, staff and the roles of RISKREG_MFA_ROLES sign in with a second factor."""
    if not settings.MFA_ENFORCED:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return user.groups.filter(name__in=settings.MFA_REQUIRED_ROLES).exists()


def may_use_password(user) -> bool:
    """With RISKREG_SSO_ONLY on, only a superuser (the break-glass account) signs in locally."""
    return user.is_superuser or not settings.SSO_ONLY


def may_use_sso(user) -> bool:
    """Administrators sign in with their password and second factor, never through SSO."""
    return not (user.is_staff or user.is_superuser)


def email_is_verified(claims: dict) -> bool:
    # Entra ID sends xms_edov (the e-mail domain's owner is verified) as an optional claim.
    return claims.get("email_verified") is True or claims.get("xms_edov") is True


def roles_from_claims(claims: dict) -> set[str]:
    values = claims.get(settings.SSO_ROLE_CLAIM) or []
    if isinstance(values, str):
        values = [values]
    return {
        settings.SSO_ROLE_MAP[v]
        for v in values
        if isinstance(v, str) and v in settings.SSO_ROLE_MAP
    }


def follow_role_claim(user, claims: dict) -> None:
    """The roles RISKREG_SSO_ROLE_MAP names follow the claim; other roles stay as given."""
    mapped = set(settings.SSO_ROLE_MAP.values())
    wanted = roles_from_claims(claims)
    before = set(user.groups.values_list("name", flat=True))
    after = (before - mapped) | wanted
    if after != before:
        user.groups.set(Group.objects.filter(name__in=after))
        log.info(
            "roles from sso user=%s roles=%s",
            user.get_username(),
            ",".join(sorted(after)) or "-",
        )
