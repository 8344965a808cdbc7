"""Make sure the demo business exists, with people to sign in as, and print their logins."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django_tenants.utils import tenant_context

from accounts.models import User
from accounts.roles import CLIENT, COACH
from billing.demo import billing_demo_seed
from clients.demo import clients_demo_roster_seed, clients_demo_seed
from clients.models import Client
from mectofitness.core.context_processors import business_url, public_url
from messaging.demo import messaging_demo_seed
from programs.demo import training_demo_roster_seed, training_demo_seed
from scheduling.demo import scheduling_demo_seed
from tenants.models import Business
from tenants.services import business_provision

DEMO_SLUG = "demo"
DEMO_PASSWORD = "demo-pass-2026"
PLATFORM_ADMIN = "admin@mectofitness.dev"
PEOPLE = [
    # email, first, last, role, staff
    ("owner@demo.mectofitness.dev", "Olivia", "Owens", None, True),
    ("coach@demo.mectofitness.dev", "Carlos", "Mendes", COACH, True),
    ("client@demo.mectofitness.dev", "Chloe", "Nguyen", CLIENT, False),
]


def demo_data_seed(
    *, owner: User, coach: User, client_user: User, roster: bool = True
) -> Client | None:
    """The demo's data, each app's part in turn, in the current business (each part is
    added once): Chloe (``client_user``'s record) coached by ``coach`` and the other
    clients, her training, with ``roster`` thirty more clients, then billing,
    scheduling and messages. Returns Chloe's record. Tests that want "what the demo
    makes" call it too, without the roster."""
    clients_demo_seed(coaches=[coach, owner], owner=owner, client_user=client_user)
    chloe = Client.objects.filter(user=client_user).first()
    if chloe is not None:
        training_demo_seed(client=chloe, coach=coach, owner=owner)
    if roster:
        # a busy coach's roster: thirty more clients, on programs, logging workouts and
        # sending check-ins (added once, also to a demo made before it)
        with transaction.atomic():
            clients = clients_demo_roster_seed(coaches=[coach, owner], owner=owner)
            training_demo_roster_seed(clients=clients, coach=coach, owner=owner)
    payers = list(Client.objects.filter(status=Client.Status.ACTIVE).order_by("pk")[:4])
    billing_demo_seed(owner=owner, clients=payers)
    scheduling_demo_seed(owner=owner, coach=coach, chloe=chloe)
    messaging_demo_seed(coach=coach, chloe=chloe)
    return chloe


class Command(BaseCommand):
    help = "Create the demo business and its people (idempotent) and print the logins."

    def handle(self, *args, **options):
        business = Business.objects.filter(slug=DEMO_SLUG).first()
        if business is None:
            owner_email, first, last, _role, _staff = PEOPLE[0]
            business = business_provision(
                name="Peak Performance Coaching",
                slug=DEMO_SLUG,
                owner_email=owner_email,
                owner_password=DEMO_PASSWORD,
                owner_first_name=first,
                owner_last_name=last,
                timezone_name="Europe/London",
                currency="GBP",
                welcome=False,
            ).business
        with tenant_context(business):
            for email, first, last, role, staff in PEOPLE[1:]:
                user, created = User.objects.get_or_create(
                    email=email,
                    defaults={"first_name": first, "last_name": last, "is_staff": staff},
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save()
                    user.groups.add(Group.objects.get(name=role))
            # demo addresses cannot receive mail: count them as verified
            for user in User.objects.all():
                EmailAddress.objects.update_or_create(
                    user=user, email=user.email, defaults={"verified": True, "primary": True}
                )

            demo_data_seed(
                owner=User.objects.get(email=PEOPLE[0][0]),
                coach=User.objects.get(email=PEOPLE[1][0]),
                client_user=User.objects.get(email=PEOPLE[2][0]),
            )

        # With the local Stripe stand-in (make run without a Stripe key), the demo
        # business's own Stripe account is connected, so clients can pay in the portal.
        if settings.STRIPE_API_BASE and not business.stripe_account_id:
            business.stripe_account_id = "acct_demopeakperformance"
            business.stripe_charges_enabled = True
            business.save(update_fields=["stripe_account_id", "stripe_charges_enabled"])

        if not User.objects.filter(email=PLATFORM_ADMIN).exists():
            User.objects.create_superuser(
                email=PLATFORM_ADMIN, password=DEMO_PASSWORD, first_name="Platform"
            )

        width = 64
        self.stdout.write("=" * width)
        self.stdout.write(f" MectoFitness is running: {public_url('/')}")
        self.stdout.write(f" Demo business back office: {business_url(DEMO_SLUG, '/admin/')}")
        self.stdout.write(f" Demo client portal:        {business_url(DEMO_SLUG, '/')}")
        self.stdout.write(f" Demo logins (password for all: {DEMO_PASSWORD})")
        for email, _first, _last, role, _staff in PEOPLE:
            self.stdout.write(f"   {role or 'owner':<7} {email}")
        self.stdout.write(f" Platform admin: {public_url('/admin/')}  {PLATFORM_ADMIN}")
        self.stdout.write("=" * width)
