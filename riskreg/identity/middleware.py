from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from riskreg.identity.signins import ENROLMENT_DUE, has_second_factor


class SecondFactorMiddleware:
    """Until a user who must use a second factor has one, they may only set one up.

    The flag is set at sign-in (riskreg.identity.receivers), so a page costs no query once
    it is cleared; the account page, the second-factor pages and logging out stay open.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(ENROLMENT_DUE) and request.user.is_authenticated:
            if has_second_factor(request.user):
                del request.session[ENROLMENT_DUE]
            elif not self.may_open(request.path):
                messages.warning(
                    request,
                    "Your account needs a second factor before you go on: set up an "
                    "authenticator app or add a security key.",
                )
                return redirect("account")
        return self.get_response(request)

    def may_open(self, path: str) -> bool:
        open_paths = (reverse("account"), reverse("logout"), settings.STATIC_URL)
        return path.startswith(open_paths)
