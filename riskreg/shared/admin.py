"""What the admin pages of tracked records share."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from riskreg.shared.forms import ManyRows, RecordForm


class HistoryAdmin(SimpleHistoryAdmin):
    """Change history to read, never to revert: a revert would write an old copy over the
    record without the record's own form, so its history pages only show."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not str(version_id).isdigit() or not str(object_id).isdigit():
            raise Http404("No such version.")
        if request.method != "GET":
            raise PermissionDenied("History is read-only: make a change through the record's form.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", ManyRows)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class RecordAdmin(HistoryAdmin):
    """The admin for a riskreg.shared.records.Record.

    Its form carries the lock_version the editor saw, and the model's own rules decide
    what may change: a refused save or delete is a message on the page, never a 500.
    """

    form = RecordForm

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and allowed(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and allowed(obj, deleting=True)

    def changeform_view(self, request, *args, **kwargs):
        return refusals_as_messages(self, request, super().changeform_view, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return refusals_as_messages(self, request, super().delete_view, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return refusals_as_messages(self, request, super().changelist_view, *args, **kwargs)


def allowed(obj, deleting: bool = False) -> bool:
    """Whether the model's rules would let `obj` change now (checked again, locked, on save)."""
    if obj is None:
        return True
    try:
        obj.check_rules(deleting=deleting, lock=False)
    except ValidationError:
        return False
    return True


def refusals_as_messages(model_admin, request, view, *args, **kwargs):
    try:
        return view(request, *args, **kwargs)
    except ValidationError as error:
        model_admin.message_user(request, " ".join(error.messages), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())
