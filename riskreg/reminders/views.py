from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin

from commitments.models import Person
from riskreg.reminders.digest import Workload
from riskreg.reminders.forms import EmailChoiceForm, PreviewForm
from riskreg.reminders.models import Email, EmailChoice
from riskreg.roles import roles_of

RECENT = 50


def preferences(request):
    """Each user chooses what riskreg e-mails them."""
    choice = EmailChoice.objects.filter(user=request.user).first()
    choice = choice or EmailChoice(user=request.user)
    data = request.POST if request.method == "POST" else None  # both unticked posts nothing
    form = EmailChoiceForm(data, instance=choice, roles=roles_of(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your e-mail choices are saved.")
        return redirect("reminders:preferences")
    person = getattr(request.user, "person", None)
    address = (person.email if person else "") or request.user.email
    return render(request, "reminders/preferences.html", {"form": form, "address": address})


@permission_required("commitments.lock_period", raise_exception=True)
def people(request):
    """Who riskreg e-mails, who has turned e-mails off, and what was sent lately."""
    opted_out = EmailChoice.objects.filter(Q(digests=False) | Q(notices=False))
    context = {
        "opted_out": opted_out.select_related("user__person").order_by("user__username"),
        "people": Person.objects.select_related("user"),
        "recent": Email.objects.select_related("person").defer("text", "html")[:RECENT],
        "pending": Email.objects.pending().count(),
    }
    return render(request, "reminders/people.html", context)


@permission_required("commitments.lock_period", raise_exception=True)
def preview(request):
    """The next digest of any person, rendered as the e-mail is."""
    form = PreviewForm(request.GET or None)
    context = {"form": form}
    if form.is_valid():
        context.update(next_digest(form.cleaned_data["person"]))
    return render(request, "reminders/preview.html", context)


@permission_required("commitments.lock_period", raise_exception=True)
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"], "style-src": ["'unsafe-inline'"]})
def preview_email(request):
    """The HTML part alone, for the preview's frame: an e-mail's styles are inline."""
    form = PreviewForm(request.GET or None)
    message = next_digest(form.cleaned_data["person"])["message"] if form.is_valid() else None
    if message is None:
        return HttpResponse("Nothing to preview.", content_type="text/plain", status=404)
    return HttpResponse(message.html())


def next_digest(person: Person) -> dict:
    work = Workload.load(timezone.localdate())
    recipient = work.recipient_of(person)
    day, message = work.next_digest(recipient) if recipient else (None, None)
    return {
        "person": person,
        "recipient": recipient,
        "day": day,
        "message": message,
        "opted_out": recipient is not None and not recipient.wants("digests"),
    }
