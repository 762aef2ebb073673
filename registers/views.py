from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
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
from riskreg.shared.history import page_of_changes
from riskreg.shared.uploads import accepts_workbook, upload_flow
from riskreg.shared.workbooks import xlsx_response


def get_risk(ref: str) -> Risk:
    return get_object_or_404(Risk.objects.for_register(), ref=ref)


@permission_required("registers.view_risk", raise_exception=True)
def risk_list(request):
    form = RegisterFilterForm(request.GET or None)
    risks = form.risks()
    return render(request, "registers/risk_list.html", {"form": form, "risks": risks})


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
    records = [
        *risk.history.select_related("history_user", "owner"),
        *RiskReview.history.filter(risk_id=risk.pk).select_related(
            "history_user", "period", "reviewed_by"
        ),
        *Control.history.filter(risk_id=risk.pk).select_related("history_user"),
        *Action.history.filter(risk_id=risk.pk).select_related("history_user", "owner"),
    ]
    return render(
        request,
        "registers/risk_detail.html",
        {
            "risk": risk,
            "reviews": [
                (r, risk.direction_in(r.period.quarter)) for r in reversed(risk.reviews_in_order)
            ],
            "controls": risk.controls.all(),
            "actions": risk.actions.select_related("owner"),
            "commitments": commitments,
            "issue": getattr(risk, "issue", None)
            if risk.status == Risk.Status.CRYSTALLISED
            else None,
            "period": period,
            "changes": page_of_changes(records, describe_record, request.GET.get("page")),
        },
    )


def describe_record(record) -> str:
    name = type(record).__name__.removeprefix("Historical")
    if name == "RiskReview":
        return f"{record.period} review"
    return {"Risk": "Risk", "Control": "Control", "Action": "Action"}.get(name, name)


@permission_required("registers.add_risk", raise_exception=True)
def risk_create(request):
    form = RiskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        risk = form.save()
        messages.success(request, f"Risk {risk.ref} added.")
        return redirect("registers:detail", ref=risk.ref)
    return render(request, "registers/risk_form.html", {"form": form})


@permission_required("registers.change_risk", raise_exception=True)
def risk_edit(request, ref):
    risk = get_risk(ref)
    form = RiskForm(request.POST or None, instance=risk)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                Risk.objects.select_for_update().get(pk=risk.pk).check_version(
                    form.cleaned_data["seen_version"] or 0
                )
                risk.version += 1
                form.save()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Risk {risk.ref} saved.")
            return redirect("registers:detail", ref=risk.ref)
    return render(request, "registers/risk_form.html", {"form": form, "risk": risk})


@permission_required("registers.add_riskreview", raise_exception=True)
def review_edit(request, ref):
    risk = get_risk(ref)
    period = Period.objects.current()
    if period is None or period.is_locked:
        messages.error(request, "No period is open, so no review can be recorded.")
        return redirect("registers:detail", ref=risk.ref)
    review = risk.review_in(period.quarter) or RiskReview(risk=risk, period=period, version=0)
    latest = risk.latest_review
    if review.pk is None and latest:
        review.likelihood, review.impact = latest.likelihood, latest.impact
    form = ReviewForm(request.POST or None, instance=review)
    if request.method == "POST" and form.is_valid():
        try:
            saved = RiskReview.objects.record(
                risk=risk,
                period=period,
                user=request.user,
                seen_version=form.cleaned_data["seen_version"] or 0,
                **{f: form.cleaned_data[f] for f in ("likelihood", "impact", "commentary")},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{period} review of {risk.ref} saved."
                if saved
                else "Nothing had changed, so nothing was saved.",
            )
            return redirect("registers:detail", ref=risk.ref)
    return render(
        request, "registers/review_form.html", {"form": form, "risk": risk, "period": period}
    )


@permission_required("registers.change_risk", raise_exception=True)
def risk_end(request, ref):
    risk = get_risk(ref)
    if risk.status in Risk.ENDED:
        messages.error(request, f"Risk {risk.ref} is already {risk.status.lower()}.")
        return redirect("registers:detail", ref=risk.ref)
    form = EndRiskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.risk_end(
                risk=risk,
                user=request.user,
                seen_version=int(request.POST.get("seen_version", risk.version)),
                **form.cleaned_data,
            )
        except (ValidationError, ValueError) as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Risk {risk.ref} is now {form.cleaned_data['outcome'].lower()}."
                + (" An issue has been opened for it." if issue else ""),
            )
            return redirect("registers:detail", ref=risk.ref)
    return render(request, "registers/risk_end.html", {"form": form, "risk": risk})


@require_POST
@permission_required("registers.change_risk", raise_exception=True)
def risk_accept(request, ref):
    risk = get_risk(ref)
    if risk.status != Risk.Status.PROPOSED:
        messages.error(request, f"Risk {risk.ref} is not proposed, so there is nothing to accept.")
    else:
        risk.status = Risk.Status.OPEN
        risk.version += 1
        risk.save(update_fields=["status", "version"])
        messages.success(request, f"Risk {risk.ref} is accepted into the register.")
    return redirect("registers:detail", ref=risk.ref)


def child_edit(request, ref, form_class, model, pk=None):
    risk = get_risk(ref)
    instance = get_object_or_404(model, pk=pk, risk=risk) if pk else model(risk=risk)
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{model._meta.verbose_name.capitalize()} saved for {risk.ref}.")
        return redirect("registers:detail", ref=risk.ref)
    return render(
        request,
        "registers/child_form.html",
        {
            "form": form,
            "risk": risk,
            "noun": model._meta.verbose_name,
            "instance": instance,
        },
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
    if request.method == "POST" and form.is_valid():
        form.save()
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
