"""Billing e-mails to a business's owner (sent from the worker)."""

from django.conf import settings

from mectofitness.core.context_processors import business_url
from mectofitness.core.mail import send_platform_mail


def _send(*, business, subject: str, template: str, **context) -> None:
    context = {
        "business": business,
        "billing_url": business_url(business.slug, "/admin/billing/"),
        "grace_days": settings.BILLING_GRACE_DAYS,
        **context,
    }
    send_platform_mail(
        to=business.owner_email,
        subject=subject,
        template=f"platform_billing/emails/{template}",
        context=context,
    )


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
