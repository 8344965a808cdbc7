from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from mectofitness.core.context_processors import business_url


def owner_welcome_send(*, user, business) -> None:
    """Send the welcome e-mail to a business's new owner (text and HTML)."""
    context = {
        "user": user,
        "business": business,
        "backoffice_url": business_url(business.slug, "/admin/"),
        "portal_url": business_url(business.slug, "/"),
    }
    subject = f"Welcome to MectoFitness, {business.name} is ready"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/owner_welcome.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        reply_to=[settings.SUPPORT_EMAIL],
    )
    message.attach_alternative(render_to_string("emails/owner_welcome.html", context), "text/html")
    message.send()


def signin_links_send(*, email: str, accounts) -> None:
    """The public site's sign-in finder: platform mail listing each business where
    ``email`` has an account, with its sign-in link (``tenants.selectors.AccountAt``).
    Self-contained (its own imports) so it moves easily to a shared mail module."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string

    from mectofitness.core.context_processors import public_url

    context = {
        "email": email,
        "accounts": accounts,
        "finder_url": public_url("/signin/"),
    }
    message = EmailMultiAlternatives(
        subject="Your sign-in links",
        body=render_to_string("emails/signin_links.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
        reply_to=[settings.SUPPORT_EMAIL],
    )
    message.attach_alternative(render_to_string("emails/signin_links.html", context), "text/html")
    message.send()
