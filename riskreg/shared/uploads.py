"""Upload a workbook, show the dry run, then import it on confirmation.

Between the two the workbook waits in the database (PendingUpload), so the confirmation
may reach any app server.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render

from riskreg.shared.imports import ImportResult
from riskreg.shared.models import PendingUpload
from riskreg.shared.workbooks import WorkbookRefused
from riskreg.shared.xlsx import MAX_FILE_BYTES

# A workbook and the rest of its form; every other request may send far less
# (settings.REQUEST_MAX_BYTES, riskreg.middleware.RequestSizeMiddleware).
UPLOAD_REQUEST_MAX_BYTES = MAX_FILE_BYTES + 256 * 1024


def accepts_workbook(view):
    """Mark `view` as one that takes a workbook upload, so its requests may be larger."""
    view.max_request_bytes = UPLOAD_REQUEST_MAX_BYTES
    return view


class UploadForm(forms.Form):
    workbook = forms.FileField(
        help_text="An Excel workbook (.xlsx) of at most 10 MB, in the format the export writes."
    )
    add_people = forms.BooleanField(
        required=False, label="Add new people: anyone it names who is not in riskreg yet"
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError("Only Excel workbooks (.xlsx) can be imported.")
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError("The file is over 10 MB.")
        return upload


class ConfirmForm(forms.Form):
    upload = forms.UUIDField(widget=forms.HiddenInput)


def upload_kind(importer) -> str:
    return f"{importer.__module__}.{importer.__name__}"


def upload_flow(request, importer, template: str, done_url: str):
    kind = upload_kind(importer)
    if request.method == "POST" and "confirm" in request.POST:
        return confirm(request, importer, kind, template, done_url)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        context.update(dry_run(request, importer, kind, form))
    return render(request, template, context)


def dry_run(request, importer, kind: str, form: UploadForm) -> dict:
    """Check the workbook, writing nothing; keep it for the confirmation if it passes."""
    PendingUpload.objects.expired().delete()
    # A new upload replaces the last, even when it fails its checks: the user moved on.
    PendingUpload.objects.filter(owner=request.user, kind=kind).delete()
    upload, add_people = form.cleaned_data["workbook"], form.cleaned_data["add_people"]
    data = upload.read()
    try:
        result = importer(data, user=request.user, dry_run=True, add_people=add_people)
    except WorkbookRefused as refusal:
        form.add_error("workbook", str(refusal))
        return {}
    if not result.ok:
        return {"result": result}
    pending = PendingUpload.keep(
        owner=request.user,
        kind=kind,
        filename=upload.name,
        data=data,
        add_people=add_people,
        versions=result.versions,
    )
    return {"result": result, "pending": pending}


def confirm(request, importer, kind: str, template: str, done_url: str):
    """Import the upload its owner saw in the dry run; keep it if the checks now fail."""
    form = ConfirmForm(request.POST)
    with transaction.atomic():
        pending = form.is_valid() and (
            PendingUpload.objects.live()
            .select_for_update()
            .filter(owner=request.user, kind=kind, token=form.cleaned_data["upload"])
            .first()
        )
        if not pending:
            messages.error(request, "That upload has expired: please upload the workbook again.")
            return redirect(request.path)
        result = import_pending(importer, pending, request.user)
        if result.ok:
            pending.delete()
            messages.success(request, f"Imported. {result.summary()}")
            return redirect(done_url)
    context = {"form": UploadForm(), "result": result, "pending": pending}
    return render(request, template, context)


def import_pending(importer, pending: PendingUpload, user) -> ImportResult:
    data = bytes(pending.data)
    try:
        return importer(
            data,
            user=user,
            dry_run=False,
            add_people=pending.add_people,
            expected=pending.versions,
        )
    except WorkbookRefused as refusal:
        return ImportResult(problems=[str(refusal)], dry_run=False)


def forget_pending_uploads(sender, request, user, **kwargs):
    """On logout: a workbook waits for the session that uploaded it, no longer."""
    if user is not None:
        PendingUpload.objects.filter(owner=user).delete()
