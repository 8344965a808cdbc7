"""Every e-mail we send goes out through here, in one of two voices.

- **Business mail** (``send_business_mail``): to a business's people (clients,
  coaches, and the owner about their business's accounts). It comes from the
  business: From "<Business name> <our sending address>", Reply-To the owner or the
  relevant coach, the business's name in the subject, its colour and name in the
  layout. The platform's name appears only in the "Powered by" footer.
- **Platform mail** (``send_platform_mail``): from MectoFitness to owners (welcome,
  trial, platform billing) and to platform staff. It may say MectoFitness.

A message is a template pair: ``<template>.txt`` and ``<template>.html``. When a
sender has only the text, the HTML part is the text in the branded layout.
"""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from .context_processors import business_url, public_url

PLATFORM_NAME = "MectoFitness"
TEXT_AS_HTML = "emails/_text_as_html.html"


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [v for v in value if v]


def sending_address() -> str:
    """The bare address we send from (DEFAULT_FROM_EMAIL without its display name)."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def business_from(business) -> str:
    """From: the business's name on our sending address."""
    return formataddr((business.name, sending_address()))


def business_subject(business, subject: str) -> str:
    """The subject on one line, naming the business (prefixed when it does not)."""
    subject = " ".join(str(subject).split())
    if business.name.casefold() in subject.casefold():
        return subject
    return f"{business.name}: {subject}"


def _render(*, template: str | None, body: str | None, context: dict) -> tuple[str, str]:
    """(text, html) for a template pair, or for a text body in the branded layout."""
    text = render_to_string(f"{template}.txt", context) if template else (body or "")
    text = text.strip() + "\n"
    html = None
    if template:
        try:
            html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html = None
    if html is None:
        html = render_to_string(TEXT_AS_HTML, {**context, "text": text})
    return text, html


def _send(
    *,
    subject: str,
    from_email: str,
    to: list[str],
    reply_to: list[str],
    text: str,
    html: str,
    attachments: Iterable[tuple[str, bytes, str]] = (),
) -> int:
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email,
        to=to,
        reply_to=reply_to or None,
    )
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message.send()


def send_business_mail(
    *,
    business,
    to: str | Iterable[str],
    subject: str,
    template: str | None = None,
    body: str | None = None,
    context: dict[str, Any] | None = None,
    reply_to: str | Iterable[str] | None = None,
    attachments: Iterable[tuple[str, bytes, str]] = (),
) -> int:
    """Send mail from ``business`` to its people. Returns how many messages went out.

    ``reply_to`` defaults to the business's owner. Give either ``template`` (the
    prefix of a .txt/.html pair) or a plain-text ``body``.
    """

    recipients = _as_list(to)
    if not recipients:
        return 0
    if not getattr(business, "slug", None):  # no business in use (public schema)
        return send_platform_mail(
            to=recipients, subject=subject, template=template, body=body, context=context
        )
    context = {
        "business": business,
        "portal_url": business_url(business.slug, "/"),
        "powered_by_url": public_url("/"),
        "platform_name": PLATFORM_NAME,
        **(context or {}),
    }
    text, html = _render(template=template, body=body, context=context)
    return _send(
        subject=business_subject(business, subject),
        from_email=business_from(business),
        to=recipients,
        reply_to=_as_list(reply_to) or _as_list(business.owner_email),
        text=text,
        html=html,
        attachments=attachments,
    )


def send_platform_mail(
    *,
    to: str | Iterable[str],
    subject: str,
    template: str | None = None,
    body: str | None = None,
    context: dict[str, Any] | None = None,
    reply_to: str | Iterable[str] | None = None,
) -> int:
    """Send mail from MectoFitness (owners, platform staff). Reply-To: support."""

    recipients = _as_list(to)
    if not recipients:
        return 0
    context = {"platform_name": PLATFORM_NAME, "powered_by_url": public_url("/"), **(context or {})}
    text, html = _render(template=template, body=body, context=context)
    return _send(
        subject=" ".join(str(subject).split()),
        from_email=formataddr((PLATFORM_NAME, sending_address())),
        to=recipients,
        reply_to=_as_list(reply_to) or [settings.SUPPORT_EMAIL],
        text=text,
        html=html,
    )
