"""Billing API: the shop (products, purchases, payments).

- ``/api/v1/products/``: everyone signed in here reads the products on sale;
  the owner also sees those off sale and creates and changes them. Prices
  travel as ``price`` (text in major units, "60.00") and ``amount`` (minor units).
- ``/api/v1/purchases/``: read; ``POST .../{id}/use-session/`` draws one session.
- ``/api/v1/payments/``: read; ``POST`` records an offline payment (owner);
  ``POST .../{id}/refund/`` refunds all or part of it (owner).

Who sees which purchases and payments: ``services.shop.purchases_for`` /
``payments_for`` (owner: all; coach: their clients when the owner allows;
client: their own). Writes go through the services, which check the role.
"""

import datetime as dt
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.policies import ReadOrOwnerWrites, is_owner
from clients.models import Client

from ..models import Payment, Product, Purchase, Refund, TaxRate
from ..selectors import billing_clients_for, payments_for, purchases_for
from ..services.balances import session_draw
from ..services.common import business_currency
from ..services.money import money_decimal, money_parse
from ..services.payments import OFFLINE_METHODS, payment_record_offline
from ..services.products import (
    ProductDetails,
    product_create,
    product_stripe_sync,
    product_update,
)
from ..services.refunds import payment_refund


class PriceField(serializers.CharField):
    """An amount as people type it ("60.00"), in minor units inside."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        if len(text) > 20:
            raise serializers.ValidationError(_("Enter an amount such as 12.50."))
        try:
            return money_parse(text, self.context.get("currency") or business_currency())
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


def _amount(value) -> int | None:
    """A parsed price, or None when left empty (0 stays 0: the service refuses it)."""
    return None if value in (None, "") else value


def _price_text(amount: int, currency: str) -> str:
    return str(money_decimal(amount, currency))


class ProductPriceField(PriceField):
    """The product's price: written as text in major units, read the same way."""

    def get_attribute(self, product):
        return product

    def to_representation(self, product):
        return _price_text(product.amount, product.currency)


class ProductSerializer(serializers.ModelSerializer):
    price = ProductPriceField(help_text='In major units, as text: "60.00"')
    tax_rate = serializers.PrimaryKeyRelatedField(
        queryset=TaxRate.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "description",
            "kind",
            "price",
            "amount",
            "currency",
            "sessions",
            "valid_days",
            "tax_rate",
            "is_active",
            "position",
        ]
        read_only_fields = ["id", "amount", "currency"]

    def validate_price(self, amount):
        if amount <= 0:
            raise serializers.ValidationError(_("Enter a price above zero."))
        return amount

    def validate(self, data):
        # the service checks the rest; the model's own checks would 500 on bad combinations
        return data


class ProductViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """What the business sells. Everyone here reads what is on sale; the owner writes."""

    serializer_class = ProductSerializer
    permission_classes = [ReadOrOwnerWrites]

    def get_queryset(self):
        products = Product.objects.select_related("tax_rate").order_by("position", "name")
        if getattr(self, "swagger_fake_view", False):
            return products.none()
        if not is_owner(self.request.user):
            products = products.filter(is_active=True)
        return products

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["currency"] = business_currency()
        return context

    def _details(self, serializer, product: Product | None = None) -> ProductDetails:
        """The validated fields as the product services take them; a partial update
        changes the given fields of ``product`` as it is."""
        data = dict(serializer.validated_data)
        if "price" in data:
            data["amount"] = data.pop("price")
        if product is None:
            return ProductDetails(**data)
        return replace(ProductDetails.of(product), **data)

    def perform_create(self, serializer):
        product = product_create(by=self.request.user, details=self._details(serializer))
        self._sync(product)
        serializer.instance = product

    def perform_update(self, serializer):
        product = product_update(
            product=serializer.instance,
            by=self.request.user,
            details=self._details(serializer, serializer.instance),
        )
        self._sync(product)
        serializer.instance = product

    def _sync(self, product):
        try:
            product_stripe_sync(product=product)
        except ValidationError:
            pass  # retried at checkout; the product itself is saved


class PurchaseSerializer(serializers.ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True)
    sessions_left = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Purchase
        fields = [
            "id",
            "client",
            "product",
            "product_name",
            "status",
            "amount",
            "currency",
            "sessions_total",
            "sessions_used",
            "sessions_left",
            "starts_at",
            "expires_at",
            "period_ends_at",
            "created_at",
        ]
        read_only_fields = fields


class SessionUseSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SessionUsedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    purchase = serializers.IntegerField()
    sessions_left = serializers.IntegerField(allow_null=True)


class PurchaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Purchases the requester may see; ``use-session`` draws one session from a pack."""

    serializer_class = PurchaseSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Purchase.objects.none()
        return purchases_for(user=self.request.user).order_by("-created_at")

    @extend_schema(request=SessionUseSerializer, responses={201: SessionUsedSerializer})
    @action(detail=True, methods=["post"], url_path="use-session")
    def use_session(self, request, pk=None):
        purchase = self.get_object()
        if not request.user.is_staff:
            return Response(
                {"detail": _("Only the business can use a session.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        serializer = SessionUseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        use = session_draw(
            client=purchase.client,
            purchase=purchase,
            reference=serializer.validated_data["reference"],
            by=request.user,
            reason=serializer.validated_data["reason"],
        )
        purchase.refresh_from_db()
        return Response(
            {"id": use.pk, "purchase": purchase.pk, "sessions_left": purchase.sessions_left},
            status=status.HTTP_201_CREATED,
        )


class RefundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Refund
        fields = ["id", "amount", "reason", "status", "refunded_at", "created_at"]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    refunds = RefundSerializer(many=True, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "client",
            "purchase",
            "invoice",
            "amount",
            "currency",
            "method",
            "status",
            "refunded_amount",
            "failure_message",
            "note",
            "paid_at",
            "created_at",
            "refunds",
        ]
        read_only_fields = fields


class OfflinePaymentSerializer(serializers.Serializer):
    client = serializers.PrimaryKeyRelatedField(queryset=Client.objects.none())
    product = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.all(), required=False, allow_null=True
    )
    price = PriceField(required=False, allow_blank=True)
    method = serializers.ChoiceField(choices=[m.value for m in OFFLINE_METHODS])
    paid_on = serializers.DateField(required=False)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["client"].queryset = billing_clients_for(user=request.user)

    def validate(self, data):
        if data.get("price") in (None, "") and not data.get("product"):
            raise serializers.ValidationError(
                {"price": [_("Enter the amount received, or choose a product.")]}
            )
        return data


class RefundRequestSerializer(serializers.Serializer):
    price = PriceField(required=False, allow_blank=True)
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True)


class PaymentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Payments the requester may see. POST records money received by hand (owner);
    ``refund`` gives back all or part of a payment (owner)."""

    serializer_class = PaymentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        return payments_for(user=self.request.user).prefetch_related("refunds")

    def get_serializer_class(self):
        if self.action == "create":
            return OfflinePaymentSerializer
        if self.action == "refund":
            return RefundRequestSerializer
        return PaymentSerializer

    def create(self, request, *args, **kwargs):
        if not is_owner(request.user):
            return Response(
                {"detail": _("Only the owner can record payments.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        serializer = OfflinePaymentSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        paid_at = None
        if data.get("paid_on") and data["paid_on"] != timezone.localdate():
            paid_at = timezone.make_aware(dt.datetime.combine(data["paid_on"], dt.time(12)))
        payment = payment_record_offline(
            client=data["client"],
            product=data.get("product"),
            amount=_amount(data.get("price")),
            method=data["method"],
            paid_at=paid_at,
            note=data.get("note", ""),
            by=request.user,
        )
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RefundRequestSerializer, responses={201: RefundSerializer})
    @action(detail=True, methods=["post"])
    def refund(self, request, pk=None):
        payment = self.get_object()
        if not is_owner(request.user):
            return Response(
                {"detail": _("Only the owner can refund.")}, status=status.HTTP_403_FORBIDDEN
            )
        serializer = RefundRequestSerializer(
            data=request.data, context={"currency": payment.currency}
        )
        serializer.is_valid(raise_exception=True)
        refund = payment_refund(
            payment=payment,
            amount=_amount(serializer.validated_data.get("price")),
            reason=serializer.validated_data.get("reason", ""),
            by=request.user,
        )
        return Response(RefundSerializer(refund).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("products", ProductViewSet, basename="billing-product")
    router.register("purchases", PurchaseViewSet, basename="billing-purchase")
    router.register("payments", PaymentViewSet, basename="billing-payment")
