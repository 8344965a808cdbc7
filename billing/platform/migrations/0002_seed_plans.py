"""The three plans we sell, with our limits. Prices at Stripe are linked by plans_sync."""

from django.db import migrations

PLANS = [
    {
        "key": "solo",
        "name": "Solo",
        "blurb": "For the independent coach.",
        "features": [
            "Up to 30 active clients",
            "1 coach",
            "Programs, check-ins and booking",
            "Branded client app",
        ],
        "max_active_clients": 30,
        "max_coaches": 1,
        "storage_mb": 2_048,
        "price_amount": 2_900,
        "order": 1,
    },
    {
        "key": "studio",
        "name": "Studio",
        "blurb": "For a studio with a team.",
        "features": [
            "Up to 150 active clients",
            "Up to 5 coaches",
            "Online payments and packages",
            "Automations",
        ],
        "max_active_clients": 150,
        "max_coaches": 5,
        "storage_mb": 10_240,
        "price_amount": 7_900,
        "order": 2,
        "is_featured": True,
    },
    {
        "key": "gym",
        "name": "Gym",
        "blurb": "For gyms and multi-coach teams.",
        "features": [
            "Unlimited clients",
            "Up to 25 coaches",
            "API and webhooks",
            "Priority support",
        ],
        "max_active_clients": None,
        "max_coaches": 25,
        "storage_mb": 51_200,
        "price_amount": 19_900,
        "order": 3,
    },
]


def add(apps, schema_editor):
    Plan = apps.get_model("platform_billing", "Plan")
    for plan in PLANS:
        Plan.objects.update_or_create(key=plan["key"], defaults={**plan, "price_currency": "USD"})


def remove(apps, schema_editor):
    apps.get_model("platform_billing", "Plan").objects.filter(
        key__in=[p["key"] for p in PLANS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("platform_billing", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
