from django.conf import settings
from django.utils.functional import SimpleLazyObject

from riskreg.roles import roles_of


def riskreg(request):
    user = getattr(request, "user", None)
    return {
        "organisation": settings.RISKREG_ORGANISATION,
        "sso_only": settings.SSO_ONLY,
        # Lazy: only the pages that show the roles pay for the query.
        "user_roles": SimpleLazyObject(lambda: roles_of(user)),
    }
