from allauth.account.forms import ResetPasswordForm
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm
from axes.handlers.proxy import AxesProxyHandler
from django import forms

from riskreg.identity.policy import may_use_password


class SecondFactorForm(AuthenticateForm):
    """The code step of sign-in, throttled by django-axes like the password step.

    A wrong code counts as a failed login (riskreg.identity.receivers), so five failures of
    either kind lock that username from that address; a locked one is refused here.
    """

    def clean_code(self) -> str:
        request = context.request
        if not AxesProxyHandler.is_allowed(request, {"username": self.user.get_username()}):
            request.axes_locked_out = True
            raise forms.ValidationError("Too many failed attempts.")
        return super().clean_code()


class PasswordResetForm(ResetPasswordForm):
    """Mails a reset link only to those who sign in with a password here.

    The page answers the same whatever the address: someone who signs in through their
    organisation resets their password there.
    """

    def clean_email(self) -> str:
        email = super().clean_email()
        self.users = [u for u in self.users if u.has_usable_password() and may_use_password(u)]
        return email
