from django import forms

from commitments.models import Period
from reports.models import Paper
from riskreg.shared.forms import RecordForm


class PaperForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = Paper
        fields = [
            "meeting_date",
            "agenda_item",
            "status_date",
            "purpose",
            "methodology",
            "plan_introduction",
            "themes",
            "proposed_risks_lead_in",
            "recommendation",
            "contact_name",
            "contact_title",
        ]
        help_texts = {"meeting_date": "The date of the committee meeting; needed to publish."}


class NewPaperForm(forms.Form):
    period = forms.ModelChoiceField(queryset=Period.objects.all(), empty_label=None)
