"""Upload a workbook, show the dry run, then import it on confirmation."""

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

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

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError("Only Excel workbooks (.xlsx) can be imported.")
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError("The file is over 10 MB.")
        return upload


def pending_path(name: str):
    return settings.IMPORT_DIR / f"{name}.xlsx"


def upload_flow(request, importer, template: str, done_url: str):
    key = f"pending-import:{template}"
    form = UploadForm()
    context = {"form": form}
    if request.method == "POST" and "confirm" in request.POST:
        name = request.session.pop(key, None)
        path = pending_path(name) if name else None
        if path is None or not path.exists():
            messages.error(request, "That upload has expired: please upload the workbook again.")
            return redirect(request.path)
        try:
            result = importer(path.read_bytes(), user=request.user, dry_run=False)
        finally:
            path.unlink(missing_ok=True)
        if result.ok:
            messages.success(request, f"Imported. {result.summary()}")
            return redirect(done_url)
        context["result"] = result
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            data = form.cleaned_data["workbook"].read()
            try:
                result = importer(data, user=request.user, dry_run=True)
            except WorkbookRefused as refusal:
                form.add_error("workbook", str(refusal))
            else:
                context["result"] = result
                if result.ok:
                    name = uuid.uuid4().hex
                    settings.IMPORT_DIR.mkdir(parents=True, exist_ok=True)
                    pending_path(name).write_bytes(data)
                    request.session[key] = name
    return render(request, template, context)
