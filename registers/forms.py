from django import forms
from django.utils import timezone

from commitments.models import Person
from registers.models import Action, Control, Impact, Issue, Likelihood, Risk, RiskReview

BANDS = [("", "Any band"), ("Low", "Low"), ("Medium", "Medium"), ("High", "High")]


class RegisterFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Risk.Status.choices], required=False, initial="Open"
    )
    category = forms.ChoiceField(
        choices=[("", "Any category"), *Risk.Category.choices], required=False
    )
    owner = forms.ModelChoiceField(
        queryset=Person.objects.all(), required=False, empty_label="Any owner"
    )
    band = forms.ChoiceField(label="Current band", choices=BANDS, required=False)
    likelihood = forms.TypedChoiceField(
        choices=[("", "Any likelihood"), *Likelihood.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    impact = forms.TypedChoiceField(
        choices=[("", "Any impact"), *Impact.choices], coerce=int, required=False, empty_value=None
    )
    sort = forms.ChoiceField(
        label="Sort by",
        choices=[
            ("ref", "Ref"),
            ("-score", "Current score, highest first"),
            ("score", "Current score, lowest first"),
        ],
        required=False,
    )

    def risks(self) -> list[Risk]:
        """The register as filtered; open risks when nothing (or nothing valid) is asked."""
        data = self.cleaned_data if self.is_valid() else {"status": Risk.Status.OPEN}
        risks = Risk.objects.for_register()
        for name in ("status", "category", "owner"):
            if data.get(name):
                risks = risks.filter(**{name: data[name]})
        # Scores are derived from the latest review, so they are filtered here, not in SQL.
        result = list(risks)
        if data.get("band"):
            result = [r for r in result if r.current_band == data["band"]]
        cell = {name: data[name] for name in ("likelihood", "impact") if data.get(name)}
        if cell:
            result = [
                r
                for r in result
                if r.latest_review
                and all(getattr(r.latest_review, k) == v for k, v in cell.items())
            ]
        if data.get("sort") in ("score", "-score"):
            result.sort(key=lambda r: r.current_score or 0, reverse=data["sort"] == "-score")
        return result


class VersionedForm(forms.ModelForm):
    """Carries the version the user saw, for optimistic locking."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version if self.instance.pk else 0


class RiskForm(VersionedForm):
    class Meta:
        model = Risk
        fields = [
            "ref",
            "title",
            "description",
            "cause",
            "consequence",
            "category",
            "owner",
            "treatment",
            "status",
            "date_identified",
            "inherent_likelihood",
            "inherent_impact",
            "target_likelihood",
            "target_impact",
            "policy_areas",
            "commitments",
        ]
        widgets = {
            "date_identified": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "cause": forms.Textarea(attrs={"rows": 3}),
            "consequence": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            c
            for c in Risk.Status.choices
            if c[0] in (Risk.Status.PROPOSED, Risk.Status.OPEN) or c[0] == self.instance.status
        ]
        self.fields["commitments"].queryset = self.fields["commitments"].queryset.select_related(
            None
        )


class ReviewForm(VersionedForm):
    class Meta:
        model = RiskReview
        fields = ["likelihood", "impact", "commentary"]
        widgets = {"commentary": forms.Textarea(attrs={"rows": 5})}


class ControlForm(forms.ModelForm):
    class Meta:
        model = Control
        fields = ["description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["description", "owner", "target_date", "status"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "target_date": forms.DateInput(attrs={"type": "date"}),
        }


class IssueForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["owner", "description", "status", "resolution"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "resolution": forms.Textarea(attrs={"rows": 4}),
        }


class EndRiskForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (Risk.Status.CLOSED, "Close it"),
            (Risk.Status.DE_ESCALATED, "De-escalate it to a team register"),
            (Risk.Status.CRYSTALLISED, "It has crystallised: manage it as an issue"),
        ],
        widget=forms.RadioSelect,
    )
    date_closed = forms.DateField(
        label="Date", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    closing_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Shown in section 7 of the committee paper.",
    )
