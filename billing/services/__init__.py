"""Billing use cases inside a business, one module per concern: ``shop`` (products,
purchases, session balances, Stripe Connect and Checkout, payments, refunds) and
``invoices`` (numbering, totals, PDF, e-mail)."""
