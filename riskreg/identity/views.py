from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from django.shortcuts import render

from riskreg.identity.policy import must_use_second_factor
from riskreg.identity.signins import ENROLMENT_DUE
from riskreg.roles import roles_of

RECENT_SIGN_INS = 10


def account(request):
    """Who you are here, how you sign in, your second factors and your recent sign-ins."""
    user = request.user
    authenticators: dict[str, list] = {}
    for authenticator in Authenticator.objects.filter(user=user).order_by("created_at"):
        authenticators.setdefault(authenticator.type, []).append(authenticator)
    context = {
        "roles": roles_of(user),
        "sso_accounts": list(user.socialaccount_set.all()),
        "totp": authenticators.get(Authenticator.Type.TOTP, [None])[0],
        "keys": authenticators.get(Authenticator.Type.WEBAUTHN, []),
        "recovery_unused": unused_recovery_codes(authenticators),
        "recovery_total": mfa_settings.RECOVERY_CODE_COUNT,
        "second_factor_required": must_use_second_factor(user),
        "enrolment_due": request.session.get(ENROLMENT_DUE, False),
        "sign_ins": user.sign_ins.all()[:RECENT_SIGN_INS],
    }
    return render(request, "identity/account.html", context)


def unused_recovery_codes(authenticators: dict) -> int | None:
    codes = authenticators.get(Authenticator.Type.RECOVERY_CODES)
    return len(codes[0].wrap().get_unused_codes()) if codes else None


def no_password(request):
    """Someone who signs in through their organisation keeps no password here."""
    return render(request, "identity/no_password.html")
