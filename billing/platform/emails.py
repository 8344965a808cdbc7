"""Billing e-mails to a business's owner (sent from the worker)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from mectofitness.core.context_processors import business_url


def _send(*, business, subject: str, template: str, **context) -> None:
    context = {
        "business": business,
        "billing_url": business_url(business.slug, "/admin/billing/"),
        "grace_days": settings.BILLING_GRACE_DAYS,
        **context,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"platform_billing/emails/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[business.owner_email],
        reply_to=[settings.SUPPORT_EMAIL],
    )
    message.attach_alternative(
        render_to_string(f"platform_billing/emails/{template}.html", context), "text/html"
    )
    message.send()


def trial_ending_send(*, business) -> None:
    _send(
        business=business,
        subject=f"{business.name}: your MectoFitness trial ends soon",
        template="trial_ending",
    )


def payment_failed_send(*, business) -> None:
    _send(
        business=business,
        subject=f"{business.name}: your MectoFitness payment failed",
        template="payment_failed",
    )
