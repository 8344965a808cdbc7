"""Reads the back office shares, and the public site's sign-in finder."""

from dataclasses import dataclass

from django.db import connection
from django_tenants.utils import quote_schema_name

from clients.models import Client
from mectofitness.core.context_processors import business_url

from .models import Business


def client_counts(*, businesses) -> dict[int, int]:
    """Active clients (Client.ACTIVE_STATUSES: onboarding or active) of each business,
    counted in their own schemas in one query.

    Crosses tenants on purpose (the platform admin's list): a UNION ALL over
    the businesses' schemas, each name quoted as an identifier.
    """

    statuses = ", ".join(f"'{status}'" for status in Client.ACTIVE_STATUSES)  # constants
    businesses = [b for b in businesses if b.schema_name != "public"]
    if not businesses:
        return {}
    parts = [
        f"SELECT {int(b.pk)} AS business_id, count(*) AS clients "
        f"FROM {quote_schema_name(b.schema_name)}.clients_client "
        f"WHERE status IN ({statuses})"
        for b in businesses
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


# --- the public site's sign-in finder: one person's accounts across businesses -----------


@dataclass(frozen=True)
class AccountAt:
    """A person's account at one business, and where they sign in there."""

    business_name: str
    is_staff: bool
    sign_in_url: str


FINDER_CHUNK = 200  # schemas per query: one statement stays small enough to plan quickly


def accounts_for_email(*, email: str) -> list[AccountAt]:
    """Every open business where ``email`` has an active login, by business name.

    Crosses tenants on purpose (the public site's "find my business"): users live in
    each business's own schema, so one ``UNION ALL`` statement per FINDER_CHUNK
    businesses asks each schema's user table through its case-insensitive unique
    index on the address. Schema names come from ``Business`` rows, never from the
    request. Cancelled businesses are left out; a suspended one is listed, its owner
    signs in there to pay.
    """

    email = (email or "").strip().lower()
    if not email:
        return []
    businesses = list(
        Business.objects.exclude(schema_name="public")
        .exclude(status=Business.Status.CANCELLED)
        .order_by("pk")
        .values_list("pk", "schema_name", "slug", "name")
    )
    by_pk = {pk: (slug, name) for pk, _schema, slug, name in businesses}
    found: list[AccountAt] = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for start in range(0, len(businesses), FINDER_CHUNK):
            chunk = businesses[start : start + FINDER_CHUNK]
            sql = " UNION ALL ".join(
                f"SELECT {int(pk)}, is_staff FROM {quote(schema)}.accounts_user "
                "WHERE lower(email) = %s AND is_active"
                for pk, schema, _slug, _name in chunk
            )
            cursor.execute(sql, [email] * len(chunk))
            for pk, is_staff in cursor.fetchall():
                slug, name = by_pk[pk]
                path = "/admin/" if is_staff else "/accounts/login/"
                found.append(AccountAt(name, bool(is_staff), business_url(slug, path)))
    return sorted(found, key=lambda account: account.business_name.casefold())
