"""The e-mails of people's accounts: invitations and allauth's account mails, in the
business's name (mectofitness.core.mail). On the public site (platform staff),
account mails come from the platform."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django_tenants.utils import get_tenant_model

from mectofitness.core.context_processors import business_url
from mectofitness.core.mail import send_business_mail, send_platform_mail

from . import policies
from .models import User


def invitation_send(*, invitation, token: str, business) -> None:
    """The invitation e-mail, from the business, with its single-use link."""
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "inviter": inviter,
        "accept_url": business_url(business.slug, f"/invite/{token}/"),
        "expires_at": invitation.expires_at,
    }
    if invitation.role == "coach":
        subject = f"{business.name} invited you to join as a coach"
    else:
        subject = f"{business.name} invited you to their client app"
    send_business_mail(
        business=business,
        to=invitation.email,
        subject=subject,
        template="emails/invitation",
        context=context,
        reply_to=inviter.email if inviter else None,
    )


# allauth's mail (its template prefix) -> our template and subject. Anything allauth
# sends that is not listed goes out as the generic security notice, never its stock text.
ACCOUNT_MAILS = {
    "account/email/email_confirmation": ("email_confirmation", "Confirm your e-mail address"),
    "account/email/email_confirmation_signup": (
        "email_confirmation",
        "Confirm your e-mail address",
    ),
    "account/email/password_reset_key": ("password_reset_key", "Reset your password"),
    "account/email/account_already_exists": (
        "account_already_exists",
        "You already have an account",
    ),
    "account/email/unknown_account": ("unknown_account", "Signing in"),
    "account/email/password_reset": ("password_reset", "Your password was reset"),
    "account/email/password_changed": ("password_changed", "Your password was changed"),
    "account/email/password_set": ("password_set", "A password was set on your account"),
    "account/email/email_changed": ("email_changed", "Your e-mail address changed"),
    "account/email/email_deleted": ("email_deleted", "An e-mail address was removed"),
    "account/email/login_code": ("code", "Your sign-in code"),
    "account/email/password_reset_code": ("code", "Your password reset code"),
}
SECURITY_NOTICES = {
    "mfa/email/totp_activated": "An authenticator app was added",
    "mfa/email/totp_deactivated": "An authenticator app was removed",
    "mfa/email/recovery_codes_generated": "New recovery codes were made",
    "mfa/email/webauthn_added": "A security key was added",
    "mfa/email/webauthn_removed": "A security key was removed",
}


def _current_business():
    """The business being served; None on the public site. Its model is named in
    settings: tenants sits above accounts."""
    tenant = getattr(connection, "tenant", None)
    return tenant if isinstance(tenant, get_tenant_model()) else None


def _reply_to(*, business, email: str) -> str:
    """A client's mail answers to their coach; anyone else's to the owner (the owner's
    own, to our support)."""

    user = User.objects.filter(email__iexact=email).first()
    client = policies.portal_client_for_user(user) if user and not user.is_staff else None
    coach = getattr(client, "primary_coach", None)
    if coach is not None and coach.is_active and coach.email:
        return coach.email
    if business.owner_email and business.owner_email.lower() != email.lower():
        return business.owner_email
    return settings.SUPPORT_EMAIL


def account_mail_send(*, template_prefix: str, email: str, context: dict) -> None:
    """Send one of allauth's account mails with our template, in the business's name."""

    name, subject = ACCOUNT_MAILS.get(template_prefix, ("security_notice", ""))
    if name == "security_notice":
        subject = SECURITY_NOTICES.get(template_prefix, "Your account changed")
        context = {**context, "notice": subject}
    context = {k: v for k, v in context.items() if k not in ("request", "current_site")}
    context["email"] = email
    user = context.get("user")
    if name == "email_confirmation" and user is not None:
        # allauth.account.stages, which verification imports, cannot be imported first
        # during app loading (allauth's own import cycle): import it when used
        from .verification import grace_ends_at

        context["grace_ends_at"] = grace_ends_at(user)
    template = f"emails/account/{name}"
    business = _current_business()
    if business is None:
        send_platform_mail(to=email, subject=subject, template=template, context=context)
        return
    send_business_mail(
        business=business,
        to=email,
        subject=subject,
        template=template,
        context=context,
        reply_to=_reply_to(business=business, email=email),
    )
