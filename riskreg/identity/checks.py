from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def second_factors_enforced(app_configs, **kwargs):
    if settings.MFA_ENFORCED:
        return []
    return [
        Warning(
            "Second factors are not enforced: superusers and the roles of RISKREG_MFA_ROLES "
            "can sign in with a password alone.",
            hint="Unset RISKREG_MFA_ENFORCED, or set it to true.",
            id="riskreg.W001",
        )
    ]
