from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone

from commitments.models import Period, Person
from registers.models import Action, Control, Impact, Issue, Likelihood, Risk, RiskReview
from riskreg.shared.forms import (
    STALE_FORM,
    DateInput,
    Filters,
    FilterSelect,
    Prose,
    RecordForm,
    RowChoice,
)

BANDS = [("", "Any band"), ("Low", "Low"), ("Medium", "Medium"), ("High", "High")]


class RegisterFilterForm(Filters):
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Risk.Status.choices],
        required=False,
        widget=FilterSelect,
        initial="Open",
    )
    category = forms.ChoiceField(
        choices=[("", "Any category"), *Risk.Category.choices], required=False, widget=FilterSelect
    )
    owner = RowChoice(
        queryset=Person.objects.filter(Exists(Risk.objects.filter(owner=OuterRef("pk")))),
        required=False,
        widget=FilterSelect,
        empty_label="Any owner",
    )
    band = forms.ChoiceField(
        label="Current band", choices=BANDS, required=False, widget=FilterSelect
    )
    likelihood = forms.TypedChoiceField(
        choices=[("", "Any likelihood"), *Likelihood.choices],
        coerce=int,
        required=False,
        widget=FilterSelect,
        empty_value=None,
    )
    impact = forms.TypedChoiceField(
        choices=[("", "Any impact"), *Impact.choices],
        coerce=int,
        required=False,
        widget=FilterSelect,
        empty_value=None,
    )
    review = forms.ChoiceField(
        label="Review",
        choices=[
            ("", "Any review"),
            ("missing", "Not reviewed this period"),
            ("overdue", "Review overdue (past the deadline)"),
        ],
        required=False,
        widget=FilterSelect,
    )
    sort = forms.ChoiceField(
        label="Sort by",
        choices=[
            ("ref", "Ref"),
            ("-score", "Current score, highest first"),
            ("score", "Current score, lowest first"),
        ],
        required=False,
        widget=FilterSelect,
    )

    def __init__(self, data=None, **kwargs):
        if data is not None and "status" not in data:  # a link with no status: open risks
            data = data.copy()
            data["status"] = Risk.Status.OPEN
        super().__init__(data, **kwargs)

    def risks(self) -> list[Risk]:
        """The register as filtered: open risks unless another status is asked."""
        data = {"status": Risk.Status.OPEN, **self.applied()}
        risks = Risk.objects.for_register()
        for name in ("status", "category", "owner"):
            if data.get(name):
                risks = risks.filter(**{name: data[name]})
        result = list(risks)
        if data.get("review"):
            result = unreviewed(result, data["review"] == "overdue")
        # Scores are derived from the latest review, so they are filtered here, not in SQL.
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
            scored = [r for r in result if r.current_score is not None]
            scored.sort(key=lambda r: r.current_score, reverse=data["sort"] == "-score")
            result = scored + [r for r in result if r.current_score is None]  # unscored last
        return result


def unreviewed(risks: list[Risk], overdue: bool) -> list[Risk]:
    """Open risks with no review in the current period; `overdue`: and past its deadline."""
    period = Period.objects.current()
    if period is None or period.is_locked:
        return []
    if overdue and not period.is_late(timezone.localdate()):
        return []
    return [
        r for r in risks if r.status == Risk.Status.OPEN and r.review_in(period.quarter) is None
    ]


class RiskForm(RecordForm):
    class Meta(RecordForm.Meta):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A risk ends, or crystallises, on its own page; an ended risk stays as it ended.
        self.fields["status"].choices = [
            c
            for c in Risk.Status.choices
            if c[0] == self.instance.status
            or (not self.instance.has_ended and c[0] in (Risk.Status.PROPOSED, Risk.Status.OPEN))
        ]
        self.fields["commitments"].queryset = self.fields["commitments"].queryset.select_related(
            None
        )
        for name in ("description", "cause", "consequence"):
            self.fields[name].widget.attrs["rows"] = 3


class ReviewForm(RecordForm):
    """This period's review of a risk; who reviewed it and when are set when it changes."""

    class Meta(RecordForm.Meta):
        model = RiskReview
        fields = ["likelihood", "impact", "commentary"]
        help_texts = {
            "commentary": "When the score goes up or down, this commentary is printed in the "
            "committee paper (sections 5 and 6), so write it for the committee."
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["commentary"].widget.attrs["rows"] = 5

    def has_changed(self) -> bool:
        return any(name != "lock_version" for name in self.changed_data)

    def save(self, commit=True):
        self.instance.reviewed_by = self.user
        self.instance.reviewed_at = timezone.now()
        return super().save(commit)


class ControlForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = Control
        fields = ["description"]


class ActionForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = Action
        fields = ["description", "owner", "target_date", "status"]


class IssueForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = Issue
        fields = ["owner", "description", "status", "resolution"]


class EndRiskForm(forms.Form):
    """Close, de-escalate or crystallise a risk; lock_version is the risk's, as the user saw it."""

    outcome = forms.ChoiceField(
        choices=[
            (Risk.Status.CLOSED, "Close it"),
            (Risk.Status.DE_ESCALATED, "De-escalate it to a team register"),
            (Risk.Status.CRYSTALLISED, "It has crystallised: manage it as an issue"),
        ],
        widget=forms.RadioSelect,
    )
    date_closed = forms.DateField(label="Date", initial=timezone.localdate, widget=DateInput)
    closing_note = Prose(label="Note", help_text="Why: shown in section 7 of the committee paper.")
    lock_version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": STALE_FORM, "invalid": STALE_FORM},
    )

    def confirmation(self) -> dict:
        """What the confirmation page says will happen."""
        data = self.cleaned_data
        return {
            **data,
            "outcome_label": dict(self.fields["outcome"].choices)[data["outcome"]],
            "verb": {
                "Closed": "close",
                "De-escalated": "de-escalate",
                "Crystallised": "crystallise",
            }[data["outcome"]],
            "crystallised": data["outcome"] == Risk.Status.CRYSTALLISED,
        }

    def for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["seen_version"] = data.pop("lock_version")
        return data
