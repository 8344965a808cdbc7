"""Billing use cases inside a business, one module per use case: ``connect`` (the
business's Stripe account), ``products``, ``checkout``, ``subscriptions`` (monthly
coaching), ``payments`` (offline), ``refunds``, ``balances`` (sessions left),
``housekeeping``, ``webhooks`` (Connect events), ``portal`` (the client's card),
``invoices`` (numbering, totals, PDF, e-mail); ``common`` and ``purchases`` hold
what they share, ``money`` the amounts."""
