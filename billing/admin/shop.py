"""Billing in the back office: the shop's lists.

- Products (owner): prices typed as "60.00" in the business's currency
  (``billing.forms.ProductForm``); saved through the services and pushed to the
  connected Stripe account. The list links to the Payments settings page
  (``backoffice/views/connect.py``).
- Purchases: balances, "use a session"; payments: read, with links to record an
  offline payment and to refund (``backoffice/views/payments.py``); Stripe
  events: what arrived, what failed, process again.

The owner sees everything; a coach sees purchases and payments of their own
clients only when the owner allows it (``BillingSettings.coaches_see_billing``)
and never changes products, payments or refunds.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policies import BillingAdminMixin, OwnerAdminMixin, is_owner, sees_billing
from mectofitness.core.admin_registry import register_in_backoffice

from ..forms import ProductForm
from ..models import Payment, Product, Purchase, Refund, SessionUse, StripeEvent
from ..selectors import payments_for, purchases_for
from ..services import balances, common, products, webhooks
from ..services.money import money_format

# --- products ------------------------------------------------------------------------


class OwnerOnly(OwnerAdminMixin):
    def has_delete_permission(self, request, obj=None):
        return False  # billing records are kept: products go off sale, rates archived


class ProductAdmin(OwnerOnly, admin.ModelAdmin):
    form = ProductForm
    list_display = ["name", "kind", "price_display", "sessions", "is_active", "position", "stripe"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    change_list_template = "billing/backoffice/shop_product_changelist.html"

    @admin.display(description=gettext_lazy("price"), ordering="amount")
    def price_display(self, obj):
        suffix = _(" / month") if obj.kind == Product.Kind.MONTHLY else ""
        return money_format(obj.amount, obj.currency) + suffix

    @admin.display(description=gettext_lazy("on Stripe"), boolean=True)
    def stripe(self, obj):
        return bool(obj.stripe_price_id)

    def save_model(self, request, obj, form, change):
        details = form.product_details()
        if change:
            saved = products.product_update(product=obj, by=request.user, details=details)
        else:
            saved = products.product_create(by=request.user, details=details)
        obj.pk = saved.pk
        obj.__dict__.update(saved.__dict__)
        try:
            products.product_stripe_sync(product=saved)
        except ValidationError as exc:
            messages.warning(
                request,
                _(
                    "Saved, but Stripe could not be updated yet: %(error)s "
                    "It is retried at checkout."
                )
                % {"error": " ".join(exc.messages)},
            )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # a service refused what the form let through (say, a sold product's kind)
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        business = common.current_business()
        extra = {
            "connect_url": reverse("backoffice:billing_connect"),
            "is_connected": bool(business.stripe_account_id),
            "charges_enabled": business.stripe_charges_enabled,
        }
        return super().changelist_view(request, {**extra, **(extra_context or {})})


# --- purchases and session balances ----------------------------------------------------


class SessionUseInline(admin.TabularInline):
    model = SessionUse
    extra = 0
    can_delete = False
    fields = ["created_at", "delta", "reference", "reason", "created_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return sees_billing(request.user, request=request)


class PurchaseAdmin(BillingAdminMixin, admin.ModelAdmin):
    list_display = [
        "client",
        "product",
        "status",
        "balance",
        "expires_at",
        "period_ends_at",
        "created_at",
    ]
    list_filter = ["status", "product__kind", "product"]
    search_fields = ["client__first_name", "client__last_name", "client__email", "product__name"]
    list_select_related = ["client", "product"]
    inlines = [SessionUseInline]
    actions = ["use_session"]
    readonly_fields = [
        "client",
        "product",
        "status",
        "amount_display",
        "sessions_total",
        "sessions_used",
        "starts_at",
        "expires_at",
        "period_ends_at",
        "stripe_checkout_session_id",
        "stripe_subscription_id",
        "created_by",
        "created_at",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        return purchases_for(user=request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not sees_billing(request.user, request=request):
            actions.pop("use_session", None)
        return actions

    @admin.display(description=gettext_lazy("sessions left"))
    def balance(self, obj):
        if obj.sessions_total is None:
            return "—"
        return f"{obj.sessions_left} / {obj.sessions_total}"

    @admin.display(description=gettext_lazy("amount"))
    def amount_display(self, obj):
        return money_format(obj.amount, obj.currency)

    @admin.action(description=gettext_lazy("Use a session from the selected packs"))
    def use_session(self, request, queryset):
        used = 0
        for purchase in queryset.filter(sessions_total__isnull=False):
            try:
                balances.session_draw(
                    client=purchase.client,
                    purchase=purchase,
                    reference="",
                    by=request.user,
                    reason=_("Used in the back office"),
                )
                used += 1
            except ValidationError as exc:
                messages.error(request, f"{purchase}: {' '.join(exc.messages)}")
        if used:
            messages.success(request, _("%(n)d session(s) used.") % {"n": used})


# --- payments: offline records and refunds --------------------------------------------


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ["created_at", "amount_display", "status", "reason", "stripe_refund_id", "created_by"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("amount"))
    def amount_display(self, obj):
        return money_format(obj.amount, obj.payment.currency)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return sees_billing(request.user, request=request)


class PaymentAdmin(BillingAdminMixin, admin.ModelAdmin):
    list_display = ["when", "client", "what", "amount_display", "method", "status", "refunded"]
    list_filter = ["status", "method"]
    search_fields = ["client__first_name", "client__last_name", "client__email", "note"]
    list_select_related = ["client", "purchase__product", "invoice"]
    inlines = [RefundInline]
    change_list_template = "billing/backoffice/shop_payment_changelist.html"
    change_form_template = "billing/backoffice/shop_payment_change_form.html"
    readonly_fields = [
        "client",
        "purchase",
        "invoice",
        "amount_display",
        "method",
        "status",
        "refunded",
        "paid_at",
        "failure_message",
        "note",
        "stripe_payment_intent_id",
        "stripe_invoice_id",
        "recorded_by",
        "created_at",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        return payments_for(user=request.user)

    @admin.display(description=gettext_lazy("date"), ordering="paid_at")
    def when(self, obj):
        return (obj.paid_at or obj.created_at).date()

    @admin.display(description=gettext_lazy("for"))
    def what(self, obj):
        return obj.purchase.product.name if obj.purchase_id else (obj.note or "—")

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def amount_display(self, obj):
        return money_format(obj.amount, obj.currency)

    @admin.display(description=gettext_lazy("refunded"))
    def refunded(self, obj):
        return money_format(obj.refunded_amount, obj.currency) if obj.refunded_amount else "—"

    def changelist_view(self, request, extra_context=None):
        extra = {"can_record": is_owner(request.user)}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        payment = (
            self.get_queryset(request).filter(pk=object_id).first()
            if str(object_id).isdigit()
            else None
        )
        if payment is not None and is_owner(request.user):
            left = payment.amount - payment.refunded_amount
            if payment.status == Payment.Status.SUCCEEDED and left > 0:
                extra["refund_url"] = reverse(
                    "backoffice:billing_payment_refund", args=[payment.pk]
                )
                extra["refund_left"] = money_format(left, payment.currency)
        return super().change_view(request, object_id, form_url, extra)


# --- Stripe events ---------------------------------------------------------------------


class StripeEventAdmin(OwnerOnly, admin.ModelAdmin):
    """Every Connect event Stripe sent for this business; failures are kept with their
    error and attempts, and can be processed again."""

    list_display = ["received_at", "type", "event_id", "processed", "attempts", "has_error"]
    list_filter = ["type"]
    search_fields = ["event_id", "type"]
    readonly_fields = [
        "event_id",
        "type",
        "stripe_created",
        "received_at",
        "processed_at",
        "attempts",
        "error",
        "payload",
    ]
    fields = readonly_fields
    actions = ["process_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("processed"), boolean=True)
    def processed(self, obj):
        return obj.processed_at is not None

    @admin.display(description=gettext_lazy("failed"), boolean=True)
    def has_error(self, obj):
        return bool(obj.error)

    @admin.action(description=gettext_lazy("Process the selected events again"))
    def process_again(self, request, queryset):
        if not is_owner(request.user):
            raise PermissionDenied
        done = sum(
            1 for event in queryset if webhooks.stripe_event_retry(event=event, by=request.user)
        )
        messages.info(request, _("%(n)d event(s) processed.") % {"n": done})


register_in_backoffice(Product, ProductAdmin)
register_in_backoffice(Purchase, PurchaseAdmin)
register_in_backoffice(Payment, PaymentAdmin)
register_in_backoffice(StripeEvent, StripeEventAdmin)
