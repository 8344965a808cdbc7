"""The local Stripe stand-in: Stripe's REST API in memory, for tests and `make run`.

- ``server``: the stand-in itself (``StripeStandIn``), Stripe's signatures and hosted pages;
- ``connect``: the routes and helpers of Stripe Connect (businesses' own accounts, the shop);
- ``platform``: seeding it with our plans and pointing its webhooks at dj-stripe;
- ``serve`` (``python -m devtools.stripe_standin --port=12111 --site=http://localhost:8000``):
  the dev runner's long-running stand-in, plans seeded, webhooks to the local site.
"""
