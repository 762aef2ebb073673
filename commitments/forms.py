from django import forms
from django.db import models
from django.db.models import Q

from commitments.models import (
    Commitment,
    Movement,
    Period,
    Person,
    PolicyArea,
    QuarterlyStatus,
    Rag,
)
from riskreg.shared.forms import Filters, FilterSelect, RecordForm, RowChoice


class PeriodChoiceField(RowChoice):
    def label_from_instance(self, period):
        return f"{period} ({period.get_state_display()})"


class CommitmentFilterForm(Filters):
    period = PeriodChoiceField(
        queryset=Period.objects.all(), required=False, empty_label=None, widget=FilterSelect
    )
    policy_area = RowChoice(
        queryset=PolicyArea.objects.all(),
        required=False,
        empty_label="All policy areas",
        widget=FilterSelect,
    )
    rag = forms.ChoiceField(
        label="RAG", choices=[("", "Any RAG"), *Rag.choices], required=False, widget=FilterSelect
    )
    movement = forms.ChoiceField(
        choices=[("", "Any movement"), *Movement.choices], required=False, widget=FilterSelect
    )
    lead = RowChoice(
        queryset=Person.objects.leading_commitments(),
        required=False,
        empty_label="Any lead",
        widget=FilterSelect,
    )
    q = forms.CharField(label="Text or ref", required=False, max_length=200)
    per_page = forms.TypedChoiceField(
        label="Show",
        choices=[(25, "25 a page"), (100, "100 a page"), (1000, "All")],
        coerce=int,
        required=False,
        empty_value=25,
        widget=FilterSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-control" if isinstance(field, forms.CharField) else "form-select"
            field.widget.attrs["class"] = css

    def chosen_period(self) -> Period | None:
        """The period asked for, or the current one. The selects show what is listed: a
        link with no period (page 2), or one written oddly (١), must not leave another
        quarter in the box, to be sent with the next Filter."""
        applied, periods = self.applied(), self.periods()
        period = applied.get("period") or (periods[-1] if periods else None)
        if self.is_bound:
            self.data = self.data.copy()
            for name, value in {**applied, "period": period}.items():
                if isinstance(value, models.Model):
                    self.data[name] = value.pk
        elif period is not None:
            self.initial["period"] = period.pk
        return period

    def periods(self) -> list[Period]:
        """Every period, oldest first: read once, with the select's options (ReadOnce)."""
        return list(self.fields["period"].queryset)

    def period_before(self, period: Period) -> Period | None:
        """What Period.previous() answers, from the periods already read."""
        before = period.quarter.previous
        return next((p for p in self.periods() if p.quarter == before), None)

    def filter(self, commitments):
        """Filter a queryset annotated by with_rags (rag_now, rag_before): a queryset, or
        a list when filtered by movement."""
        data = self.applied()
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
        if data.get("movement"):
            # The Movement column's words (Commitment.movement): one rule, so the filter
            # picks exactly the rows that say it. Read whole: at most the plan's 356.
            words = Movement(data["movement"]).label
            return [c for c in commitments if c.movement == words]
        return commitments


class StatusForm(RecordForm):
    """One commitment's status for one period, alone or as a row of My commitments."""

    class Meta(RecordForm.Meta):
        model = QuarterlyStatus
        fields = ["rag", "update", "red_for_resourcing"]
        help_texts = {"red_for_resourcing": "Red because workload is being reallocated."}

    def __init__(self, *args, commitment: Commitment, period: Period, status=None, **kwargs):
        status = status or QuarterlyStatus(commitment=commitment, period=period)
        super().__init__(*args, instance=status, **kwargs)
        self.commitment = commitment
        self.fields["rag"].choices = [("", "Choose…"), *Rag.choices]
        self.fields["update"].widget.attrs["rows"] = 3

    def has_changed(self) -> bool:
        return any(name != "lock_version" for name in self.changed_data)


class PeriodForm(RecordForm):
    """The update deadline the plan manager sets when a period opens, and can change: never
    to none, as lateness and reminders count from it."""

    class Meta(RecordForm.Meta):
        model = Period
        fields = ["update_deadline"]
        labels = {"update_deadline": "Update deadline"}
        error_messages = {"update_deadline": {"required": "Give the date leads should update by."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["update_deadline"].required = True


class CommitmentForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = Commitment
        fields = ["ref", "policy_area", "text", "smt_lead", "officer_lead", "wmp_lead", "timescale"]
