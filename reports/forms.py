from django import forms

from commitments.models import Period
from reports.models import Paper


class PaperForm(forms.ModelForm):
    class Meta:
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
        widgets = {
            "meeting_date": forms.DateInput(attrs={"type": "date"}),
            "status_date": forms.DateInput(attrs={"type": "date"}),
            **{
                name: forms.Textarea(attrs={"rows": 5})
                for name in [
                    "purpose",
                    "methodology",
                    "plan_introduction",
                    "themes",
                    "recommendation",
                ]
            },
        }


class NewPaperForm(forms.Form):
    period = forms.ModelChoiceField(queryset=Period.objects.all(), empty_label=None)
