"""Reads about the shop, invoices and revenue that the back office, the API and the
portal share.

Who sees billing is decided here: the owner sees everything; a coach sees the
invoices and payments of the clients they coach, and only while
``BillingSettings.coaches_see_billing`` is on; a client sees their own issued
invoices (never drafts).

Revenue is computed from the ledger (``Payment`` and ``Refund``), never from
invoices: money in is a succeeded payment on the day it was paid, money back
a succeeded refund on the day it was refunded. Every paid invoice has exactly
one payment of its total paid at the same moment, so the revenue of a period
equals the paid invoice totals of that period minus its refunds, to the cent.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from accounts.models import User
from accounts.policies import billing_role
from accounts.roles import CLIENT, COACH, OWNER
from clients.models import Client
from clients.selectors import ClientListScope, client_queryset_for

from .models import Invoice, Payment, Product, Purchase, Refund

# --- who sees what --------------------------------------------------------------------


def billing_clients_for(*, user: User, request=None) -> QuerySet[Client]:
    """Clients whose billing ``user`` may see (lazy; a subquery where used in a filter).

    By ``accounts.policies.billing_role``: the owner, everyone; a coach, their clients
    when the owner lets coaches see billing; a client, themselves (an active record).
    """
    role = billing_role(user=user, request=request)
    if role in (OWNER, COACH, CLIENT):
        return client_queryset_for(user=user)
    return Client.objects.none()


def purchases_for(*, user: User) -> QuerySet[Purchase]:
    return Purchase.objects.filter(client__in=billing_clients_for(user=user)).select_related(
        "client", "product"
    )


def purchases_shown_on_client_page(*, client: Client, limit: int = 10) -> list[Purchase]:
    """A client's latest purchases that were paid for (not pending, not cancelled), with
    their products (one query). The caller has asked the policy first."""
    return list(
        Purchase.objects.filter(client=client)
        .exclude(status__in=[Purchase.Status.PENDING, Purchase.Status.CANCELLED])
        .select_related("product")[:limit]
    )


def payments_for(*, user: User) -> QuerySet[Payment]:
    """The payments ``user`` may see, with client and purchase joined."""
    return Payment.objects.filter(client__in=billing_clients_for(user=user)).select_related(
        "client", "purchase__product", "invoice"
    )


def payments_failed_open(
    *,
    user: User,
    clients: QuerySet[Client],
    since: datetime,
    limit: int = 5,
    request=None,
) -> tuple[list[Payment], int]:
    """Failed payments of ``clients`` since ``since`` that ``user`` may see (none for a
    coach unless the owner lets coaches see billing) and that no later successful payment
    of the same purchase or invoice has made good, newest first, with the client's name
    and the product's (other fields of theirs deferred); and how many. One query (and the
    billing switch's, for a coach)."""
    made_good = Payment.objects.filter(
        status=Payment.Status.SUCCEEDED, created_at__gt=OuterRef("created_at")
    ).filter(Q(purchase_id=OuterRef("purchase_id")) | Q(invoice_id=OuterRef("invoice_id")))
    rows = (
        Payment.objects.filter(
            client__in=billing_clients_for(user=user, request=request).values("pk"),
            status=Payment.Status.FAILED,
            created_at__gte=since,
        )
        .filter(client__in=clients.values("pk"))
        .exclude(Exists(made_good))
        .select_related("client", "purchase__product")
        .only(
            "amount",
            "currency",
            "note",
            "failure_message",
            "created_at",
            "purchase_id",
            "client__first_name",
            "client__last_name",
            "purchase__product__name",
        )
        .annotate(listed_total=Window(Count("pk")))
        .order_by("-created_at", "-pk")
    )
    found = list(rows[:limit])
    return found, (found[0].listed_total if found else 0)


def invoice_queryset_for(*, user: User) -> QuerySet[Invoice]:
    """The invoices ``user`` may see, with the client joined (no query until evaluated);
    a client sees only issued ones."""
    invoices = Invoice.objects.select_related("client").filter(
        client__in=billing_clients_for(user=user)
    )
    if billing_role(user=user) == CLIENT:
        invoices = invoices.exclude(status=Invoice.Status.DRAFT)
    return invoices


def invoice_list_for_portal(*, user: User) -> QuerySet[Invoice]:
    """A client's issued invoices, newest first."""
    return invoice_queryset_for(user=user).order_by("-issued_at", "-pk")


# --- the shop: what is on sale, what a client has left -------------------------------


def products_on_sale() -> QuerySet[Product]:
    """The products clients can buy, with their tax rates."""
    return Product.objects.filter(is_active=True).select_related("tax_rate")


def usable_packs(*, client: Client, now: datetime | None = None) -> QuerySet[Purchase]:
    """The client's active, unexpired packs with sessions left, oldest first."""
    now = now or timezone.now()
    return (
        Purchase.objects.filter(
            client=client,
            status=Purchase.Status.ACTIVE,
            sessions_total__isnull=False,
            sessions_used__lt=F("sessions_total"),
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("created_at", "pk")
    )


def session_balance(*, client: Client) -> int:
    """Sessions the client can still book from their usable packs."""
    total = 0
    for pack in usable_packs(client=client):
        total += pack.sessions_left or 0
    return total


def client_list_sessions_left(
    clients: QuerySet[Client], scope: ClientListScope
) -> QuerySet[Client]:
    """``clients`` annotated with ``sessions_left`` for the back office's client list
    (registered from ``BillingConfig.ready``): the sessions still bookable from usable
    packs, as ``session_balance`` counts them; 0 when every pack the client paid for is
    used up or expired; None when they never had one. None for every client when
    ``scope.user`` may not see billing (``accounts.policies.billing_role``): a coach
    only while the owner lets coaches see billing. One subquery, no query of its own
    beyond the policy's."""
    if billing_role(user=scope.user, request=scope.request) not in (OWNER, COACH):
        return clients.annotate(sessions_left=Value(None, output_field=IntegerField()))
    usable = Q(status=Purchase.Status.ACTIVE, sessions_used__lt=F("sessions_total")) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=scope.now)
    )
    left = (
        Purchase.objects.filter(
            client=OuterRef("pk"),
            sessions_total__isnull=False,
            status__in=[
                Purchase.Status.ACTIVE,
                Purchase.Status.USED_UP,
                Purchase.Status.EXPIRED,
            ],
        )
        .order_by()
        .values("client_id")
        .annotate(
            n=Sum(
                Case(
                    When(usable, then=F("sessions_total") - F("sessions_used")),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
        )
        .values("n")
    )
    return clients.annotate(sessions_left=Subquery(left, output_field=IntegerField()))


# what a purchase needs to be managed in the portal: running monthly coaching
MANAGED_STATUSES = (Purchase.Status.ACTIVE, Purchase.Status.PAST_DUE)


def portal_customer_for(*, client: Client) -> str | None:
    """The Stripe customer (on the business's account) behind the client's running
    monthly coaching, newest first; None when they have none. One query."""
    return (
        Purchase.objects.filter(
            client=client, product__kind=Product.Kind.MONTHLY, status__in=MANAGED_STATUSES
        )
        .exclude(stripe_customer_id="")
        .order_by("-created_at")
        .values_list("stripe_customer_id", flat=True)
        .first()
    )


# --- revenue --------------------------------------------------------------------------


@dataclass
class MonthRevenue:
    month: date
    paid: int = 0
    refunded: int = 0

    @property
    def net(self) -> int:
        return self.paid - self.refunded


@dataclass
class ProductRevenue:
    name: str
    paid: int = 0
    refunded: int = 0
    count: int = 0

    @property
    def net(self) -> int:
        return self.paid - self.refunded


@dataclass
class RevenueSummary:
    currency: str
    mrr: int
    active_subscriptions: int
    months: list[MonthRevenue]
    products: list[ProductRevenue]
    outstanding_total: int
    outstanding_count: int
    overdue_count: int
    outstanding: list[Invoice]
    failed_count: int
    failed: list[Payment]
    other_currencies: list[str] = field(default_factory=list)

    @property
    def total_net(self) -> int:
        return sum(m.net for m in self.months)


def _business_tz():
    name = getattr(getattr(connection, "tenant", None), "timezone", "") or "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _month_starts(now: datetime, count: int, tz) -> list[date]:
    local = now.astimezone(tz)
    year, month = local.year, local.month
    starts = []
    for _ in range(count):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(starts))


def _month_start_dt(day: date, tz) -> datetime:
    return datetime(day.year, day.month, 1, tzinfo=tz)


def revenue_between(
    *, user: User, start: datetime, end: datetime, currency: str
) -> tuple[int, int]:
    """(paid, refunded) in ``currency`` for ``start <= time < end`` (two queries)."""
    payments = payments_for(user=user).filter(
        status=Payment.Status.SUCCEEDED, currency=currency, paid_at__gte=start, paid_at__lt=end
    )
    refunds = Refund.objects.filter(
        payment__in=payments_for(user=user).filter(currency=currency),
        status=Refund.Status.SUCCEEDED,
        refunded_at__gte=start,
        refunded_at__lt=end,
    )
    paid = payments.aggregate(s=Coalesce(Sum("amount"), 0))["s"]
    refunded = refunds.aggregate(s=Coalesce(Sum("amount"), 0))["s"]
    return paid, refunded


def revenue_summary(
    *, user: User, currency: str | None = None, months: int = 12, now: datetime | None = None
) -> RevenueSummary:
    """The revenue view's figures in ``currency`` (the business's by default).

    Months are calendar months in the business's time zone, the current one last.
    A fixed number of queries, whatever the amount of data.
    """
    now = now or timezone.now()
    tz = _business_tz()
    if currency is None:
        currency = getattr(getattr(connection, "tenant", None), "currency", None) or "USD"
    payments = payments_for(user=user)
    starts = _month_starts(now, months, tz)
    since = _month_start_dt(starts[0], tz)

    by_month = {start: MonthRevenue(month=start) for start in starts}
    paid_rows = (
        payments.filter(status=Payment.Status.SUCCEEDED, currency=currency, paid_at__gte=since)
        .annotate(m=TruncMonth("paid_at", tzinfo=tz))
        .values("m")
        .annotate(s=Sum("amount"))
    )
    for row in paid_rows:
        by_month[row["m"].date() if isinstance(row["m"], datetime) else row["m"]].paid = row["s"]
    refunds = Refund.objects.filter(
        payment__in=payments.filter(currency=currency),
        status=Refund.Status.SUCCEEDED,
        refunded_at__gte=since,
    )
    refund_rows = (
        refunds.annotate(m=TruncMonth("refunded_at", tzinfo=tz))
        .values("m")
        .annotate(s=Sum("amount"))
    )
    for row in refund_rows:
        key = row["m"].date() if isinstance(row["m"], datetime) else row["m"]
        by_month[key].refunded = row["s"]

    products: dict[str, ProductRevenue] = {}
    for row in (
        payments.filter(status=Payment.Status.SUCCEEDED, currency=currency, paid_at__gte=since)
        .values("purchase__product__name")
        .annotate(s=Sum("amount"), n=Count("pk"))
    ):
        name = row["purchase__product__name"] or ""
        products[name] = ProductRevenue(name=name, paid=row["s"], count=row["n"])
    for row in refunds.values("payment__purchase__product__name").annotate(s=Sum("amount")):
        name = row["payment__purchase__product__name"] or ""
        products.setdefault(name, ProductRevenue(name=name)).refunded = row["s"]

    monthly = Purchase.objects.filter(
        product__kind="monthly",
        status__in=[Purchase.Status.ACTIVE, Purchase.Status.PAST_DUE],
        currency=currency,
    )
    if billing_role(user=user) != OWNER:
        monthly = monthly.filter(client__in=client_queryset_for(user=user))
    mrr = monthly.aggregate(s=Coalesce(Sum("amount"), 0), n=Count("pk"))

    open_invoices = invoice_queryset_for(user=user).filter(
        status=Invoice.Status.OPEN, currency=currency
    )
    outstanding = open_invoices.aggregate(
        s=Coalesce(Sum("total"), 0), n=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now))
    )
    failed = payments.filter(status=Payment.Status.FAILED, created_at__gte=since)
    others = sorted(
        set(
            payments.filter(status=Payment.Status.SUCCEEDED, paid_at__gte=since)
            .exclude(currency=currency)
            .values_list("currency", flat=True)
        )
    )
    return RevenueSummary(
        currency=currency,
        mrr=mrr["s"],
        active_subscriptions=mrr["n"],
        months=[by_month[start] for start in starts],
        products=sorted(products.values(), key=lambda p: (-p.net, p.name)),
        outstanding_total=outstanding["s"],
        outstanding_count=outstanding["n"],
        overdue_count=outstanding["late"],
        outstanding=list(open_invoices.order_by("due_at", "pk")[:20]),
        failed_count=failed.count(),
        failed=list(failed.order_by("-created_at")[:20]),
        other_currencies=others,
    )
