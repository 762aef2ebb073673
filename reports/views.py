import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_POST

from commitments.models import Period
from reports.forms import NewPaperForm, PaperForm
from reports.models import DraftRendering, Paper
from reports.render import html_to_pdf, paper_html
from reports.services import paper_publish
from riskreg.shared.forms import STALE_FORM, posted_version


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
    papers = list(papers)
    latest = {}
    for paper in papers:
        latest[paper.period_id] = max(latest.get(paper.period_id, 0), paper.version)
    for paper in papers:  # a published latest version offers its correction, the next one
        paper.is_latest = paper.version == latest[paper.period_id]
    return render(
        request,
        "reports/paper_list.html",
        {
            "papers": papers,
            "new_form": NewPaperForm(initial={"period": Period.objects.current()}),
        },
    )


@permission_required("reports.add_paper", raise_exception=True)
@require_POST
def paper_create(request):
    form = NewPaperForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a period for the new paper.")
        return redirect("reports:list")
    paper = Paper.start(form.cleaned_data["period"])
    try:
        paper.save()
    except ValidationError as refusal:  # a draft of it already, or one started meanwhile
        messages.info(request, " ".join(refusal.messages))
        return redirect("reports:list")
    messages.success(request, f"Started {paper}, its narrative taken from the last paper.")
    return redirect("reports:edit", pk=paper.pk)


@permission_required("reports.change_paper", raise_exception=True)
def paper_edit(request, pk):
    paper = get_paper(pk)
    if paper.is_published:
        return render(request, "reports/paper_published.html", {"paper": paper}, status=403)
    form = PaperForm(request.POST or None, instance=paper)
    if request.method == "POST" and form.is_valid() and form.save_or_explain():
        messages.success(request, "Paper saved.")
        return redirect("reports:edit", pk=paper.pk)
    return render(request, "reports/paper_form.html", {"form": form, "paper": paper})


@permission_required("reports.change_paper", raise_exception=True)
def paper_preview(request, pk):
    paper = get_paper(pk)
    if paper.is_published:  # only its stored PDF is the paper now, never today's data
        return render(request, "reports/paper_published.html", {"paper": paper})
    back = reverse("reports:edit", args=[paper.pk])
    return HttpResponse(paper_html(paper, stylesheet=static("css/paper.css"), back_url=back))


@permission_required("reports.view_paper", raise_exception=True)
def paper_download(request, pk):
    paper = get_paper(pk)
    if paper.is_published:
        return pdf_response(bytes(paper.pdf), paper.filename)
    if not request.user.has_perm("reports.change_paper"):
        raise PermissionDenied("Only published papers can be downloaded.")
    return pdf_response(draft_pdf(paper), paper.filename.replace(".pdf", "-draft.pdf"))


def draft_pdf(paper: Paper) -> bytes:
    """A draft's PDF, rendered again only when its composed HTML has changed."""
    html = paper_html(paper)
    fingerprint = hashlib.sha256(html.encode()).hexdigest()
    kept = DraftRendering.objects.filter(paper=paper, fingerprint=fingerprint).first()
    if kept is not None:
        return bytes(kept.pdf)
    pdf = html_to_pdf(html)
    DraftRendering.objects.update_or_create(
        paper=paper, defaults={"fingerprint": fingerprint, "pdf": pdf}
    )
    return pdf


@permission_required("reports.publish_paper", raise_exception=True)
def paper_publish_view(request, pk):
    """What publishing will do and what the data still lacks, then the publish itself."""
    paper = get_paper(pk)
    if paper.is_published:
        return redirect("reports:edit", pk=paper.pk)
    if request.method != "POST":
        context = {"paper": paper, "gaps": paper.gaps()}
        return render(request, "reports/paper_publish.html", context)
    seen = posted_version(request)
    if seen is None:
        messages.error(request, STALE_FORM)
        return redirect("reports:list")
    try:
        despite_gaps = bool(request.POST.get("despite_gaps"))
        paper = paper_publish(
            paper=paper, user=request.user, seen_version=seen, despite_gaps=despite_gaps
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:publish", pk=paper.pk)
    else:
        messages.success(request, f"Published {paper}; {paper.period} is now locked.")
    return redirect("reports:list")
