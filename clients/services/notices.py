"""Telling a client something by e-mail, from their business: its name as the sender
(on our sending address), its name in the subject, replies to the coach who wrote
(mectofitness.core.mail, where every e-mail goes out)."""

from __future__ import annotations

from mectofitness.core.mail import send_business_mail


def client_mail_send(
    *, business, to: str, subject: str, template: str, context: dict, reply_to: str | None
) -> int:
    """Send ``template`` (.txt, and .html when there is one) to ``to`` from
    ``business``; replies go to ``reply_to``, else the owner. Returns how many went out."""
    return send_business_mail(
        business=business,
        to=to,
        subject=subject,
        template=template,
        context=context,
        reply_to=reply_to,
    )
