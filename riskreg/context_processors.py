from django.conf import settings

from riskreg.roles import roles_of


def riskreg(request):
    user = getattr(request, "user", None)
    return {
        "organisation": settings.RISKREG_ORGANISATION,
        "user_roles": roles_of(user) if user and user.is_authenticated else [],
    }
