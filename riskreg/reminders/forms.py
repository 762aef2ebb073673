from django import forms

from commitments.models import Person
from riskreg.reminders.models import EmailChoice
from riskreg.reminders.people import is_required


class EmailChoiceForm(forms.ModelForm):
    """A user's own choice; what a role of theirs requires stays on (and is shown so)."""

    class Meta:
        model = EmailChoice
        fields = ["digests", "notices"]

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in self.Meta.fields:
            if is_required(roles, kind):
                self.fields[kind].disabled = True
                self.initial[kind] = True
                self.fields[kind].help_text += " Your role requires these, so they stay on."


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return person.name if person.email else f"{person.name} (no e-mail address)"


class PreviewForm(forms.Form):
    person = PersonChoiceField(
        label="Whose next digest", queryset=Person.objects.all(), empty_label="Choose a person"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].widget.attrs["class"] = "form-select"
