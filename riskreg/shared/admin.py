"""What the admin pages of versioned records share."""

from django import forms
from simple_history.admin import SimpleHistoryAdmin


class VersionedForm(forms.ModelForm):
    """Carries the version the editor saw, as the register's own forms do."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version if self.instance.pk else 0

    def clean(self):
        seen = self.cleaned_data.get("seen_version")
        if self.instance.pk and seen is not None and seen != self.instance.version:
            raise forms.ValidationError(
                "Someone else saved this record after you opened it, so your changes were not "
                "saved. Reload the page to see their change, then make yours again."
            )
        return super().clean()


class VersionedAdmin(SimpleHistoryAdmin):
    """Edits in the admin take part in optimistic locking: a stale form is refused, and a
    save moves the version on so an edit begun elsewhere before it is refused too."""

    form = VersionedForm
    exclude = ["version"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
