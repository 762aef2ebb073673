import logging
from ipaddress import ip_address

from allauth.mfa import signals as mfa_signals
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from riskreg.identity.models import SignIn
from riskreg.identity.signins import METHOD, mark_enrolment, sign_in_method
from riskreg.roles import roles_of
from riskreg.signals import client_address

log = logging.getLogger("riskreg.security")


def address_or_none(request) -> str | None:
    try:
        return str(ip_address(client_address(request)))
    except ValueError:
        return None


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs):
    if request is None:
        return
    method = sign_in_method(request.session)
    request.session[METHOD] = method
    SignIn.objects.create(user=user, address=address_or_none(request), method=method)
    log.info("sign-in user=%s method=%s", user.get_username(), method)
    mark_enrolment(request.session, user)
    if not roles_of(user):
        messages.info(
            request,
            "Your account is waiting for an administrator to give you a role.",
            fail_silently=True,
        )


@receiver(mfa_signals.authentication_failed)
def count_wrong_code(sender, request, user, **kwargs):
    """A wrong second-factor code is a failed login to django-axes and the security log."""
    credentials = {"username": user.get_username()}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)


@receiver(mfa_signals.authenticator_removed)
def recheck_enrolment(sender, request, user, **kwargs):
    mark_enrolment(request.session, user)


@receiver(mfa_signals.authenticator_added)
def log_added(sender, request, user, authenticator, **kwargs):
    log.info("second factor added user=%s type=%s", user.get_username(), authenticator.type)


@receiver(mfa_signals.authenticator_removed)
def log_removed(sender, request, user, authenticator, **kwargs):
    log.info("second factor removed user=%s type=%s", user.get_username(), authenticator.type)
