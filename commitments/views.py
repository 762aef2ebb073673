from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from commitments import dashboard as plan_dashboard
from commitments.exporters import export_plan
from commitments.forms import CommitmentFilterForm, StatusForm, status_initial
from commitments.importers import import_plan
from commitments.models import Commitment, Period, QuarterlyStatus
from riskreg.shared.history import page_of_changes
from riskreg.shared.uploads import accepts_workbook, upload_flow
from riskreg.shared.workbooks import xlsx_response

PAGE_SIZE = 25  # a screenful by default; the filter's "Show" offers 100 or all


def get_commitment(ref: str) -> Commitment:
    return get_object_or_404(Commitment.objects.for_listing().select_related("wmp_lead"), ref=ref)


@permission_required("commitments.view_commitment", raise_exception=True)
def commitment_list(request):
    form = CommitmentFilterForm(request.GET or None)
    period = form.chosen_period()
    if period is None:
        return render(request, "commitments/commitment_list.html", {"form": form, "page": None})
    previous = period.previous()
    commitments = Commitment.objects.for_listing().with_rags(period, previous)
    if form.is_valid():
        commitments = form.filter(commitments)
    per_page = form.cleaned_data.get("per_page") if form.is_valid() else None
    page = Paginator(commitments, per_page or PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "commitments/commitment_list.html",
        {
            "form": form,
            "page": page,
            "period": period,
            "previous": previous,
            "query": query.urlencode(),
        },
    )


@permission_required("commitments.view_commitment", raise_exception=True)
def commitment_detail(request, ref):
    commitment = get_commitment(ref)
    statuses = list(
        commitment.statuses.select_related("period").order_by("-period__year", "-period__number")
    )
    records = [
        *commitment.history.select_related(
            "history_user", "policy_area", "smt_lead", "officer_lead", "wmp_lead"
        ),
        *QuarterlyStatus.history.filter(commitment_id=commitment.pk).select_related(
            "history_user", "period"
        ),
    ]
    period = Period.objects.current()
    return render(
        request,
        "commitments/commitment_detail.html",
        {
            "commitment": commitment,
            "statuses": statuses,
            "changes": page_of_changes(records, describe_record, request.GET.get("page")),
            "current_period": period,
            "can_update": period
            and not period.is_locked
            and commitment.can_update_status(request.user),
            # The reverse side of Risk.commitments: no import of the registers app.
            "risks": commitment.risks.select_related("owner"),
        },
    )


def describe_record(record) -> str:
    if hasattr(record, "period_id") and hasattr(record, "rag"):
        return f"{record.period} status"
    return "Commitment"


def status_edit(request, ref, year, number):
    commitment = get_commitment(ref)
    period = get_object_or_404(Period, year=year, number=number)
    if not commitment.can_update_status(request.user):
        raise PermissionDenied("Only this commitment's SMT lead or officer lead can update it.")
    status = commitment.statuses.filter(period=period).first()
    form = StatusForm(request.POST or None, commitment=commitment, initial=status_initial(status))
    if period.is_locked:
        messages.error(request, f"{period} is locked: its statuses can no longer change.")
    elif request.method == "POST" and form.is_valid():
        try:
            saved = form.save(period, request.user)
        except ValidationError:
            pass
        else:
            messages.success(
                request,
                f"Saved {commitment.ref} for {period}."
                if saved
                else "Nothing had changed, so nothing was saved.",
            )
            return redirect("commitments:detail", ref=commitment.ref)
    return render(
        request,
        "commitments/status_form.html",
        {
            "commitment": commitment,
            "period": period,
            "form": form,
        },
    )


@permission_required("commitments.update_own_status", raise_exception=True)
def my_commitments(request):
    person = getattr(request.user, "person", None)
    period = Period.objects.current()
    if person is None or period is None or period.is_locked:
        return render(
            request, "commitments/my_commitments.html", {"person": person, "period": period}
        )
    commitments = list(Commitment.objects.for_listing().led_by(person))
    stored = {
        s.commitment_id: s
        for s in QuarterlyStatus.objects.filter(period=period, commitment__in=commitments)
    }
    forms = [
        StatusForm(
            request.POST or None,
            commitment=c,
            prefix=f"c{c.pk}",
            initial=status_initial(stored.get(c.pk)),
        )
        for c in commitments
    ]
    if request.method == "POST" and all(f.is_valid() for f in forms):
        saved = save_grid([f for f in forms if f.has_changed()], period, request.user)
        if saved is not None:
            messages.success(
                request,
                f"Saved {saved} of your commitments for {period}."
                if saved
                else "Nothing had changed, so nothing was saved.",
            )
            return redirect("commitments:mine")
    errors = [f for f in forms if f.errors]
    return render(
        request,
        "commitments/my_commitments.html",
        {
            "person": person,
            "period": period,
            "rows": zip(commitments, forms, strict=True),
            "error_forms": errors,
        },
    )


def save_grid(forms: list[StatusForm], period: Period, user) -> int | None:
    """Save every changed row, or none of them if any was changed by someone else meanwhile."""
    try:
        with transaction.atomic():
            saved = [form.save(period, user) for form in forms]
    except ValidationError:
        return None
    return sum(1 for status in saved if status)


@permission_required("commitments.view_quarterlystatus", raise_exception=True)
def dashboard(request):
    form = CommitmentFilterForm(request.GET or None)
    period = form.chosen_period()
    context = plan_dashboard.summary(period) if period else {}
    return render(
        request, "commitments/dashboard.html", {"form": form, "period": period, **context}
    )


@permission_required("commitments.lock_period", raise_exception=True)
def period_list(request):
    return render(request, "commitments/period_list.html", {"periods": Period.objects.all()})


@require_POST
@permission_required("commitments.lock_period", raise_exception=True)
def period_change(request, year, number, state):
    period = get_object_or_404(Period, year=year, number=number)
    period.state = Period.State.LOCKED if state == "lock" else Period.State.OPEN
    period.save(update_fields=["state"])
    messages.success(request, f"{period} is now {period.get_state_display().lower()}.")
    return redirect("commitments:periods")


@require_POST
@permission_required("commitments.add_period", raise_exception=True)
def period_add(request):
    last = Period.objects.last()
    if last is None:
        messages.error(request, "There is no period yet: import the plan first.")
        return redirect("commitments:periods")
    quarter = last.quarter.next
    period = Period.objects.create(year=quarter.year, number=quarter.number)
    messages.success(request, f"{period} is open for updates.")
    return redirect("commitments:periods")


@accepts_workbook
@permission_required("commitments.change_commitment", raise_exception=True)
def plan_import(request):
    return upload_flow(request, import_plan, "commitments/plan_import.html", "commitments:list")


@permission_required("commitments.view_commitment", raise_exception=True)
def plan_export(request):
    return xlsx_response(export_plan(), "plan.xlsx")
