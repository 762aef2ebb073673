"""Upload a workbook, show the dry run, then import it on confirmation."""

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from riskreg.shared.workbooks import WorkbookRefused


class UploadForm(forms.Form):
    workbook = forms.FileField(
        help_text="An Excel workbook (.xlsx) of at most 10 MB, in the format the export writes."
    )
    add_people = forms.BooleanField(
        label="Add the people this workbook names who are not in riskreg yet",
        required=False,
        help_text="Leave it unticked to catch a misspelt name: an unknown name is then an error.",
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError("Only Excel workbooks (.xlsx) can be imported.")
        if upload.size > 10 * 1024 * 1024:
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
            add_people = request.session.pop(f"{key}:add-people", False)
            result = importer(
                path.read_bytes(), user=request.user, dry_run=False, add_people=add_people
            )
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
            add_people = form.cleaned_data["add_people"]
            try:
                result = importer(data, user=request.user, dry_run=True, add_people=add_people)
            except WorkbookRefused as refusal:
                form.add_error("workbook", str(refusal))
            else:
                context["result"] = result
                if result.ok:
                    name = uuid.uuid4().hex
                    settings.IMPORT_DIR.mkdir(parents=True, exist_ok=True)
                    pending_path(name).write_bytes(data)
                    request.session[key] = name
                    request.session[f"{key}:add-people"] = add_people
    return render(request, template, context)
