"""An e-mail as riskreg writes it: sections of items, each with a link straight to where
it is done. One structure, rendered twice (reminders/email.txt and email.html), so the
plain-text and HTML parts say the same; the preview shows the same rendering."""

import textwrap
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse


def absolute(path: str) -> str:
    """A link for an e-mail: RISKREG_SITE_URL and the path."""
    return settings.RISKREG_SITE_URL + path


@dataclass
class Item:
    label: str  # "Commitment 60"
    text: str  # what it is, in the registers' own words
    url: str  # where it is done, absolute
    note: str = ""  # "overdue: was due 26 Mar 2026"

    def __post_init__(self):
        self.text = textwrap.shorten(self.text, 240, placeholder=" …")


@dataclass
class Section:
    title: str
    lines: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    link: tuple[str, str] | None = None  # (text, absolute url): do them all at once
    summary: str = ""  # for the subject: "3 commitments to update"


@dataclass
class Message:
    subject: str
    greeting: str
    lines: list[str]
    sections: list[Section]
    why: str  # why they get it and how to stop it
    choices: bool = True  # the recipient has a login, so a page to choose on

    def context(self) -> dict:
        return {
            "message": self,
            "organisation": settings.RISKREG_ORGANISATION,
            "choices_url": absolute(reverse("reminders:preferences")) if self.choices else "",
        }

    def text(self) -> str:
        """The plain-text part: what the HTML part says, in the same order."""
        context = self.context()
        out = [self.greeting, "", *self.lines]
        for section in self.sections:
            out += ["", section.title, "=" * len(section.title), *section.lines]
            for item in section.items:
                note = f" ({item.note})" if item.note else ""
                out += ["", f"* {item.label}{note}", f"  {item.text}", f"  {item.url}"]
            if section.link:
                out += ["", f"{section.link[0]}: {section.link[1]}"]
        out += ["", "-- ", self.why]
        if context["choices_url"]:
            out.append(f"Choose what riskreg e-mails you: {context['choices_url']}")
        out.append(f"{context['organisation']} · riskreg")
        return "\n".join(out) + "\n"

    def html(self) -> str:
        return render_to_string("reminders/email.html", self.context())

    @property
    def full_subject(self) -> str:
        return f"riskreg: {self.subject}"


def subject_of(sections: list[Section]) -> str:
    summaries = [s.summary for s in sections if s.summary]
    if len(summaries) > 1:
        return ", ".join(summaries[:-1]) + " and " + summaries[-1]
    return summaries[0] if summaries else "nothing is due"


def plural(count: int, word: str, words: str = "") -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"
