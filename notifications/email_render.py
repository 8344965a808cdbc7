"""The owner's e-mail wording, made into a message: a small placeholder language.

An owner writes a subject and a text with placeholders (``{{ first_name }}``, the names
in ``PLACEHOLDERS``). Their text never goes through Django's template engine: a
placeholder is replaced by its value and everything else stays as written, so ``{% ... %}``
or ``<script>`` in it is shown as text, never run. The HTML part is the text escaped,
its paragraphs and line breaks kept and its addresses made links, inside the
business's branded layout; a placeholder's value is escaped the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.html import escape, urlize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import Kind
from .models_channels import EmailTemplate

DEFAULTS_DIR = Path(__file__).resolve().parent / "email_defaults"
LAYOUT = "notifications/emails/branded.html"

PLACEHOLDERS: dict[str, str] = {
    "first_name": _("the person's first name"),
    "business_name": _("your business's name"),
    "title": _("what it is about, in one line"),
    "message_text": _("the message or notice itself"),
    "link": _("the address of the page it is about"),
}
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")

# what the preview fills the placeholders with
SAMPLE = {
    "first_name": "Cleo",
    "title": "New message from Kai",
    "message_text": "Great session today! Same time next week?\nBring your water bottle.",
    "link": "/messages/",
}


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str
    is_default: bool


def unknown_placeholders(text: str) -> list[str]:
    """The placeholders in ``text`` that are not ours, in order, once each."""
    seen = []
    for name in PLACEHOLDER.findall(text or ""):
        if name not in PLACEHOLDERS and name not in seen:
            seen.append(name)
    return seen


def default_wording(kind: str) -> Wording:
    """The wording a business starts with: ``email_defaults/<kind>.txt`` (a "Subject:"
    line, a blank line, the text)."""
    raw = (DEFAULTS_DIR / f"{Kind(kind).value}.txt").read_text(encoding="utf-8")
    head, _sep, body = raw.partition("\n\n")
    subject = head.removeprefix("Subject:").strip()
    return Wording(subject=subject, body=body.strip() + "\n", is_default=True)


def wording_for(kind: str) -> Wording:
    """The business's wording for ``kind``: the owner's, else the default (one query)."""
    row = EmailTemplate.objects.filter(kind=kind).first()
    if row is None:
        return default_wording(kind)
    return Wording(subject=row.subject, body=row.body, is_default=False)


def _fill(text: str, values: dict[str, str], *, html: bool) -> str:
    """``text`` with each known placeholder replaced (escaped for HTML, and the HTML's
    own text escaped too); an unknown one stays as written."""
    out, last = [], 0
    for match in PLACEHOLDER.finditer(text):
        before = text[last : match.start()]
        out.append(escape(before) if html else before)
        name = match.group(1)
        if name in values:
            value = str(values[name])
            out.append(escape(value) if html else value)
        else:
            out.append(escape(match.group(0)) if html else match.group(0))
        last = match.end()
    rest = text[last:]
    out.append(escape(rest) if html else rest)
    return "".join(out)


def _paragraphs(escaped: str) -> str:
    """Escaped text as HTML paragraphs: blank lines part them, single newlines break
    lines, web addresses become links (``urlize`` on text already escaped)."""
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", escaped.replace("\r\n", "\n"))]
    html = []
    for block in blocks:
        if block.strip():
            linked = urlize(block, nofollow=True, autoescape=False)
            html.append('<p style="margin:0 0 16px;">' + linked.replace("\n", "<br>") + "</p>")
    return "\n".join(html)


def render_wording(
    *, wording: Wording, values: dict[str, str], business, context: dict
) -> tuple[str, str, str]:
    """(subject, text, HTML) of ``wording`` with ``values`` in its placeholders, the
    HTML in ``business``'s branded layout (``context``: the layout's own values)."""
    values = {"business_name": business.name, **values}
    subject = " ".join(_fill(wording.subject, values, html=False).split())
    text = _fill(wording.body, values, html=False).strip() + "\n"
    body_html = _paragraphs(_fill(wording.body, values, html=True))
    html = render_to_string(
        LAYOUT, {**context, "business": business, "body_html": mark_safe(body_html)}
    )  # body_html: every piece escaped above
    return subject, text, html
