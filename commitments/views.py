from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render

from commitments import dashboard as plan_dashboard
from commitments import grid
from commitments.exporters import export_plan
from commitments.forms import CommitmentFilterForm, CommitmentForm, PeriodForm, StatusForm
from commitments.importers import import_plan
from commitments.models import Commitment, Period, Person, QuarterlyStatus
from riskreg.shared.forms import STALE_FORM, posted_version
from riskreg.shared.history import page_of_changes
from riskreg.shared.uploads import accepts_workbook, upload_flow
from riskreg.shared.workbooks import xlsx_response

PAGE_SIZE = 25  # a screenful by default; the filter's "Show" offers 100 or all


def get_commitment(ref: str) -> Commitment:
    return get_object_or_404(Commitment.objects.for_listing().select_related("wmp_lead"), ref=ref)


def get_period(year: int, number: int) -> Period:
    return get_object_or_404(Period, year=year, number=number)


@permission_required("commitments.view_commitment", raise_exception=True)
def commitment_list(request):
    form = CommitmentFilterForm(request.GET or None)
    period = form.chosen_period()
    if period is None:
        return render(request, "commitments/commitment_list.html", {"form": form, "page": None})
    previous = form.period_before(period)
    commitments = Commitment.objects.for_listing().with_rags(period, previous)
    commitments = form.filter(commitments)
    per_page = form.applied().get("per_page")
    page = Paginator(commitments, per_page or PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "period": period, "previous": previous}
    return render(
        request, "commitments/commitment_list.html", {**context, "query": query.urlencode()}
    )


@permission_required("commitments.view_commitment", raise_exception=True)
def commitment_detail(request, ref):
    commitment = get_commitment(ref)
    period = Period.objects.current()
    return render(
        request,
        "commitments/commitment_detail.html",
        {
            "commitment": commitment,
            "statuses": commitment.statuses.select_related("period").order_by(
                "-period__year", "-period__number"
            ),
            "current_period": period,
            "can_update": period
            and not period.is_locked
            and commitment.can_update_status(request.user),
            # The reverse side of Risk.commitments: no import of the registers app.
            "risks": commitment.risks.select_related("owner"),
        },
    )


@permission_required("commitments.view_commitment", raise_exception=True)
def commitment_history(request, ref):
    commitment = get_object_or_404(Commitment, ref=ref)
    histories = [
        commitment.history.all(),
        QuarterlyStatus.history.filter(commitment_id=commitment.pk),
    ]
    changes = page_of_changes(histories, describe_record, request.GET.get("page"))
    context = {"commitment": commitment, "changes": changes}
    return render(request, "commitments/commitment_history.html", context)


def describe_record(record) -> str:
    if hasattr(record, "period_id") and hasattr(record, "rag"):
        return f"{record.period} status"
    return "Commitment"


@permission_required("commitments.change_commitment", raise_exception=True)
def commitment_edit(request, ref):
    commitment = get_commitment(ref)
    form = CommitmentForm(request.POST or None, instance=commitment)
    if request.method == "POST" and form.is_valid() and form.save_or_explain():
        messages.success(request, f"Commitment {commitment.ref} saved.")
        return redirect("commitments:detail", ref=commitment.ref)
    # The page names the stored ref: a refused one is on the form, not in the links.
    context = {"form": form, "commitment": commitment, "ref": ref}
    return render(request, "commitments/commitment_form.html", context)


def status_edit(request, ref, year, number):
    commitment = get_commitment(ref)
    period = get_period(year, number)
    if not commitment.can_update_status(request.user):
        raise PermissionDenied("Only this commitment's SMT lead or officer lead can update it.")
    status = commitment.statuses.filter(period=period).first()
    form = StatusForm(request.POST or None, commitment=commitment, period=period, status=status)
    if request.method == "POST" and not period.is_locked and form.is_valid():
        if not form.has_changed():
            messages.info(request, "Nothing had changed, so nothing was saved.")
            return redirect("commitments:detail", ref=commitment.ref)
        if form.save_or_explain():
            messages.success(request, f"Saved {commitment.ref} for {period}.")
            return redirect("commitments:detail", ref=commitment.ref)
    return render(
        request,
        "commitments/status_form.html",
        {"commitment": commitment, "period": period, "form": form, "status": status},
    )


@permission_required("commitments.update_own_status", raise_exception=True)
def my_commitments(request):
    person = getattr(request.user, "person", None)
    period = Period.objects.current()
    if person is None or period is None:
        return render(request, "commitments/my_commitments.html", {"person": person})
    only_missing = "missing" in request.GET
    data = request.POST if request.method == "POST" and not period.is_locked else None
    rows = grid.rows_for(person, period, data, only_missing=only_missing)
    if data is not None:
        saved = grid.save(rows)
        if saved is not None:
            messages.success(request, grid.saved_message(saved, period))
            return redirect(request.get_full_path())
        rows = grid.untouched_as_they_were(rows)
    context = grid.context(rows, period, person, only_missing=only_missing)
    return render(request, "commitments/my_commitments.html", context)


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
    return render(
        request,
        "commitments/period_list.html",
        {
            "periods": Period.objects.annotate_updates().order_by("-year", "-number"),
            "commitment_count": Commitment.objects.count(),
        },
    )


@permission_required("commitments.add_period", raise_exception=True)
def period_add(request):
    period = Period.objects.next_period()
    if request.method == "POST" and request.POST.get("quarter") != str(period.quarter):
        messages.info(request, f"{request.POST.get('quarter')} is already open.")
        return redirect("commitments:periods")  # the form was sent twice, or by two people
    form = PeriodForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        try:
            period.open(request.user)
        except ValidationError:
            messages.info(request, f"{period} is already open.")
        else:
            messages.success(request, f"{period} is open for updates{due(period)}.")
        return redirect("commitments:periods")
    still_open = Period.objects.filter(state=Period.State.OPEN)
    context = {"form": form, "quarter": period.quarter, "still_open": still_open}
    return render(request, "commitments/period_add.html", context)


def due(period: Period) -> str:
    deadline = period.update_deadline
    return f", due {deadline:%-d %b %Y}" if deadline else ""


@permission_required("commitments.lock_period", raise_exception=True)
def period_deadline(request, year, number):
    period = get_period(year, number)
    form = PeriodForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid() and form.save_or_explain():
        messages.success(request, f"The update deadline of {period} is saved.")
        return redirect("commitments:periods")
    return render(request, "commitments/period_deadline.html", {"form": form, "period": period})


@permission_required("commitments.lock_period", raise_exception=True)
def period_change(request, year, number, state):
    """Lock or reopen a period: a page that says what it means, then a POST that does it."""
    period = get_period(year, number)
    if request.method == "POST":
        return change_state(request, period, state)
    context = {
        "period": period,
        "state": state,
        "commitment_count": Commitment.objects.count(),
        "updated": QuarterlyStatus.objects.filter(period=period).count(),
        "leads": Person.objects.with_progress(period).filter(updated__lt=F("total")),
        "published": period.papers.filter(status="Published").exists(),
    }
    return render(request, "commitments/period_change.html", context)


def change_state(request, period: Period, state: str):
    """Lock or reopen, from the page the user saw (its lock_version): never twice blind."""
    seen = posted_version(request)
    if seen is None:
        messages.error(request, STALE_FORM)
        return redirect("commitments:periods")
    period.state = Period.State.LOCKED if state == "lock" else Period.State.OPEN
    period.lock_version = seen
    try:
        period.save(update_fields=["state"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{period} is now {period.get_state_display().lower()}.")
    return redirect("commitments:periods")


@accepts_workbook
@permission_required("commitments.change_commitment", raise_exception=True)
def plan_import(request):
    return upload_flow(request, import_plan, "commitments/plan_import.html", "commitments:list")


@permission_required("commitments.view_commitment", raise_exception=True)
def plan_export(request):
    return xlsx_response(export_plan(), "plan.xlsx")
