"""Businesses (one PostgreSQL schema each), their domains, and the platform's leads.

These models live in the public schema. Schemas are never created by saving a
``Business``: provisioning (``tenants.services``) claims a ready schema from the
pool or builds one from the template, inside the same transaction.
"""

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone as djtz
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from mectofitness.core.timezones import timezone_canonical
from mectofitness.core.timezones import timezone_choices as offered

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{1,38})[a-z0-9]$"
HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #c2410c."))

# Sub-domains that belong to the platform, or could be mistaken for it.
RESERVED_SLUGS = frozenset(
    """
    www admin administrator api app apps assets auth billing blog cdn dashboard demo-admin
    docs email ftp help imap login logout mail media mx ns ns1 ns2 platform pop pop3 portal
    public root secure signup smtp static status support system test webmail webhooks
    stripe mectofitness mecto staff internal dev staging
    """.split()
)


def slug_to_schema(slug: str) -> str:
    """The schema a business with this slug gets (schemas never take user input raw)."""
    return "b_" + slug.replace("-", "_")


def timezone_choices():
    """The time zones people choose from (mectofitness.core.timezones: one list)."""

    return offered()


class Business(TenantMixin):
    class Status(models.TextChoices):
        TRIAL = "trial", _("Trial")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Past due")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    class Units(models.TextChoices):
        METRIC = "kg", _("Metric (kg, cm)")
        IMPERIAL = "lb", _("Imperial (lb, in)")

    # Statuses whose people see a notice instead of the app.
    LOCKED_STATUSES = frozenset({Status.SUSPENDED, Status.CANCELLED})

    name = models.CharField(_("business name"), max_length=100)
    slug = models.CharField(
        _("address"),
        max_length=40,
        unique=True,
        validators=[RegexValidator(SLUG_PATTERN)],
        help_text=_("The business's address: <slug>.<base domain>. Fixed once created."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TRIAL)
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    owner_email = models.EmailField(_("owner email"))
    country = models.CharField(_("country"), max_length=2, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", choices=timezone_choices)
    currency = models.CharField(max_length=3, default="USD")
    units = models.CharField(max_length=2, choices=Units.choices, default=Units.METRIC)
    logo = models.ImageField(upload_to="branding/", blank=True)
    primary_color = models.CharField(max_length=7, default="#c2410c", validators=[HEX_COLOUR])
    accent_color = models.CharField(max_length=7, default="#1f2937", validators=[HEX_COLOUR])
    client_signup_open = models.BooleanField(
        _("clients may sign up"),
        default=False,
        help_text=_("Off: clients join by invitation only."),
    )
    staff_mfa_required = models.BooleanField(
        _("two-factor sign-in required for staff"),
        default=False,
        help_text=_("Owners and coaches must set up an authenticator app to use the back office."),
    )
    # the business's own Stripe account (Connect) that its clients pay into
    stripe_account_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_charges_enabled = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=djtz.now, editable=False)
    status_changed_at = models.DateTimeField(default=djtz.now, editable=False)
    # platform billing (billing.platform): the subscribed plan (None: the trial's
    # default plan) and when the owner was reminded that the trial ends
    plan = models.ForeignKey(
        "platform_billing.Plan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="businesses",
    )
    trial_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # the migration state (tenants.schemas.schema_fingerprint) this business's schema
    # was made at or last migrated to; blank: unknown. migrate_schemas opens only the
    # schemas whose fingerprint is not the code's (tenants.rollout)
    schema_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    # provisioning manages schemas explicitly (pool or template), never on save
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slug__regex=SLUG_PATTERN), name="business_slug_format"
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="business_currency_iso"
            ),
            models.CheckConstraint(
                condition=Q(country__regex=r"^([A-Z]{2})?$"), name="business_country_iso"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["trial", "active", "past_due", "suspended", "cancelled"]),
                name="business_status_known",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def email(self) -> str:
        """dj-stripe's subscriber e-mail: billing mail goes to the owner."""
        return self.owner_email

    @property
    def is_locked(self) -> bool:
        return self.status in self.LOCKED_STATUSES

    @property
    def trial_days_left(self) -> int | None:
        """Days of the trial left, counted up: 14 on the day a 14-day trial starts,
        1 on its last day, 0 once it has ended. None when not on a trial. The one
        figure the home page and the billing page show."""
        if self.status != self.Status.TRIAL or not self.trial_ends_at:
            return None
        left = self.trial_ends_at - djtz.now()
        if left <= dt.timedelta(0):
            return 0
        return -(-left // dt.timedelta(days=1))  # ceiling: part of a day counts

    def clean(self):
        super().clean()
        if self.timezone:
            if timezone_canonical(self.timezone) != self.timezone:
                raise ValidationError({"timezone": _("Unknown time zone.")})
            try:
                zoneinfo.ZoneInfo(self.timezone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValidationError({"timezone": _("Unknown time zone.")}) from None


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")
        constraints = [
            models.UniqueConstraint(Lower("domain"), name="domain_unique_ci"),
        ]

    def __str__(self):
        return self.domain


class SchemaTemplate(models.Model):
    """The DDL (and seed rows) of a fully migrated business schema.

    Captured from the template schema after every migration; the cold
    provisioning path and the pool replay it. ``fingerprint`` identifies the
    migration state it was made from: a row whose fingerprint differs from the
    code's is stale and is refused.
    """

    fingerprint = models.CharField(max_length=64, unique=True)
    sql = models.TextField()
    created_at = models.DateTimeField(default=djtz.now)

    class Meta:
        get_latest_by = "created_at"

    def __str__(self):
        return f"template {self.fingerprint[:12]}"


class SchemaMigrationFailure(models.Model):
    """A business schema that ``migrate_schemas`` could not bring up to date, and why.

    Removed when a later run migrates it; ``migrate_schemas --failed`` retries only these.
    """

    schema_name = models.CharField(max_length=63, unique=True)
    fingerprint = models.CharField(max_length=64)
    error = models.TextField()
    attempts = models.PositiveIntegerField(default=1)
    failed_at = models.DateTimeField(default=djtz.now)

    class Meta:
        ordering = ["schema_name"]
        verbose_name = _("schema migration failure")
        verbose_name_plural = _("schema migration failures")

    def __str__(self):
        return self.schema_name


class PooledSchema(models.Model):
    """An empty, fully migrated schema waiting to become a business."""

    schema_name = models.CharField(max_length=63, unique=True)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=djtz.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(schema_name__startswith="pool_"), name="pooled_schema_name_prefix"
            ),
        ]

    def __str__(self):
        return self.schema_name


class Lead(models.Model):
    """A prospective customer who asked to hear from us on the public site."""

    class Size(models.TextChoices):
        SOLO = "solo", _("Just me")
        SMALL = "2-5", _("2–5 coaches")
        MEDIUM = "6-20", _("6–20 coaches")
        LARGE = "21+", _("More than 20 coaches")

    name = models.CharField(max_length=120)
    email = models.EmailField()
    phone = models.CharField(max_length=32, blank=True)
    business_size = models.CharField(max_length=5, choices=Size.choices, default=Size.SOLO)
    message = models.TextField(blank=True, max_length=2000)
    source = models.CharField(max_length=64, blank=True, help_text=_("Where the lead came from"))
    submissions = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=djtz.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="lead_email_unique_ci"),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"
