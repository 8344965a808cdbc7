"""What a business sells its clients, and the ledger of what was paid.

Money is an integer amount in the currency's minor units (cents) beside an ISO
4217 code; never a float. The ledger is ``Payment`` and ``Refund``: revenue
figures are sums over it, so they add up to the invoices to the cent.

- ``Product``: a session pack, monthly coaching or a one-off, at a price.
- ``Purchase``: one client's purchase of a product: its session balance
  (packs), its period (monthly coaching renews), its Stripe references.
- ``SessionUse``: one session drawn from (or returned to) a pack's balance.
- ``Payment`` / ``Refund``: money in and back out, by card through Stripe on
  the business's connected account, or recorded by hand (cash, transfer).
- ``Invoice`` / ``InvoiceLine``: numbered per business without gaps when
  issued; amounts and the parties' details are frozen at issue.
- ``BillingSettings``: one row: the business's invoice details, numbering and
  payment terms. ``TaxRate``: the rates a business charges.
- ``StripeEvent``: each Stripe event for this business's connected account,
  stored once by its id so redelivery changes nothing twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone as djtz
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL
CLIENT = "clients.Client"
CURRENCY = Q(currency__regex=r"^[A-Z]{3}$")
# a sanity ceiling: 10 million in major units (cents for USD)
MAX_AMOUNT = 1_000_000_000


class TaxRate(models.Model):
    name = models.CharField(max_length=60, help_text=_("As printed on invoices, e.g. “VAT”."))
    # basis points: 2000 = 20.00 %
    rate_bp = models.PositiveIntegerField(_("rate (basis points)"))
    is_inclusive = models.BooleanField(
        _("included in prices"),
        default=False,
        help_text=_("On: prices already include this tax. Off: it is added on top."),
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(rate_bp__lte=10000), name="taxrate_at_most_100pct"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.rate_bp / 100:g}%"


class BillingSettings(models.Model):
    """The business's invoicing details (one row, pk=1)."""

    # what the owner may change, on the settings page and through the API alike
    EDITABLE_FIELDS = [
        "legal_name",
        "address",
        "tax_id",
        "email",
        "invoice_prefix",
        "next_invoice_number",
        "payment_terms_days",
        "default_tax_rate",
        "invoice_footer",
        "coaches_see_billing",
        "clients_may_cancel",
    ]

    legal_name = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True)
    tax_id = models.CharField(_("tax number"), max_length=60, blank=True)
    email = models.EmailField(blank=True)
    invoice_prefix = models.CharField(max_length=12, default="INV-")
    next_invoice_number = models.PositiveIntegerField(default=1)
    payment_terms_days = models.PositiveSmallIntegerField(default=14)
    default_tax_rate = models.ForeignKey(TaxRate, on_delete=models.SET_NULL, null=True, blank=True)
    invoice_footer = models.TextField(blank=True)
    # coaches may see payments and invoices of their own clients
    coaches_see_billing = models.BooleanField(default=False)
    # the business's cancellation rule: clients end monthly coaching themselves
    # (at the end of the paid month, in Stripe's customer portal), or ask
    clients_may_cancel = models.BooleanField(
        _("clients may cancel monthly purchases themselves"), default=True
    )
    # the customer portal's settings on the connected account (Stripe's
    # billing_portal.Configuration), kept in step with clients_may_cancel
    stripe_portal_configuration_id = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("billing settings")
        verbose_name_plural = _("billing settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="billingsettings_singleton"),
            models.CheckConstraint(
                condition=Q(next_invoice_number__gte=1), name="billingsettings_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Billing settings"))


class Product(models.Model):
    class Kind(models.TextChoices):
        SESSION_PACK = "pack", _("Pack of sessions")
        MONTHLY = "monthly", _("Monthly coaching")
        ONE_OFF = "one_off", _("One-off")

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.PositiveIntegerField(help_text=_("Price in minor units (cents)."))
    currency = models.CharField(max_length=3)
    sessions = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Sessions in the pack.")
    )
    valid_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Days a pack stays usable; empty: no expiry.")
    )
    tax_rate = models.ForeignKey(TaxRate, on_delete=models.PROTECT, null=True, blank=True)
    is_active = models.BooleanField(_("on sale"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    # the product and price on the business's connected Stripe account
    stripe_product_id = models.CharField(max_length=255, blank=True)
    stripe_price_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=djtz.now, editable=False)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0, amount__lte=MAX_AMOUNT), name="product_amount_range"
            ),
            models.CheckConstraint(condition=CURRENCY, name="product_currency_iso"),
            models.CheckConstraint(
                condition=(Q(kind="pack", sessions__gt=0) | (~Q(kind="pack") & Q(sessions=None))),
                name="product_sessions_only_for_packs",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Purchase(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Payment overdue")
        USED_UP = "used_up", _("Used up")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    client = models.ForeignKey(CLIENT, on_delete=models.PROTECT, related_name="purchases")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="purchases")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # frozen at purchase: later price changes never rewrite what was sold
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    sessions_total = models.PositiveSmallIntegerField(null=True, blank=True)
    sessions_used = models.PositiveSmallIntegerField(default=0)
    starts_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # monthly coaching: the current paid period ends here and renews
    period_ends_at = models.DateTimeField(null=True, blank=True)
    stripe_checkout_session_id = models.CharField(
        max_length=255, null=True, blank=True, unique=True
    )
    stripe_subscription_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    # the client as a customer of the business's Stripe account (card, portal)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    # monthly coaching cancelled at the end of its paid month: it ends then, unrenewed
    cancel_at = models.DateTimeField(null=True, blank=True)
    # the newest subscription invoice whose Connect event changed this purchase (Stripe
    # does not promise event order: an older invoice's event must not undo a newer one)
    stripe_invoice_id = models.CharField(max_length=255, blank=True)
    stripe_invoice_created = models.DateTimeField(null=True, blank=True)
    stripe_invoice_status = models.CharField(max_length=20, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=djtz.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__lte=MAX_AMOUNT), name="purchase_amount_max"),
            models.CheckConstraint(condition=CURRENCY, name="purchase_currency_iso"),
            models.CheckConstraint(
                condition=Q(sessions_total=None, sessions_used=0)
                | Q(sessions_used__lte=F("sessions_total")),
                name="purchase_sessions_within_pack",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} for {self.client}"

    @property
    def sessions_left(self) -> int | None:
        if self.sessions_total is None:
            return None
        return self.sessions_total - self.sessions_used


class SessionUse(models.Model):
    """A session drawn from a pack (+1 used) or given back (-1), with why."""

    purchase = models.ForeignKey(Purchase, on_delete=models.CASCADE, related_name="uses")
    delta = models.SmallIntegerField()
    reason = models.CharField(max_length=200, blank=True)
    # what drew the session, e.g. "booking:42"; a booking draws once
    reference = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=djtz.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(delta__in=[1, -1]), name="sessionuse_delta_one"),
        ]

    def __str__(self) -> str:
        return f"{'+' if self.delta > 0 else '-'}1 session ({self.reason or self.reference})"


class Invoice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        PAID = "paid", _("Paid")
        VOID = "void", _("Void")

    client = models.ForeignKey(CLIENT, on_delete=models.PROTECT, related_name="invoices")
    purchase = models.ForeignKey(
        Purchase, on_delete=models.SET_NULL, null=True, blank=True, related_name="invoices"
    )
    status = models.CharField(max_length=5, choices=Status.choices, default=Status.DRAFT)
    # given at issue from BillingSettings.next_invoice_number under a row lock: no gaps
    number = models.PositiveIntegerField(null=True, blank=True, unique=True)
    reference = models.CharField(max_length=30, blank=True)  # prefix + number, as printed
    currency = models.CharField(max_length=3)
    subtotal = models.IntegerField(default=0)  # net of tax
    tax_total = models.IntegerField(default=0)
    total = models.IntegerField(default=0)
    # the parties as they were at issue
    seller = models.JSONField(default=dict, blank=True)
    buyer = models.JSONField(default=dict, blank=True)
    notes = models.TextField(blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=djtz.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=CURRENCY, name="invoice_currency_iso"),
            models.CheckConstraint(
                condition=Q(total=F("subtotal") + F("tax_total")), name="invoice_total_adds_up"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", number=None, issued_at=None)
                | (~Q(status="draft") & Q(number__isnull=False, issued_at__isnull=False)),
                name="invoice_numbered_once_issued",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False), name="invoice_paid_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.reference or str(_("Draft invoice"))


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField(default=1)
    unit_amount = models.IntegerField()  # as priced (tax included if tax_inclusive)
    tax_name = models.CharField(max_length=60, blank=True)
    tax_rate_bp = models.PositiveIntegerField(default=0)
    tax_inclusive = models.BooleanField(default=False)
    net_amount = models.IntegerField(default=0)  # the line's amount before tax
    tax_amount = models.IntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="invoiceline_quantity_pos"),
            models.CheckConstraint(
                condition=Q(tax_rate_bp__lte=10000), name="invoiceline_tax_at_most_100pct"
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Payment(models.Model):
    class Method(models.TextChoices):
        CARD = "card", _("Card (Stripe)")
        CASH = "cash", _("Cash")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")

    client = models.ForeignKey(CLIENT, on_delete=models.PROTECT, related_name="payments")
    purchase = models.ForeignKey(
        Purchase, on_delete=models.SET_NULL, null=True, blank=True, related_name="payments"
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.SET_NULL, null=True, blank=True, related_name="payments"
    )
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=15, choices=Method.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # sum of succeeded refunds, kept in step by the refund service under a row lock
    refunded_amount = models.PositiveIntegerField(default=0)
    stripe_payment_intent_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_invoice_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    failure_message = models.CharField(max_length=255, blank=True)
    note = models.CharField(max_length=255, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=djtz.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0, amount__lte=MAX_AMOUNT), name="payment_amount_range"
            ),
            models.CheckConstraint(condition=CURRENCY, name="payment_currency_iso"),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("amount")), name="payment_refund_within_amount"
            ),
            models.CheckConstraint(
                condition=~Q(status="succeeded") | Q(paid_at__isnull=False),
                name="payment_succeeded_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount / 100:.2f} {self.currency} ({self.get_method_display()})"

    @property
    def net_amount(self) -> int:
        return self.amount - self.refunded_amount


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveIntegerField()
    reason = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    stripe_refund_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=djtz.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Refund of {self.amount} on {self.payment}"


class StripeEvent(models.Model):
    """A Stripe event on this business's connected account, kept once by its id."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    stripe_created = models.DateTimeField()
    payload = models.JSONField()
    received_at = models.DateTimeField(default=djtz.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
