from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from mectofitness.core.context_processors import business_url


def invitation_send(*, invitation, token: str, business) -> None:
    """The invitation e-mail, from the business, with its single-use link."""
    context = {
        "invitation": invitation,
        "business": business,
        "inviter": invitation.invited_by,
        "accept_url": business_url(business.slug, f"/invite/{token}/"),
        "expires_at": invitation.expires_at,
    }
    message = EmailMultiAlternatives(
        subject=f"{business.name} invited you to MectoFitness",
        body=render_to_string("emails/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
        reply_to=[invitation.invited_by.email] if invitation.invited_by else None,
    )
    message.attach_alternative(render_to_string("emails/invitation.html", context), "text/html")
    message.send()
