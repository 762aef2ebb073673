from django import template
from django.utils.html import format_html, format_html_join
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


@register.filter
def options(bound_field) -> str:
    """The <option>s of a select, for filter forms drawn without widget templates.

    Django renders each option through a template, which on a list page's filter form costs
    more than the rows; this builds the same markup in Python, escaped.
    """
    chosen = bound_field.value()
    chosen = {str(v) for v in chosen} if isinstance(chosen, list | tuple) else {str(chosen or "")}
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) in chosen else "", label)
            for value, label in bound_field.field.choices
        ),
    )
