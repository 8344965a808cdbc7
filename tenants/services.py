"""Platform use cases: provisioning businesses, capturing leads, the sign-up hand-off.

These cross tenants on purpose (they run in the public schema and step into a
business's schema with ``tenant_context``), so they live in this shared app.
"""

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, tenant_context

from accounts.models import User
from accounts.roles import OWNER
from mectofitness.core import quotas
from mectofitness.core.tasks import enqueue_on_commit

from . import schemas
from .models import RESERVED_SLUGS, SLUG_PATTERN, Business, Domain, Lead, slug_to_schema
from .tasks import business_signup_followup_task, pool_fill_task

SLUG_RE = re.compile(SLUG_PATTERN)


# --- slugs --------------------------------------------------------------------


def slug_problem(slug: str) -> str | None:
    """Why ``slug`` cannot be used as a business address, or None if it is free.

    Reads the public schema (one query for a well-formed slug).
    """
    if not slug:
        return _("Choose an address for your business.")
    if len(slug) < 3 or len(slug) > 40:
        return _("Use 3 to 40 characters.")
    if slug != slug.lower():
        return _("Use lower-case letters only.")
    if not SLUG_RE.match(slug):
        return _(
            "Use lower-case letters, digits and hyphens, starting and ending with a letter "
            "or digit."
        )
    if "--" in slug:
        return _("Use single hyphens between words.")
    if slug in RESERVED_SLUGS:
        return _("“%(slug)s” is reserved. Please choose another address.") % {"slug": slug}
    host = f"{slug}.{settings.BASE_DOMAIN}"
    with schema_context("public"):
        taken = Business.objects.filter(Q(slug=slug) | Q(domains__domain__iexact=host)).exists()
    if taken:
        return _("“%(slug)s” is already taken. Please choose another address.") % {"slug": slug}
    return None


# --- provisioning -------------------------------------------------------------


@dataclass(frozen=True)
class Provisioned:
    business: Business
    owner_id: int
    warm: bool


@transaction.atomic
def business_provision(
    *,
    name: str,
    slug: str,
    owner_email: str,
    owner_password: str | None,
    owner_first_name: str = "",
    owner_last_name: str = "",
    country: str = "",
    timezone_name: str = "UTC",
    currency: str = "USD",
    units: str = Business.Units.METRIC,
    welcome: bool = True,
) -> Provisioned:
    """Create a business, its domain, its schema and its owner, all or nothing.

    The schema is claimed from the pool (warm) or replayed from the template
    (cold) inside this transaction, so any failure leaves no schema, row or
    domain behind. The welcome e-mail (unless ``welcome`` is false: the demo, whose
    owner's address receives no mail) and a pool top-up are queued on commit.
    """
    name = name.strip()
    slug = slug.strip()
    owner_email = owner_email.strip().lower()
    if not name:
        raise ValidationError({"name": _("Enter your business name.")})
    if connection.schema_name != "public":
        raise RuntimeError("business_provision runs in the public schema")

    # Two sign-ups for one slug: the second waits here, then sees it taken.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"mf:slug:{slug}"])
    problem = slug_problem(slug)
    if problem:
        raise ValidationError({"slug": problem})

    schema_name = slug_to_schema(slug)
    pooled = schemas.pool_claim()
    if pooled:
        schemas.schema_rename(pooled, schema_name)
    else:
        schemas.schema_create_from_template(schema_name)

    now = timezone.now()
    business = Business(
        name=name,
        slug=slug,
        schema_name=schema_name,
        owner_email=owner_email,
        country=country.upper(),
        timezone=timezone_name,
        currency=currency,
        units=units,
        status=Business.Status.TRIAL,
        trial_ends_at=now + dt.timedelta(days=settings.TRIAL_DAYS),
        # the pool's schemas and the template are of the code's migration state (both
        # paths above refuse anything older)
        schema_fingerprint=schemas.schema_fingerprint(),
    )
    # fields only: the slug was checked above under the lock, and the table's
    # constraints guard the rest (validate_constraints would cost queries);
    # clean() checks the time zone against zoneinfo, cheaper than its 600 choices
    business.clean_fields(exclude=["schema_name", "timezone"])
    business.clean()
    # bulk_create: TenantMixin.save would look for a schema-name clash we ruled out
    Business.objects.bulk_create([business])
    # bulk_create: DomainMixin.save's demotion of other primaries (a savepoint and
    # an UPDATE) has nothing to do for a business's first domain
    Domain.objects.bulk_create(
        [Domain(domain=f"{slug}.{settings.BASE_DOMAIN}", tenant=business, is_primary=True)]
    )

    with tenant_context(business):
        owner = User.objects.create_user(
            email=owner_email,
            password=owner_password,
            first_name=owner_first_name.strip(),
            last_name=owner_last_name.strip(),
            is_staff=True,
            is_superuser=True,
        )
        # the group's id first: Citus (make citus) refuses a subquery inside an INSERT
        owner.groups.through.objects.create(
            user=owner, group_id=Group.objects.values_list("pk", flat=True).get(name=OWNER)
        )
        _owner_email_address_record(owner)

    if welcome:
        enqueue_on_commit(business_signup_followup_task, business_id=business.pk, owner_id=owner.pk)
    else:
        enqueue_on_commit(pool_fill_task)
    return Provisioned(business=business, owner_id=owner.pk, warm=bool(pooled))


def _owner_email_address_record(user) -> None:
    """Record the owner's address with allauth: primary, not yet verified."""

    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)


def business_set_status(*, business: Business, status: str) -> Business:
    """Change a business's status; routing picks it up at once (see tenants.routing)."""
    if status not in Business.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    business.status = status
    business.status_changed_at = timezone.now()
    business.save(update_fields=["status", "status_changed_at"])
    return business


# --- the sign-up hand-off -------------------------------------------------------

HANDOFF_SALT = "mectofitness.signup-handoff"


def handoff_token_create(*, business: Business, user_id: int) -> str:
    """A signed, short-lived, single-use token that logs ``user_id`` in at ``business``.

    The public site and the subdomain never share a session cookie: the
    sign-up page redirects to the subdomain with this token instead.
    """
    nonce = secrets.token_urlsafe(16)
    # stored under the business's cache prefix: that is where it is consumed
    with schema_context(business.schema_name):
        cache.set(_handoff_key(nonce), user_id, settings.HANDOFF_MAX_AGE)
    return signing.dumps(
        {"s": business.schema_name, "u": user_id, "n": nonce}, salt=HANDOFF_SALT, compress=True
    )


def handoff_token_consume(*, token: str, schema_name: str) -> int | None:
    """The user id the token logs in, once; None if forged, expired, used or for elsewhere."""
    try:
        data = signing.loads(token, salt=HANDOFF_SALT, max_age=settings.HANDOFF_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != schema_name:
        return None
    # delete() is atomic in Redis: of two concurrent uses, one wins
    if not cache.delete(_handoff_key(str(data.get("n")))):
        return None
    return int(data["u"])


def _handoff_key(nonce: str) -> str:
    return f"handoff:{nonce}"


# --- leads ----------------------------------------------------------------------


@dataclass(frozen=True)
class LeadResult:
    lead: Lead
    created: bool


@transaction.atomic
def lead_capture(
    *,
    name: str,
    email: str,
    phone: str = "",
    business_size: str = Lead.Size.SOLO,
    message: str = "",
    source: str = "",
) -> LeadResult:
    """Record a lead, or update the one with this e-mail (case-insensitive)."""
    email = email.strip().lower()
    existing = Lead.objects.select_for_update().filter(email__iexact=email).first()
    if existing:
        existing.name = name.strip() or existing.name
        existing.phone = phone.strip() or existing.phone
        existing.business_size = business_size or existing.business_size
        if message.strip():
            existing.message = (
                f"{existing.message}\n\n---\n{message.strip()}" if existing.message else message
            )[:2000]
        existing.source = existing.source or source
        existing.submissions = F("submissions") + 1
        existing.save()
        existing.refresh_from_db()
        return LeadResult(lead=existing, created=False)
    lead = Lead(
        name=name.strip(),
        email=email,
        phone=phone.strip(),
        business_size=business_size,
        message=message.strip(),
        source=source[:64],
    )
    lead.full_clean()
    lead.save()
    return LeadResult(lead=lead, created=True)


def rate_limit_hit(*, scope: str, key: str, limit: int, window_seconds: int = 3600) -> bool:
    """Count one attempt; True when ``key`` has exceeded ``limit`` in the window."""
    cache_key = f"ratelimit:{scope}:{key}"
    cache.add(cache_key, 0, window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, window_seconds)
        count = 1
    return count > limit


@transaction.atomic
def business_settings_update(*, business: Business, form) -> Business:
    """Save an owner's settings form; a new logo replaces (and deletes) the old one.

    Raises ValidationError({"logo_upload": ...}) before saving anything when the new
    logo would take the business past its plan's storage.

    Business lives in the public schema; saving it also refreshes every
    process's route cache, so the new name and colours show at once.
    """
    business = form.save(commit=False)
    old_logo = business.logo.name if business.logo else ""
    new_logo = form.cleaned_data.get("logo_upload")
    added = 0
    if new_logo is not None:
        added = new_logo.size - _stored_size(business.logo)  # the old logo goes
        quotas.storage_check(adding_bytes=added, field="logo_upload", business=business)
        business.logo.save(f"logo-{secrets.token_hex(4)}.png", new_logo, save=False)
    elif form.cleaned_data.get("remove_logo"):
        business.logo = ""
    business.save()
    if old_logo and business.logo.name != old_logo:
        storage = business.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    if added > 0:
        quotas.storage_counted(added_bytes=added, business=business)
    return business


def _stored_size(field_file) -> int:
    if not field_file:
        return 0
    try:
        return field_file.size
    except OSError:  # the file is gone already
        return 0


# --- the platform admin: businesses, their domains, leads ----------------------------


@transaction.atomic
def business_staff_update(
    *, business: Business, domains: Iterable[Domain] = (), domains_removed: Iterable[Domain] = ()
) -> Business:
    """Save what platform staff changed of a business and its domains (a saved business
    or domain refreshes every process's route cache: ``tenants.signals``)."""
    business.save()
    for domain in domains_removed:
        domain.delete()
    for domain in domains:
        domain.tenant = business
        domain.save()
    return business


@transaction.atomic
def lead_save(*, lead: Lead) -> Lead:
    lead.save()
    return lead


@transaction.atomic
def leads_delete(*, leads: Iterable[Lead]) -> int:
    deleted, _per_model = Lead.objects.filter(pk__in=[lead.pk for lead in leads]).delete()
    return deleted
