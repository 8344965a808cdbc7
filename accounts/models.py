"""People. One user table per schema: a login at one business never works at another."""

import datetime as dt
import hashlib
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone as djtz
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: platform staff (public schema), or a business's owner,
    coach or client (that business's schema)."""

    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("Empty: the business's time zone."),
    )
    avatar = models.ImageField(_("photo"), upload_to="avatars/", blank=True)
    units = models.CharField(
        _("units"),
        max_length=2,
        blank=True,
        choices=[("kg", _("Metric (kg, cm)")), ("lb", _("Imperial (lb, in)"))],
        help_text=_("Empty: the business's units."),
    )
    is_staff = models.BooleanField(
        _("staff"), default=False, help_text=_("Can use the back office.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=djtz.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["first_name", "last_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def tzinfo(self):
        try:
            return zoneinfo.ZoneInfo(self.timezone) if self.timezone else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return None


def token_hash(token: str) -> str:
    """Only a token's hash is stored: a leaked table grants nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An e-mailed, single-use link that lets a person join this business in a role."""

    class Role(models.TextChoices):
        COACH = "coach", _("Coach")
        CLIENT = "client", _("Client")

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=djtz.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The person who accepted."),
    )

    class Meta:
        verbose_name = _("invitation")
        ordering = ["-created_at"]
        constraints = [
            # one open invitation per address: resending reuses it
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["coach", "client"]), name="invitation_role_known"
            ),
            models.CheckConstraint(
                condition=~Q(accepted_at__isnull=False, revoked_at__isnull=False),
                name="invitation_not_accepted_and_revoked",
            ),
        ]

    def __str__(self):
        return f"{self.email} ({self.get_role_display()})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= djtz.now():
            return "expired"
        return "pending"

    @property
    def is_open(self) -> bool:
        return self.status == "pending"


INVITATION_LIFETIME = dt.timedelta(days=7)


class ApiToken(models.Model):
    """A personal API token for integrations. Only its hash is kept; the key is
    shown once, when created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, editable=False, help_text=_("Start of the key"))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=djtz.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "user",
                Lower("name"),
                condition=Q(revoked_at__isnull=True),
                name="api_token_name_unique_per_user",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
