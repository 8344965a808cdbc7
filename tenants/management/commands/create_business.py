from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from mectofitness.core.context_processors import business_url
from tenants.schemas import SchemaStateError
from tenants.services import business_provision


class Command(BaseCommand):
    help = "Provision a business (schema, domain and owner) the way sign-up does."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--owner-password", required=True)
        parser.add_argument("--owner-first-name", default="")
        parser.add_argument("--owner-last-name", default="")
        parser.add_argument("--timezone", default="UTC")
        parser.add_argument("--currency", default="USD")

    def handle(self, *args, **options):
        try:
            provisioned = business_provision(
                name=options["name"],
                slug=options["slug"],
                owner_email=options["owner_email"],
                owner_password=options["owner_password"],
                owner_first_name=options["owner_first_name"],
                owner_last_name=options["owner_last_name"],
                timezone_name=options["timezone"],
                currency=options["currency"].upper(),
            )
        except ValidationError as exc:
            messages = (
                "; ".join(
                    f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items()
                )
                if hasattr(exc, "error_dict")
                else " ".join(exc.messages)
            )
            raise CommandError(messages) from exc
        except SchemaStateError as exc:
            raise CommandError(str(exc)) from exc
        business = provisioned.business
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {business.name} ({'warm' if provisioned.warm else 'cold'}): "
                f"{business_url(business.slug, '/admin/')}"
            )
        )
