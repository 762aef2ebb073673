from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from commitments.models import Period
from registers import quality, services
from registers.exporters import export_risks
from registers.forms import (
    ActionForm,
    ControlForm,
    EndRiskForm,
    IssueForm,
    RegisterFilterForm,
    ReviewForm,
    RiskForm,
)
from registers.heatmap import heatmap
from registers.importers import import_risks
from registers.models import Action, Control, Issue, Risk, RiskReview
from riskreg.shared.forms import STALE_FORM, posted_version
from riskreg.shared.history import page_of_changes
from riskreg.shared.notices import owner_notice_add
from riskreg.shared.uploads import accepts_workbook, upload_flow
from riskreg.shared.workbooks import xlsx_response


def get_risk(ref: str) -> Risk:
    return get_object_or_404(Risk.objects.for_register(), ref=ref)


@permission_required("registers.view_risk", raise_exception=True)
def risk_list(request):
    form = RegisterFilterForm(request.GET or None)
    return render(request, "registers/risk_list.html", {"form": form, "risks": form.risks()})


@permission_required("registers.view_risk", raise_exception=True)
def heatmap_page(request):
    risks = Risk.objects.open().for_register()
    return render(
        request, "registers/heatmap.html", {"map": heatmap(risks, reverse("registers:list"))}
    )


@permission_required("registers.view_risk", raise_exception=True)
def data_quality(request):
    return render(request, "registers/quality.html", quality.panel(Period.objects.current()))


@permission_required("registers.view_risk", raise_exception=True)
def risk_detail(request, ref):
    risk = get_risk(ref)
    period = Period.objects.current()
    commitments = risk.commitments.select_related("policy_area")
    if period:
        commitments = commitments.with_rags(period, None)
    reviews = [(r, risk.direction_in(r.period.quarter)) for r in reversed(risk.reviews_in_order)]
    return render(
        request,
        "registers/risk_detail.html",
        {
            "risk": risk,
            "reviews": reviews,
            "controls": risk.controls.all(),
            "actions": risk.actions.select_related("owner"),
            "commitments": commitments,
            "issue": getattr(risk, "issue", None)
            if risk.status == Risk.Status.CRYSTALLISED
            else None,
            "period": period,
        },
    )


@permission_required("registers.view_risk", raise_exception=True)
def risk_history(request, ref):
    risk = get_object_or_404(Risk, ref=ref)
    histories = [
        risk.history.all(),
        RiskReview.history.filter(risk_id=risk.pk),
        Control.history.filter(risk_id=risk.pk),
        Action.history.filter(risk_id=risk.pk),
    ]
    changes = page_of_changes(histories, describe_record, request.GET.get("page"))
    return render(request, "registers/risk_history.html", {"risk": risk, "changes": changes})


def describe_record(record) -> str:
    name = type(record).__name__.removeprefix("Historical")
    if name == "RiskReview":
        return f"{record.period} review"
    return {"Risk": "Risk", "Control": "Control", "Action": "Action"}.get(name, name)


@permission_required("registers.add_risk", raise_exception=True)
def risk_create(request):
    # Identified today unless the editor says otherwise: a risk with no date identified
    # would count in every quarter's register, locked ones too (Risk.check_locked_registers).
    form = RiskForm(request.POST or None, initial={"date_identified": timezone.localdate()})
    if request.method == "POST" and form.is_valid() and save_telling_owner(form, request.user):
        messages.success(request, f"Risk {form.instance.ref} added.")
        return redirect("registers:detail", ref=form.instance.ref)
    return render(request, "registers/risk_form.html", {"form": form})


@permission_required("registers.change_risk", raise_exception=True)
def risk_edit(request, ref):
    risk = get_risk(ref)
    form = RiskForm(request.POST or None, instance=risk)
    if request.method == "POST" and form.is_valid() and save_telling_owner(form, request.user):
        messages.success(request, f"Risk {risk.ref} saved.")
        return redirect("registers:detail", ref=risk.ref)
    # The page names the stored ref: a refused one is on the form, not in the links.
    return render(request, "registers/risk_form.html", {"form": form, "risk": risk, "ref": ref})


def save_telling_owner(form, user) -> bool:
    """Save; a risk or action given a new owner records a notice to them, in the same
    transaction (riskreg.reminders e-mails it)."""
    with transaction.atomic():
        if not form.save_or_explain():
            return False
        if "owner" in form.changed_data:
            owner_notice_add(form.instance, actor=user)
    return True


@permission_required("registers.add_riskreview", raise_exception=True)
def review_edit(request, ref):
    risk = get_risk(ref)
    period = Period.objects.current()
    if period is None or period.is_locked or risk.has_ended:
        messages.error(
            request, f"{risk.ref} cannot be reviewed: {why_not_reviewable(risk, period)}"
        )
        return redirect("registers:detail", ref=risk.ref)
    review = risk.review_in(period.quarter) or RiskReview(risk=risk, period=period)
    latest = risk.latest_review
    if review.pk is None and latest:
        review.likelihood, review.impact = latest.likelihood, latest.impact
    form = ReviewForm(request.POST or None, instance=review, user=request.user)
    if request.method == "POST" and form.is_valid():
        if review.pk and not form.has_changed():  # a first review saves as it stands
            messages.info(request, "Nothing had changed, so nothing was saved.")
            return redirect("registers:detail", ref=risk.ref)
        if form.save_or_explain():
            messages.success(request, review_saved(form.instance))
            following = next_to_review(risk, period) if "next" in request.POST else None
            return redirect(following or reverse("registers:detail", args=[ref]))
    context = {"form": form, "risk": risk, "period": period, "previous": previous_of(risk, period)}
    context["has_next"] = next_to_review(risk, period) is not None
    return render(request, "registers/review_form.html", context)


def why_not_reviewable(risk: Risk, period: Period | None) -> str:
    if risk.has_ended:
        return f"it is {risk.status.lower()}."
    if period is None:
        return "no period is open yet."
    if period.is_locked:
        return f"{period} is locked. Reviews go to the next period once the plan manager opens it."
    return ""


def previous_of(risk: Risk, period: Period):
    return next((r for r in reversed(risk.reviews_in_order) if r.period_id != period.pk), None)


def review_saved(review: RiskReview) -> str:
    return (
        f"{review.period} review of {review.risk.ref} saved: score {review.score}, {review.band}."
    )


def next_to_review(risk: Risk, period: Period) -> str | None:
    """The review page of the next open risk, by ref, not yet reviewed this period."""
    following = Risk.objects.open().filter(ref__gt=risk.ref).exclude(reviews__period=period).first()
    return reverse("registers:review", args=[following.ref]) if following else None


@permission_required("registers.change_risk", raise_exception=True)
def risk_end(request, ref):
    """A form, then a page that says what it will do, then the change."""
    risk = get_risk(ref)
    if risk.has_ended:
        messages.error(request, f"Risk {risk.ref} is already {risk.status.lower()}.")
        return redirect("registers:detail", ref=risk.ref)
    form = EndRiskForm(request.POST or None, initial={"lock_version": risk.lock_version})
    context = {"form": form, "risk": risk}
    if request.method == "POST" and form.is_valid():
        if "confirmed" not in request.POST:
            context["confirming"] = form.confirmation()
        elif "change" not in request.POST:
            try:
                issue = services.risk_end(risk=risk, **form.for_service())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, ended_message(risk, form, issue))
                return redirect("registers:detail", ref=risk.ref)
    return render(request, "registers/risk_end.html", context)


def ended_message(risk: Risk, form: EndRiskForm, issue) -> str:
    opened = " An issue has been opened for it." if issue else ""
    return f"Risk {risk.ref} is now {form.cleaned_data['outcome'].lower()}.{opened}"


@permission_required("registers.change_risk", raise_exception=True)
@require_POST
def risk_accept(request, ref):
    risk = get_risk(ref)
    seen = posted_version(request)
    if seen is None:
        messages.error(request, STALE_FORM)
        return redirect("registers:detail", ref=risk.ref)
    try:
        risk.accept(seen_version=seen)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Risk {risk.ref} is accepted into the register.")
    return redirect("registers:detail", ref=risk.ref)


def child_edit(request, ref, form_class, model, pk=None):
    risk = get_risk(ref)
    if risk.has_ended:
        messages.error(request, f"Risk {risk.ref} is {risk.status.lower()}: it takes no changes.")
        return redirect("registers:detail", ref=risk.ref)
    instance = get_object_or_404(model, pk=pk, risk=risk) if pk else model(risk=risk)
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid() and save_telling_owner(form, request.user):
        messages.success(request, f"{model._meta.verbose_name.capitalize()} saved for {risk.ref}.")
        return redirect("registers:detail", ref=risk.ref)
    return render(
        request,
        "registers/child_form.html",
        {"form": form, "risk": risk, "noun": model._meta.verbose_name, "instance": instance},
    )


@permission_required("registers.change_control", raise_exception=True)
def control_edit(request, ref, pk=None):
    return child_edit(request, ref, ControlForm, Control, pk)


@permission_required("registers.change_action", raise_exception=True)
def action_edit(request, ref, pk=None):
    return child_edit(request, ref, ActionForm, Action, pk)


@permission_required("registers.view_issue", raise_exception=True)
def issue_list(request):
    issues = Issue.objects.select_related("risk", "owner").order_by("status", "-opened_on")
    return render(request, "registers/issue_list.html", {"issues": issues})


@permission_required("registers.change_issue", raise_exception=True)
def issue_edit(request, ref):
    issue = get_object_or_404(Issue.objects.select_related("risk"), risk__ref=ref)
    form = IssueForm(request.POST or None, instance=issue)
    if request.method == "POST" and form.is_valid() and form.save_or_explain():
        messages.success(request, f"The issue from {ref} is saved.")
        return redirect("registers:issues")
    return render(request, "registers/issue_form.html", {"form": form, "issue": issue})


@accepts_workbook
@permission_required("registers.change_risk", raise_exception=True)
def risk_import(request):
    return upload_flow(request, import_risks, "registers/risk_import.html", "registers:list")


@permission_required("registers.view_risk", raise_exception=True)
def risk_export(request):
    return xlsx_response(export_risks(), "risk-register.xlsx")
