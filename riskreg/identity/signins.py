"""What a sign-in was, from allauth's record of the steps this session passed."""

from allauth.mfa.models import Authenticator

from riskreg.identity.models import SignIn
from riskreg.identity.policy import must_use_second_factor

ENROLMENT_DUE = "riskreg_second_factor_due"
METHOD = "riskreg_sign_in_method"
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
WITH_PASSWORD = {
    None: SignIn.Method.PASSWORD,
    Authenticator.Type.TOTP: SignIn.Method.PASSWORD_TOTP,
    Authenticator.Type.RECOVERY_CODES: SignIn.Method.PASSWORD_RECOVERY,
    Authenticator.Type.WEBAUTHN: SignIn.Method.PASSWORD_KEY,
}


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def sign_in_method(session) -> str:
    records = session.get("account_authentication_methods", [])
    second = next((r.get("type") for r in records if r.get("method") == "mfa"), None)
    if any(r.get("method") == "socialaccount" for r in records):
        return SignIn.Method.SSO_SECOND_FACTOR if second else SignIn.Method.SSO
    return WITH_PASSWORD.get(second, SignIn.Method.PASSWORD)


def enrolment_due(user, method: str) -> bool:
    """A password sign-in that must use a second factor and has none; SSO brings its own."""
    if method in (SignIn.Method.SSO, SignIn.Method.SSO_SECOND_FACTOR):
        return False
    return must_use_second_factor(user) and not has_second_factor(user)


def mark_enrolment(session, user) -> None:
    if enrolment_due(user, session.get(METHOD, SignIn.Method.PASSWORD)):
        session[ENROLMENT_DUE] = True
    else:
        session.pop(ENROLMENT_DUE, None)
