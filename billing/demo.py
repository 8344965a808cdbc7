"""The demo business's billing: invoice details and VAT, three products, and a few
months of payments (each with its paid invoice), so the revenue view has figures
that add up to the invoices from the first start."""

import datetime as dt

from django.utils import timezone

from .models import BillingSettings, Product, TaxRate
from .services.payments import payment_record_offline
from .services.products import ProductDetails, product_create

PRODUCTS = [
    # name, kind, amount (minor units), sessions, valid days, description
    (
        "10-session pack",
        Product.Kind.SESSION_PACK,
        45000,
        10,
        180,
        "Ten one-to-one sessions, to book when it suits you. Valid for six months.",
    ),
    (
        "Monthly online coaching",
        Product.Kind.MONTHLY,
        12000,
        None,
        None,
        "Your program, weekly check-ins and messaging with your coach. Renews monthly.",
    ),
    (
        "12-week strength program",
        Product.Kind.ONE_OFF,
        8900,
        None,
        None,
        "A 12-week program written for you, with video reviews of your lifts.",
    ),
]

# (client index, product index, days ago, method)
PAYMENTS = [
    (0, 0, 75, "bank_transfer"),
    (1, 1, 62, "cash"),
    (2, 2, 40, "bank_transfer"),
    (3, 1, 32, "cash"),
    (3, 0, 12, "bank_transfer"),
    (0, 1, 2, "cash"),
]


def billing_demo_seed(*, owner, clients: list) -> int:
    """Seed once (skipped when products exist). Returns how many payments were made."""
    if Product.objects.exists():
        return 0
    vat = TaxRate.objects.create(name="VAT", rate_bp=2000, is_inclusive=True)
    settings, _ = BillingSettings.objects.get_or_create(pk=1)
    settings.legal_name = "Peak Performance Coaching Ltd"
    settings.address = "12 Market Street\nLondon\nEC1A 1AA"
    settings.email = "hello@peak.example"
    settings.tax_id = "GB123456789"
    settings.default_tax_rate = vat
    settings.invoice_prefix = "PPC-"
    settings.save()
    products = [
        product_create(
            by=owner,
            details=ProductDetails(
                name=name,
                kind=kind,
                amount=amount,
                sessions=sessions,
                valid_days=valid,
                description=text,
                tax_rate=vat,
                position=index,
            ),
        )
        for index, (name, kind, amount, sessions, valid, text) in enumerate(PRODUCTS)
    ]
    if not clients:
        return 0
    now = timezone.now()
    made = 0
    for client_index, product_index, days_ago, method in PAYMENTS:
        client = clients[client_index % len(clients)]
        product = products[product_index]
        payment_record_offline(
            client=client,
            amount=product.amount,
            method=method,
            by=owner,
            paid_at=now - dt.timedelta(days=days_ago),
            product=product,
            note="Demo payment",
            send=False,  # history: nobody is mailed an invoice for it today
        )
        made += 1
    return made
