"""Telling a client something by e-mail, from their business: its name as the sender
(on our sending address), its name in the subject, replies to the coach who wrote."""

from __future__ import annotations

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def client_mail_send(
    *, business, to: str, subject: str, template: str, context: dict, reply_to: str | None
) -> int:
    """Send ``template``.txt to ``to`` from ``business``. Returns how many went out."""
    subject = " ".join(str(subject).split())
    if business.name.casefold() not in subject.casefold():
        subject = f"{business.name}: {subject}"
    body = render_to_string(f"{template}.txt", {"business": business, **context})
    message = EmailMessage(
        subject=subject,
        body=body.strip() + "\n",
        from_email=formataddr((business.name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1])),
        to=[to],
        reply_to=[reply_to] if reply_to else None,
    )
    return message.send()
