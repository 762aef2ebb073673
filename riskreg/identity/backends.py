from allauth.account.auth_backends import AuthenticationBackend

from riskreg.identity.policy import may_use_password


class PasswordBackend(AuthenticationBackend):
    """allauth's username and password check, closed to all but superusers when SSO only.

    A refused user gets the same answer as a wrong password, and django-axes counts it.
    """

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None and not may_use_password(user):
            return None
        return user
