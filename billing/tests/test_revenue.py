"""Revenue from the ledger: it adds up to the paid invoices minus refunds, to the cent."""

import datetime as dt

from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.models import Invoice, Payment, Purchase, Refund
from billing.selectors import revenue_between, revenue_summary
from billing.services.payments import payment_record_offline
from billing.services.refunds import payment_refund
from billing.tests.factories import ProductFactory

ledger = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=500_000),  # amount paid
        st.integers(min_value=0, max_value=360),  # days ago
        st.integers(min_value=0, max_value=100),  # percent refunded
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(entries=ledger)
def test_revenue_equals_paid_invoice_totals_minus_refunds(tenant, owner, client_record, entries):
    now = timezone.now()
    Refund.objects.all().delete()
    Payment.objects.all().delete()
    Invoice.objects.all().delete()
    for amount, days_ago, refund_pct in entries:
        payment = payment_record_offline(
            client=client_record,
            amount=amount,
            method="cash",
            by=owner,
            paid_at=now - dt.timedelta(days=days_ago, minutes=1),
        )
        refund = amount * refund_pct // 100
        if refund:
            payment_refund(payment=payment, amount=refund, by=owner)
    start, end = now - dt.timedelta(days=400), now + dt.timedelta(minutes=1)
    paid, refunded = revenue_between(user=owner, start=start, end=end, currency=tenant.currency)
    invoices = Invoice.objects.filter(status="paid", paid_at__gte=start, paid_at__lt=end)
    refunds = Refund.objects.filter(status="succeeded", refunded_at__gte=start, refunded_at__lt=end)
    assert paid == invoices.aggregate(s=Sum("total"))["s"]
    assert refunded == (refunds.aggregate(s=Sum("amount"))["s"] or 0)
    summary = revenue_summary(user=owner, now=now)
    in_year = (
        Invoice.objects.filter(
            status="paid",
            paid_at__gte=dt.datetime.combine(summary.months[0].month, dt.time(), dt.UTC),
        ).aggregate(s=Sum("total"))["s"]
        or 0
    )
    assert summary.total_net == in_year - refunded


def test_revenue_by_month_counts_a_payment_in_the_month_it_was_paid(tenant, owner, client_record):
    now = timezone.now()
    payment_record_offline(client=client_record, amount=1000, method="cash", by=owner, paid_at=now)
    summary = revenue_summary(user=owner, now=now)
    assert [m.net for m in summary.months][-1] == 1000
    assert sum(m.net for m in summary.months) == 1000


def test_a_refund_comes_off_the_month_it_was_made(tenant, owner, client_record):
    payment = payment_record_offline(client=client_record, amount=1000, method="cash", by=owner)
    payment_refund(payment=payment, amount=300, by=owner)
    month = revenue_summary(user=owner).months[-1]
    assert (month.paid, month.refunded, month.net) == (1000, 300, 700)


def test_mrr_sums_active_monthly_purchases(tenant, client_record):
    monthly = ProductFactory(name="Coaching", kind="monthly", amount=9900)
    Purchase.objects.create(
        client=client_record,
        product=monthly,
        amount=9900,
        currency=tenant.currency,
        status="active",
    )
    Purchase.objects.create(
        client=client_record,
        product=monthly,
        amount=9900,
        currency=tenant.currency,
        status="cancelled",
    )
    from accounts.models import User

    owner = User.objects.get(email="owner@acme.test")
    summary = revenue_summary(user=owner)
    assert (summary.mrr, summary.active_subscriptions) == (9900, 1)


def test_revenue_by_product_groups_payments_by_what_was_bought(tenant, owner, client_record):
    pack = ProductFactory(name="5 sessions", amount=2500, sessions=5)
    payment_record_offline(client=client_record, amount=None, method="cash", by=owner, product=pack)
    payment_record_offline(client=client_record, amount=700, method="cash", by=owner)
    products = {p.name: p.net for p in revenue_summary(user=owner).products}
    assert products == {"5 sessions": 2500, "": 700}


def test_failed_payments_are_counted(tenant, owner, client_record):
    Payment.objects.create(
        client=client_record,
        amount=100,
        currency=tenant.currency,
        method="card",
        status="failed",
        failure_message="Card declined",
    )
    summary = revenue_summary(user=owner)
    assert summary.failed_count == 1 and summary.failed[0].failure_message == "Card declined"


def test_a_coachs_revenue_counts_only_their_clients(
    tenant, owner, coach, client_record, stranger_record
):
    from billing.models import BillingSettings

    BillingSettings.objects.update_or_create(pk=1, defaults={"coaches_see_billing": True})
    payment_record_offline(client=client_record, amount=1000, method="cash", by=owner)
    payment_record_offline(client=stranger_record, amount=5000, method="cash", by=owner)
    assert revenue_summary(user=coach).total_net == 1000
    assert revenue_summary(user=owner).total_net == 6000
