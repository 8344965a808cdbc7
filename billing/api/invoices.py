"""API: invoices, their PDF, billing settings, tax rates and the revenue summary.

- ``/api/v1/invoices/``: read for whoever may see them (``invoice_queryset_for``:
  owner all, coach their clients' when the owner allows, client their own
  issued ones). The owner creates drafts (with lines) and issues, pays, voids
  or deletes them; ``pdf/`` returns the PDF.
- ``/api/v1/billing-settings/`` (GET, PATCH) and ``/api/v1/tax-rates/``: owner.
- ``/api/v1/revenue/``: owner.
Amounts are integers in minor units beside the ISO currency.
"""

from dataclasses import fields as dataclass_fields

from django.db.models import Max
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.policies import IsBillingOwner, ReadOrBillingOwnerWrites
from clients.selectors import client_queryset_for

from ..models import MAX_AMOUNT, BillingSettings, Invoice, InvoiceLine, Payment, TaxRate
from ..pdf import invoice_pdf_filename
from ..selectors import invoice_queryset_for, revenue_summary
from ..services.invoice_settings import (
    BillingSettingsDetails,
    billing_settings_update,
    tax_rate_save,
)
from ..services.invoices import (
    InvoiceLineSpec,
    billing_settings_get,
    invoice_create_draft,
    invoice_delete_draft,
    invoice_issue,
    invoice_pdf,
    invoice_update_draft,
    invoice_void,
)
from ..services.payments import invoice_mark_paid


class InvoiceLineSerializer(serializers.ModelSerializer):
    tax_rate = serializers.PrimaryKeyRelatedField(
        queryset=TaxRate.objects.all(), required=False, allow_null=True, write_only=True
    )
    unit_amount = serializers.IntegerField(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT)
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)

    class Meta:
        model = InvoiceLine
        fields = [
            "description",
            "quantity",
            "unit_amount",
            "tax_rate",
            "tax_name",
            "tax_rate_bp",
            "tax_inclusive",
            "net_amount",
            "tax_amount",
        ]
        read_only_fields = ["tax_name", "tax_rate_bp", "tax_inclusive", "net_amount", "tax_amount"]


class InvoiceSerializer(serializers.ModelSerializer):
    lines = InvoiceLineSerializer(many=True)
    client_name = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = [
            "id",
            "reference",
            "number",
            "status",
            "client",
            "client_name",
            "purchase",
            "currency",
            "subtotal",
            "tax_total",
            "total",
            "seller",
            "buyer",
            "notes",
            "lines",
            "issued_at",
            "due_at",
            "paid_at",
            "voided_at",
            "created_at",
        ]
        read_only_fields = [f for f in fields if f not in ("client", "notes", "lines")]

    def get_client_name(self, invoice) -> str:
        return str(invoice.client)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and "client" in fields and not fields["client"].read_only:
            fields["client"].queryset = client_queryset_for(user=request.user)
        return fields

    @staticmethod
    def _specs(lines: list[dict]) -> list[InvoiceLineSpec]:
        return [
            InvoiceLineSpec(
                description=line["description"],
                quantity=line["quantity"],
                unit_amount=line["unit_amount"],
                tax_rate=line.get("tax_rate"),
            )
            for line in lines
        ]

    def create(self, validated_data):
        return invoice_create_draft(
            client=validated_data["client"],
            lines=self._specs(validated_data.get("lines", [])),
            notes=validated_data.get("notes", ""),
            by=self.context["request"].user,
        )

    def update(self, instance, validated_data):
        lines = validated_data.get("lines")
        return invoice_update_draft(
            invoice=instance,
            by=self.context["request"].user,
            lines=self._specs(lines) if lines is not None else None,
            notes=validated_data.get("notes"),
        )


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class PaySerializer(serializers.Serializer):
    method = serializers.ChoiceField(
        choices=[Payment.Method.BANK_TRANSFER, Payment.Method.CASH, Payment.Method.OTHER]
    )
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class InvoiceViewSet(viewsets.ModelViewSet):
    serializer_class = InvoiceSerializer
    permission_classes = [ReadOrBillingOwnerWrites]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_fields: list[str] = []

    def get_queryset(self):
        invoices = invoice_queryset_for(user=self.request.user).prefetch_related("lines")
        wanted = self.request.query_params.get("status")
        if wanted in Invoice.Status.values:
            invoices = invoices.filter(status=wanted)
        return invoices.order_by("-created_at", "-pk")

    def perform_destroy(self, instance):
        invoice_delete_draft(invoice=instance, by=self.request.user)

    def _done(self, invoice):
        invoice = self.get_queryset().get(pk=invoice.pk)
        return Response(self.get_serializer(invoice).data)

    @extend_schema(request=None, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        """Number the draft, freeze it and e-mail it to the client."""
        return self._done(invoice_issue(invoice=self.get_object(), by=request.user))

    @extend_schema(request=VoidSerializer, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        """Cancel an open invoice; it keeps its number."""
        invoice = self.get_object()
        data = VoidSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(invoice_void(invoice=invoice, by=request.user, **data.validated_data))

    @extend_schema(request=PaySerializer, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        """Record an offline payment of the total and mark the invoice paid."""
        invoice = self.get_object()
        data = PaySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(
            invoice_mark_paid(invoice=invoice, by=request.user, **data.validated_data)
        )

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """The invoice as a PDF."""
        invoice = self.get_object()
        response = HttpResponse(
            invoice_pdf(invoice=invoice, business=request.tenant), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{invoice_pdf_filename(invoice)}"'
        patch_cache_control(response, private=True, no_store=True, max_age=0)
        return response


@extend_schema_serializer(many=False)  # one object, though served by a list route
class BillingSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = BillingSettings
        fields = BillingSettings.EDITABLE_FIELDS

    def validate_next_invoice_number(self, value):
        highest = Invoice.objects.aggregate(n=Max("number"))["n"] or 0
        if value <= highest:
            raise serializers.ValidationError(
                f"Invoice {highest} is already issued: start from {highest + 1} or later."
            )
        return value

    def validate_payment_terms_days(self, value):
        if value > 365:
            raise serializers.ValidationError("At most 365 days.")
        return value


class BillingSettingsViewSet(viewsets.ViewSet):
    """The business's invoice details, numbering and who sees billing (owner)."""

    permission_classes = [IsBillingOwner]
    serializer_class = BillingSettingsSerializer

    @extend_schema(responses=BillingSettingsSerializer)
    def list(self, request):
        return Response(BillingSettingsSerializer(billing_settings_get()).data)

    @extend_schema(request=BillingSettingsSerializer, responses=BillingSettingsSerializer)
    @action(detail=False, methods=["patch"], url_path="current")
    def current(self, request):
        """Change some settings: ``PATCH /billing-settings/current/``. The invoice counter
        only moves forward: a number below it (an invoice was issued meanwhile) keeps
        it, and the answer shows the counter as saved."""
        settings = billing_settings_get()
        serializer = BillingSettingsSerializer(settings, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        details = BillingSettingsDetails(
            **{
                f.name: data.get(f.name, getattr(settings, f.name))
                for f in dataclass_fields(BillingSettingsDetails)
            }
        )
        saved = billing_settings_update(
            by=request.user, details=details, next_invoice_number=data.get("next_invoice_number")
        )
        return Response(BillingSettingsSerializer(saved).data)


class TaxRateSerializer(serializers.ModelSerializer):
    rate_bp = serializers.IntegerField(min_value=0, max_value=10000)

    class Meta:
        model = TaxRate
        fields = ["id", "name", "rate_bp", "is_inclusive", "is_active"]


class TaxRateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Tax rates (owner). Never deleted: a rate that is no longer charged is made inactive."""

    serializer_class = TaxRateSerializer
    permission_classes = [IsBillingOwner]
    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = TaxRate.objects.all()

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = tax_rate_save(
            by=self.request.user,
            name=data["name"],
            rate_bp=data["rate_bp"],
            is_inclusive=data.get("is_inclusive", False),
            is_active=data.get("is_active", True),
        )

    def perform_update(self, serializer):
        rate, data = serializer.instance, serializer.validated_data
        serializer.instance = tax_rate_save(
            by=self.request.user,
            tax_rate=rate,
            **{
                name: data.get(name, getattr(rate, name))
                for name in ("name", "rate_bp", "is_inclusive", "is_active")
            },
        )


class RevenueMonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    paid = serializers.IntegerField()
    refunded = serializers.IntegerField()
    net = serializers.IntegerField()


class RevenueProductSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField()
    paid = serializers.IntegerField()
    refunded = serializers.IntegerField()
    net = serializers.IntegerField()


@extend_schema_serializer(many=False)  # one summary, though served by a list route
class RevenueSerializer(serializers.Serializer):
    currency = serializers.CharField()
    mrr = serializers.IntegerField()
    active_subscriptions = serializers.IntegerField()
    total_net = serializers.IntegerField()
    months = RevenueMonthSerializer(many=True)
    products = RevenueProductSerializer(many=True)
    outstanding_total = serializers.IntegerField()
    outstanding_count = serializers.IntegerField()
    overdue_count = serializers.IntegerField()
    failed_count = serializers.IntegerField()
    other_currencies = serializers.ListField(child=serializers.CharField())


class RevenueViewSet(viewsets.ViewSet):
    """The revenue summary of the last 12 months, from the ledger (owner)."""

    permission_classes = [IsBillingOwner]
    serializer_class = RevenueSerializer

    @extend_schema(responses=RevenueSerializer)
    def list(self, request):
        summary = revenue_summary(user=request.user)
        return Response(RevenueSerializer(summary).data, status=status.HTTP_200_OK)


def register(router) -> None:
    router.register("invoices", InvoiceViewSet, basename="invoice")
    router.register("billing-settings", BillingSettingsViewSet, basename="billing-settings")
    router.register("tax-rates", TaxRateViewSet, basename="tax-rate")
    router.register("revenue", RevenueViewSet, basename="revenue")
