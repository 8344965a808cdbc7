"""Billing in the back office: the shop.

- Products (owner): prices typed as "60.00" in the business's currency; saved
  through the services and pushed to the connected Stripe account.
- Payments settings (owner): connect Stripe (link an existing account through
  OAuth, or create one through Express onboarding), refresh, disconnect.
  Mounted under the products' URLs: ``backoffice:billing_connect``.
- Purchases: balances, "use a session"; payments: record an offline payment,
  refund; Stripe events: what arrived, what failed, process again.

The owner sees everything; a coach sees purchases and payments of their own
clients only when the owner allows it (``BillingSettings.coaches_see_billing``)
and never changes products, payments or refunds.
"""

import datetime as dt
import secrets

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policies import BillingAdminMixin, OwnerAdminMixin, is_owner, sees_billing
from clients.models import Client
from mectofitness.core.admin_registry import register_in_backoffice
from mectofitness.core.context_processors import public_url
from mectofitness.core.forms import form_errors_add

from ..models import Payment, Product, Purchase, Refund, SessionUse, StripeEvent
from ..selectors import billing_clients_for, payments_for, purchases_for
from ..services.balances import session_draw
from ..services.common import current_business
from ..services.connect import (
    connect_disconnect,
    connect_express_start,
    connect_oauth_complete,
    connect_oauth_url,
    connect_refresh,
)
from ..services.money import currency_exponent, money_decimal, money_format, money_parse
from ..services.payments import OFFLINE_METHODS, payment_record_offline
from ..services.products import (
    ProductDetails,
    product_create,
    product_stripe_sync,
    product_update,
)
from ..services.refunds import payment_refund
from ..services.webhooks import stripe_event_retry

NONCE_KEY = "billing_connect_nonce"


def _currency() -> str:
    return getattr(getattr(connection, "tenant", None), "currency", None) or "USD"


def _can_see(request) -> bool:
    """The owner, or a coach when the owner lets coaches see billing (their clients')."""
    return sees_billing(request.user, request=request)


class MoneyField(forms.CharField):
    """An amount typed by a person ("60.00") in ``currency``, cleaned to minor units."""

    def __init__(self, *args, currency: str = "USD", **kwargs):
        self.currency = currency
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(inputmode="decimal", autocomplete="off")

    def prepare_value(self, value):
        if isinstance(value, int):
            return str(money_decimal(value, self.currency))
        return value

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        return money_parse(value, self.currency)


# --- products ------------------------------------------------------------------------


class ProductForm(forms.ModelForm):
    price = MoneyField(label=gettext_lazy("Price"))

    class Meta:
        model = Product
        fields = [
            "name",
            "kind",
            "price",
            "sessions",
            "valid_days",
            "description",
            "tax_rate",
            "is_active",
            "position",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        currency = self.instance.currency if self.instance.pk else _currency()
        self.fields["price"].currency = currency
        self.fields["price"].help_text = _("In %(currency)s, e.g. 60.00.") % {"currency": currency}
        if self.instance.pk:
            self.initial["price"] = str(money_decimal(self.instance.amount, currency))
        self.fields["sessions"].help_text = _("Packs only: how many sessions the pack holds.")

    def clean_price(self):
        amount = self.cleaned_data.get("price")
        if amount is None or amount <= 0:
            raise ValidationError(_("Enter a price above zero."))
        return amount

    def _post_clean(self):
        # the service validates and saves; the model's own checks run there
        pass


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
        data = {
            field: form.cleaned_data.get(field) for field in form.Meta.fields if field != "price"
        }
        data["amount"] = form.cleaned_data["price"]
        if change:
            saved = product_update(product=obj, by=request.user, details=ProductDetails(**data))
        else:
            saved = product_create(by=request.user, details=ProductDetails(**data))
        obj.pk = saved.pk
        obj.__dict__.update(saved.__dict__)
        try:
            product_stripe_sync(product=saved)
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
        business = current_business()
        extra = {
            "connect_url": reverse("backoffice:billing_connect"),
            "is_connected": bool(business.stripe_account_id),
            "charges_enabled": business.stripe_charges_enabled,
        }
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("connect/", wrap(self.connect_view), name="billing_connect"),
            path("connect/oauth/", wrap(self.connect_oauth_view), name="billing_connect_oauth"),
            path(
                "connect/express/return/",
                wrap(self.connect_express_return_view),
                name="billing_connect_express_return",
            ),
            path(
                "connect/express/refresh/",
                wrap(self.connect_express_refresh_view),
                name="billing_connect_express_refresh",
            ),
            *super().get_urls(),
        ]

    # --- Payments settings: Stripe Connect ---------------------------------------------

    def _owner_or_403(self, request):
        if not is_owner(request.user):
            context = {**self.admin_site.each_context(request), "title": _("Payments")}
            return render(request, "backoffice/settings_owner_only.html", context, status=403)
        return None

    def _connect_back(self):
        return redirect("backoffice:billing_connect")

    def connect_view(self, request):
        """Payments settings: how clients pay this business (Stripe Connect)."""
        refused = self._owner_or_403(request)
        if refused:
            return refused
        business = current_business()
        if request.method == "POST":
            action = request.POST.get("action")
            try:
                if action == "link":
                    nonce = secrets.token_urlsafe(16)
                    request.session[NONCE_KEY] = nonce
                    return redirect(
                        connect_oauth_url(
                            business=business,
                            user=request.user,
                            redirect_uri=public_url("/stripe/connect/oauth/"),
                            nonce=nonce,
                        )
                    )
                if action == "express":
                    return redirect(self._express_link(request))
                if action == "refresh":
                    connect_refresh(business=business)
                    messages.success(request, _("Checked with Stripe."))
                elif action == "disconnect":
                    connect_disconnect(business=business, by=request.user)
                    messages.success(
                        request,
                        _(
                            "Stripe is disconnected. "
                            "Clients cannot pay by card until you connect again."
                        ),
                    )
                else:
                    messages.error(request, _("Choose what to do."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return self._connect_back()
        from django.conf import settings

        context = {
            **self.admin_site.each_context(request),
            "title": _("Payments"),
            "opts": self.model._meta,
            "business": business,
            "oauth_available": bool(settings.STRIPE_CONNECT_CLIENT_ID),
            "products_url": reverse("backoffice:billing_product_changelist"),
        }
        return render(request, "billing/backoffice/shop_connect.html", context)

    def _express_link(self, request) -> str:
        return connect_express_start(
            business=current_business(),
            user=request.user,
            return_url=request.build_absolute_uri(
                reverse("backoffice:billing_connect_express_return")
            ),
            refresh_url=request.build_absolute_uri(
                reverse("backoffice:billing_connect_express_refresh")
            ),
        )

    def connect_oauth_view(self, request):
        """Back from Stripe's OAuth page (via the public domain's fixed redirect URI)."""
        refused = self._owner_or_403(request)
        if refused:
            return refused
        if request.GET.get("error"):
            messages.error(
                request,
                _("Stripe did not connect the account: %(why)s")
                % {"why": request.GET.get("error_description") or request.GET["error"]},
            )
            return self._connect_back()
        try:
            connect_oauth_complete(
                business=current_business(),
                user=request.user,
                code=request.GET.get("code", ""),
                state=request.GET.get("state", ""),
                nonce=request.session.pop(NONCE_KEY, ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your Stripe account is connected."))
        return self._connect_back()

    def connect_express_return_view(self, request):
        refused = self._owner_or_403(request)
        if refused:
            return refused
        try:
            ready = connect_refresh(business=current_business())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if ready:
                messages.success(
                    request, _("Your Stripe account is ready: clients can pay by card.")
                )
            else:
                messages.warning(
                    request,
                    _(
                        "Stripe still needs some details before clients can pay. "
                        "Continue the set-up."
                    ),
                )
        return self._connect_back()

    def connect_express_refresh_view(self, request):
        """Stripe's onboarding link expired: make a new one for the account already
        made. Stripe sends the owner here with a GET, and a GET never creates an account:
        without one, this is the Payments page (its button, a POST, starts one)."""
        refused = self._owner_or_403(request)
        if refused:
            return refused
        if not current_business().stripe_account_id:
            return self._connect_back()
        try:
            return redirect(self._express_link(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self._connect_back()


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
        return _can_see(request)


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
        if not _can_see(request):
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
                session_draw(
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
        return _can_see(request)


class OfflinePaymentForm(forms.Form):
    client = forms.ModelChoiceField(queryset=Client.objects.none(), label=gettext_lazy("Client"))
    product = forms.ModelChoiceField(
        queryset=Product.objects.none(),
        required=False,
        label=gettext_lazy("For a product"),
        help_text=gettext_lazy("Optional: the client gets the product (a pack's sessions, etc.)."),
    )
    amount = MoneyField(
        required=False,
        label=gettext_lazy("Amount"),
        help_text=gettext_lazy("Leave empty to use the product's price."),
    )
    method = forms.ChoiceField(
        choices=[(m.value, m.label) for m in OFFLINE_METHODS], label=gettext_lazy("Paid by")
    )
    paid_on = forms.DateField(
        label=gettext_lazy("Paid on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(max_length=255, required=False, label=gettext_lazy("Note"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = billing_clients_for(user=user).order_by(
            "first_name", "last_name"
        )
        self.fields["product"].queryset = Product.objects.all()
        self.fields["amount"].currency = _currency()
        self.fields["amount"].help_text = _(
            "In %(currency)s. Leave empty to use the product's price."
        ) % {"currency": _currency()}
        self.initial.setdefault("paid_on", timezone.localdate())

    def clean(self):
        data = super().clean()
        if not data.get("amount") and not data.get("product") and "amount" not in self.errors:
            self.add_error("amount", _("Enter the amount received, or choose a product."))
        return data


class RefundForm(forms.Form):
    amount = MoneyField(
        required=False,
        label=gettext_lazy("Amount to refund"),
        help_text=gettext_lazy("Leave empty to refund everything that is left."),
    )
    reason = forms.CharField(max_length=255, required=False, label=gettext_lazy("Reason"))

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].currency = currency


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

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("record/", wrap(self.record_view), name="billing_payment_record"),
            path("<int:pk>/refund/", wrap(self.refund_view), name="billing_payment_refund"),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    def record_view(self, request):
        """Record money received by hand (cash, bank transfer), optionally for a product."""
        if not is_owner(request.user):
            raise PermissionDenied
        initial = {}
        if request.GET.get("client", "").isdigit():
            initial["client"] = int(request.GET["client"])
        form = OfflinePaymentForm(request.POST or None, user=request.user, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            paid_on = data["paid_on"]
            paid_at = None
            if paid_on != timezone.localdate():
                paid_at = timezone.make_aware(dt.datetime.combine(paid_on, dt.time(12)))
            try:
                payment = payment_record_offline(
                    client=data["client"],
                    product=data.get("product"),
                    amount=data.get("amount"),
                    method=data["method"],
                    paid_at=paid_at,
                    note=data.get("note", ""),
                    by=request.user,
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                messages.success(
                    request,
                    _("Recorded %(amount)s from %(client)s.")
                    % {
                        "amount": money_format(payment.amount, payment.currency),
                        "client": payment.client,
                    },
                )
                return redirect("backoffice:billing_payment_change", payment.pk)
        return render(
            request,
            "billing/backoffice/shop_payment_record.html",
            self._context(request, _("Record a payment"), form=form),
            status=400 if form.errors else 200,
        )

    def refund_view(self, request, pk):
        """Refund all or part of a payment (card: through Stripe; offline: recorded)."""
        if not is_owner(request.user):
            raise PermissionDenied
        payment = self.get_queryset(request).filter(pk=pk).first()
        if payment is None:
            raise Http404
        form = RefundForm(request.POST or None, currency=payment.currency)
        if request.method == "POST" and form.is_valid():
            try:
                refund = payment_refund(
                    payment=payment,
                    amount=form.cleaned_data.get("amount"),
                    reason=form.cleaned_data.get("reason", ""),
                    by=request.user,
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                messages.success(
                    request,
                    _("Refunded %(amount)s.")
                    % {"amount": money_format(refund.amount, payment.currency)},
                )
                return redirect("backoffice:billing_payment_change", payment.pk)
        left = payment.amount - payment.refunded_amount
        return render(
            request,
            "billing/backoffice/shop_payment_refund.html",
            self._context(
                request,
                _("Refund a payment"),
                form=form,
                payment=payment,
                paid=money_format(payment.amount, payment.currency),
                left=money_format(left, payment.currency),
                exponent=currency_exponent(payment.currency),
            ),
            status=400 if form.errors else 200,
        )


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
        done = sum(1 for event in queryset if stripe_event_retry(event=event, by=request.user))
        messages.info(request, _("%(n)d event(s) processed.") % {"n": done})


def shop_panel(*, client: Client, user) -> dict | None:
    """What the client page's billing panel shows ``user`` (None: nothing)."""
    if not sees_billing(user):
        return None
    purchases = list(
        Purchase.objects.filter(client=client)
        .exclude(status__in=[Purchase.Status.PENDING, Purchase.Status.CANCELLED])
        .select_related("product")[:10]
    )
    packs = [
        p for p in purchases if p.sessions_total is not None and p.status == Purchase.Status.ACTIVE
    ]
    return {
        "purchases": purchases,
        "sessions_left": sum(p.sessions_left or 0 for p in packs),
        "packs": packs,
        "is_owner": is_owner(user),
        "record_url": reverse("backoffice:billing_payment_record") + f"?client={client.pk}",
        "purchases_url": reverse("backoffice:billing_purchase_changelist")
        + f"?client__id__exact={client.pk}",
        "payments_url": reverse("backoffice:billing_payment_changelist")
        + f"?client__id__exact={client.pk}",
    }


register_in_backoffice(Product, ProductAdmin)
register_in_backoffice(Purchase, PurchaseAdmin)
register_in_backoffice(Payment, PaymentAdmin)
register_in_backoffice(StripeEvent, StripeEventAdmin)
