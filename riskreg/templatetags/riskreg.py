from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from commitments.models import Rag

register = template.Library()
ARROWS = {"Increased": "↑", "Reduced": "↓", "No change": "→", "New": "★"}


# Built once: a status is drawn on every row of the longest pages.
RAG_BADGES = {
    value: format_html('<span class="rag rag-{}">{}</span>', value, label)
    for value, label in Rag.choices
}
NO_STATUS = mark_safe('<span class="rag rag-none">No status</span>')


@register.simple_tag
def rag(value: str | None):
    """A RAG status as its word on its colour; never colour alone."""
    return RAG_BADGES.get(value, NO_STATUS) if value else NO_STATUS


@register.simple_tag
def band(word: str, score: int | None = None):
    if not word:
        return mark_safe('<span class="band rag-none">Not scored</span>')
    if score is None:
        return format_html('<span class="band band-{}">{}</span>', word.lower(), word)
    return format_html('<span class="band band-{}">{} {}</span>', word.lower(), score, word)


@register.simple_tag
def direction(word: str):
    if not word:
        return "—"
    css = word.lower().replace(" ", "-")
    return format_html(
        '<span class="direction direction-{}"><span aria-hidden="true">{}</span> {}</span>',
        css,
        ARROWS.get(word, ""),
        word,
    )


@register.simple_tag(takes_context=True)
def nav_link(context, url_name: str, label: str):
    """A main-menu link, marked as the current page's section (aria-current) when it is."""
    url = reverse(url_name)
    request = context.get("request")
    here = request is not None and request.path == url
    return format_html(
        '<a class="nav-link{}" href="{}"{}>{}</a>',
        " active" if here else "",
        url,
        mark_safe(' aria-current="page"') if here else "",
        label,
    )
