from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_POST

from commitments.models import Period
from reports.forms import NewPaperForm, PaperForm
from reports.models import Paper
from reports.render import paper_html, paper_pdf
from reports.services import paper_publish


def get_paper(pk: int) -> Paper:
    return get_object_or_404(Paper.objects.select_related("period", "published_by"), pk=pk)


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permission_required("reports.view_paper", raise_exception=True)
def paper_list(request):
    papers = Paper.objects.select_related("period", "published_by").defer("pdf")
    if not request.user.has_perm("reports.change_paper"):
        papers = papers.published()
    return render(
        request,
        "reports/paper_list.html",
        {
            "papers": papers,
            "new_form": NewPaperForm(initial={"period": Period.objects.current()}),
        },
    )


@require_POST
@permission_required("reports.add_paper", raise_exception=True)
def paper_create(request):
    form = NewPaperForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a period for the new paper.")
        return redirect("reports:list")
    paper = Paper.start(form.cleaned_data["period"])
    paper._history_user = request.user
    paper.save()
    messages.success(request, f"Started {paper}, its narrative taken from the last paper.")
    return redirect("reports:edit", pk=paper.pk)


@permission_required("reports.change_paper", raise_exception=True)
def paper_edit(request, pk):
    paper = get_paper(pk)
    if paper.is_published:
        raise PermissionDenied(
            "A published paper never changes: start a new version to correct it."
        )
    form = PaperForm(request.POST or None, instance=paper)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Paper saved.")
        return redirect("reports:edit", pk=paper.pk)
    return render(request, "reports/paper_form.html", {"form": form, "paper": paper})


@permission_required("reports.change_paper", raise_exception=True)
def paper_preview(request, pk):
    paper = get_paper(pk)
    return HttpResponse(paper_html(paper, stylesheet=static("css/paper.css")))


@permission_required("reports.view_paper", raise_exception=True)
def paper_download(request, pk):
    paper = get_paper(pk)
    if paper.is_published:
        return pdf_response(bytes(paper.pdf), paper.filename)
    if not request.user.has_perm("reports.change_paper"):
        raise PermissionDenied("Only published papers can be downloaded.")
    return pdf_response(paper_pdf(paper), paper.filename.replace(".pdf", "-draft.pdf"))


@require_POST
@permission_required("reports.publish_paper", raise_exception=True)
def paper_publish_view(request, pk):
    paper = get_paper(pk)
    try:
        paper = paper_publish(paper=paper, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:list")
    messages.success(request, f"Published {paper}; {paper.period} is now locked.")
    return redirect("reports:list")
