from allauth.account.models import EmailAddress, EmailConfirmation
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from mectofitness.core.context_processors import business_url, public_url
from mectofitness.core.mail import send_platform_mail


def _confirm_url(*, user, business) -> str:
    """A link that confirms the owner's address (runs in the business's schema); empty
    when it is confirmed already."""

    address = EmailAddress.objects.filter(user=user, verified=False, primary=True).first()
    if address is None:
        return ""
    confirmation = EmailConfirmation.create(address)
    confirmation.sent = timezone.now()
    confirmation.save(update_fields=["sent"])
    path = reverse("account_confirm_email", args=[confirmation.key], urlconf=settings.ROOT_URLCONF)
    return business_url(business.slug, path)


def owner_welcome_send(*, user, business) -> None:
    """Send the welcome e-mail to a business's new owner (platform mail, text and HTML),
    with the link that confirms their address and why it matters."""
    # accounts.verification imports allauth.account.stages, which cannot be imported
    # first while apps load (allauth's own import cycle): import it when used
    from accounts.verification import grace_ends_at

    send_platform_mail(
        to=user.email,
        subject=f"Welcome to MectoFitness, {business.name} is ready",
        template="emails/owner_welcome",
        context={
            "user": user,
            "business": business,
            "backoffice_url": business_url(business.slug, "/admin/"),
            "portal_url": business_url(business.slug, "/"),
            "confirm_url": _confirm_url(user=user, business=business),
            "grace_ends_at": grace_ends_at(user),
        },
    )


def signin_links_send(*, email: str, accounts) -> None:
    """The public site's sign-in finder: platform mail listing each business where
    ``email`` has an account, with its sign-in link (``tenants.selectors.AccountAt``)."""

    send_platform_mail(
        to=email,
        subject="Your sign-in links",
        template="emails/signin_links",
        context={"email": email, "accounts": accounts, "finder_url": public_url("/signin/")},
    )
