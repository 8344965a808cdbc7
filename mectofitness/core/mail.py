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

Business mail is never sent to an address the business's mail provider reported as
bounced or complained about: apps above register a check with ``mail_guard_register``
(``notifications`` does, in its ``ready()``). Each message carries the business's
schema in its provider metadata (django-anymail's ``metadata``), so the provider's
delivery events find their way back to the right business.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from .context_processors import business_url, public_url

PLATFORM_NAME = "MectoFitness"
TEXT_AS_HTML = "emails/_text_as_html.html"

# checks that say which of some addresses must not be mailed (lower case), asked in
# the business's schema before every business mail
MailGuard = Callable[[list[str]], set[str]]
_guards: list[MailGuard] = []


def mail_guard_register(guard: MailGuard) -> None:
    """Ask ``guard`` before every business mail which recipients to leave out."""
    if guard not in _guards:
        _guards.append(guard)


def deliverable(recipients: list[str]) -> list[str]:
    """``recipients`` without the addresses a registered guard refuses."""
    if not recipients or not _guards:
        return recipients
    bare = {r: parseaddr(r)[1].casefold() for r in recipients}
    refused: set[str] = set()
    for guard in _guards:
        refused |= guard(list(bare.values()))
    return [r for r in recipients if bare[r] not in refused]


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


def _message(
    *,
    subject: str,
    from_email: str,
    to: list[str],
    reply_to: list[str],
    text: str,
    html: str,
    attachments: Iterable[tuple[str, bytes, str]] = (),
) -> EmailMultiAlternatives:
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
    return message


def _send(**kwargs) -> int:
    return _message(**kwargs).send()


def business_message(
    *,
    business,
    to: str | Iterable[str],
    subject: str,
    template: str | None = None,
    body: str | None = None,
    rendered: tuple[str, str] | None = None,
    context: dict[str, Any] | None = None,
    reply_to: str | Iterable[str] | None = None,
    attachments: Iterable[tuple[str, bytes, str]] = (),
    tag: str = "",
) -> EmailMultiAlternatives | None:
    """The mail ``send_business_mail`` sends, ready to send (``message.send()``), for a
    sender that wants the message itself (the provider's message id after sending:
    ``message.anymail_status``). None when no recipient may be mailed.

    ``rendered``: the (text, HTML) already made (the owner's own wording), instead of a
    ``template`` or ``body``. ``tag``: what kind of mail it is, for the provider."""
    recipients = deliverable(_as_list(to))
    if not recipients:
        return None
    context = {
        "business": business,
        "portal_url": business_url(business.slug, "/"),
        "powered_by_url": public_url("/"),
        "platform_name": PLATFORM_NAME,
        **(context or {}),
    }
    text, html = rendered or _render(template=template, body=body, context=context)
    message = _message(
        subject=business_subject(business, subject),
        from_email=business_from(business),
        to=recipients,
        reply_to=_as_list(reply_to) or _as_list(business.owner_email),
        text=text,
        html=html,
        attachments=attachments,
    )
    # django-anymail sends these to the provider (other backends ignore them); its
    # delivery events come back with the metadata
    message.metadata = {"business": connection.schema_name}
    message.tags = [tag or (template or "mail").rsplit("/", 1)[-1]][:1]
    return message


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
    """Send mail from ``business`` to its people. Returns how many messages went out
    (0 when every recipient bounced or complained before: ``mail_guard_register``).

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
    message = business_message(
        business=business,
        to=recipients,
        subject=subject,
        template=template,
        body=body,
        context=context,
        reply_to=reply_to,
        attachments=attachments,
    )
    return message.send() if message is not None else 0


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
