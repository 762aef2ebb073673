from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class ModelBackendOneQuery(ModelBackend):
    """Django's ModelBackend, reading a user's and their groups' permissions in one query.

    Every page checks permissions, so this saves a query on every request.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            pairs = permissions.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in pairs.distinct()}
        return user_obj._perm_cache
