from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Aggregate, Q, TextField, Value
from django.db.models.functions import Concat


class Joined(Aggregate):
    """The distinct values of a column joined with commas, in SQL (STRING_AGG / GROUP_CONCAT)."""

    function = "STRING_AGG"
    template = "%(function)s(DISTINCT %(expressions)s, ',')"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            function="GROUP_CONCAT",
            template="%(function)s(DISTINCT %(expressions)s)",
        )


def permission_names(prefix: str) -> Joined:
    """Every permission reached through `prefix`, as 'app_label.codename' joined with commas."""
    return Joined(
        Concat(
            f"{prefix}__content_type__app_label",
            Value("."),
            f"{prefix}__codename",
            output_field=TextField(),
        )
    )


class ModelBackendOneQuery(ModelBackend):
    """Django's ModelBackend, reading the signed-in user and all their permissions in one query.

    Every page reads the user and checks permissions, so this saves a query on every request.
    """

    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.filter(pk=user_id)
            .annotate(
                own_permissions=permission_names("user_permissions"),
                group_permissions=permission_names("groups__permissions"),
            )
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        if not user.is_superuser:
            names = f"{user.own_permissions or ''},{user.group_permissions or ''}".split(",")
            # A user with no permission of one kind joins a row of NULLs: '' or '.'.
            user._perm_cache = set(names) - {"", "."}
        return user

    def get_all_permissions(self, user_obj, obj=None):
        """As ModelBackend's, in one query when get_user has not already read them."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            pairs = permissions.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in pairs.distinct()}
        return user_obj._perm_cache
