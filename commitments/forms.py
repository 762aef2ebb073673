from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from commitments.models import (
    Commitment,
    Period,
    Person,
    PolicyArea,
    QuarterlyStatus,
    Rag,
)


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, period):
        return f"{period} ({period.get_state_display()})"


class CommitmentFilterForm(forms.Form):
    MOVEMENTS = [
        ("", "Any movement"),
        ("newly_red", "Newly red"),
        ("red_twice", "Red for two quarters"),
        ("improving", "Improving from red"),
    ]
    period = PeriodChoiceField(queryset=Period.objects.all(), required=False, empty_label=None)
    policy_area = forms.ModelChoiceField(
        queryset=PolicyArea.objects.all(), required=False, empty_label="All policy areas"
    )
    rag = forms.ChoiceField(label="RAG", choices=[("", "Any RAG"), *Rag.choices], required=False)
    movement = forms.ChoiceField(choices=MOVEMENTS, required=False)
    lead = forms.ModelChoiceField(
        queryset=Person.objects.all(), required=False, empty_label="Any lead"
    )
    q = forms.CharField(label="Text or ref", required=False, max_length=200)
    per_page = forms.TypedChoiceField(
        label="Show",
        choices=[(25, "25 a page"), (100, "100 a page"), (1000, "All")],
        coerce=int,
        required=False,
        empty_value=25,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-control" if isinstance(field, forms.CharField) else "form-select"
            field.widget.attrs["class"] = css

    def chosen_period(self) -> Period | None:
        """The period asked for, or the current one (shown as chosen in the select)."""
        chosen = self.cleaned_data.get("period") if self.is_valid() else None
        if chosen:
            return chosen
        current = Period.objects.current()
        if current is not None:
            self.initial["period"] = current.pk
        return current

    def filter(self, commitments):
        """Filter a queryset annotated by with_rags (rag_now, rag_before)."""
        data = self.cleaned_data
        if data.get("policy_area"):
            commitments = commitments.filter(policy_area=data["policy_area"])
        if data.get("rag"):
            commitments = commitments.filter(rag_now=data["rag"])
        if data.get("lead"):
            commitments = commitments.led_by(data["lead"]) | commitments.filter(
                wmp_lead=data["lead"]
            )
        if data.get("q"):
            commitments = commitments.filter(
                Q(text__icontains=data["q"]) | Q(ref__iexact=data["q"])
            )
        movement = data.get("movement")
        if movement == "newly_red":
            commitments = commitments.filter(rag_now=Rag.RED).exclude(rag_before=Rag.RED)
        elif movement == "red_twice":
            commitments = commitments.filter(rag_now=Rag.RED, rag_before=Rag.RED)
        elif movement == "improving":
            commitments = commitments.filter(
                rag_before=Rag.RED, rag_now__in=[Rag.AMBER, Rag.GREEN, Rag.COMPLETE]
            )
        return commitments


class StatusForm(forms.Form):
    """One commitment's status for one period; `version` carries optimistic locking."""

    rag = forms.ChoiceField(label="RAG", choices=[("", "Choose…"), *Rag.choices])
    update = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    red_for_resourcing = forms.BooleanField(
        required=False, help_text="Red because workload is being reallocated."
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, commitment: Commitment, **kwargs):
        self.commitment = commitment
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("red_for_resourcing") and data.get("rag") != Rag.RED:
            self.add_error(
                "red_for_resourcing", "Red for resourcing can only be ticked when the RAG is Red."
            )
        return data

    def has_changed(self) -> bool:
        return any(name != "version" for name in self.changed_data)

    def save(self, period: Period, user) -> QuarterlyStatus | None:
        data = self.cleaned_data
        try:
            return QuarterlyStatus.objects.record(
                commitment=self.commitment,
                period=period,
                rag=data["rag"],
                update=data["update"],
                red_for_resourcing=data["red_for_resourcing"],
                seen_version=data["version"],
                user=user,
            )
        except ValidationError as error:
            self.add_error(None, error)
            raise


def status_initial(status: QuarterlyStatus | None) -> dict:
    if status is None:
        return {"version": 0, "rag": "", "update": "", "red_for_resourcing": False}
    return {
        "version": status.version,
        "rag": status.rag,
        "update": status.update,
        "red_for_resourcing": status.red_for_resourcing,
    }


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["ref", "policy_area", "text", "smt_lead", "officer_lead", "wmp_lead", "timescale"]
