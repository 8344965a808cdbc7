import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, connection
from django_tenants.utils import schema_exists, tenant_context

from tenants import schemas
from tenants.models import Business, Domain, PooledSchema, SchemaTemplate
from tenants.services import business_provision, slug_problem

pytestmark = [pytest.mark.citus, pytest.mark.django_db]


def provision(slug="peak", **overrides):
    kwargs = {
        "name": "Peak Coaching",
        "slug": slug,
        "owner_email": "Olivia@Peak.test",
        "owner_password": "a-strong-passphrase",
        "owner_first_name": "Olivia",
    }
    return business_provision(**(kwargs | overrides))


def test_it_creates_business_domain_schema_and_owner_from_the_pool():
    pooled_before = PooledSchema.objects.count()
    provisioned = provision()

    business = provisioned.business
    assert provisioned.warm
    assert business.schema_name == "b_peak"
    assert business.status == Business.Status.TRIAL
    assert business.trial_ends_at is not None
    assert Domain.objects.get(tenant=business).domain == "peak.localhost"
    assert schema_exists("b_peak")
    assert PooledSchema.objects.count() == pooled_before - 1
    with tenant_context(business):
        from accounts.models import User

        owner = User.objects.get()
        assert owner.email == "olivia@peak.test"
        assert owner.is_staff and owner.check_password("a-strong-passphrase")
        assert list(owner.groups.values_list("name", flat=True)) == ["owner"]


def test_the_owner_exists_only_in_their_own_schema(business):
    provision()
    from accounts.models import User

    with tenant_context(business):
        assert not User.objects.filter(email="olivia@peak.test").exists()


def test_it_builds_the_schema_from_the_template_when_the_pool_is_empty():
    PooledSchema.objects.all().delete()
    provisioned = provision()

    assert not provisioned.warm
    with tenant_context(provisioned.business):
        from django.contrib.auth.models import Group

        assert set(Group.objects.values_list("name", flat=True)) == {"owner", "coach", "client"}
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM django_migrations")
            assert cursor.fetchone()[0] > 10


def test_a_stale_pool_fails_loudly_and_creates_nothing():
    PooledSchema.objects.update(fingerprint="0" * 64)
    with pytest.raises(schemas.SchemaStateError, match="stale"):
        provision()
    assert not Business.objects.filter(slug="peak").exists()
    assert not schema_exists("b_peak")


def test_a_stale_template_fails_loudly_when_the_pool_is_empty():
    PooledSchema.objects.all().delete()
    SchemaTemplate.objects.update(fingerprint="0" * 64)
    schemas._template_sql.cache_clear()
    try:
        with pytest.raises(schemas.SchemaStateError, match="stale"):
            provision()
    finally:
        schemas._template_sql.cache_clear()
    assert not schema_exists("b_peak")


def test_a_missing_template_fails_loudly_when_the_pool_is_empty():
    PooledSchema.objects.all().delete()
    SchemaTemplate.objects.all().delete()
    schemas._template_sql.cache_clear()
    try:
        with pytest.raises(schemas.SchemaStateError, match="missing"):
            provision()
    finally:
        schemas._template_sql.cache_clear()


def test_a_failure_after_the_schema_was_claimed_leaves_nothing_behind():
    pooled_before = set(PooledSchema.objects.values_list("schema_name", flat=True))
    with pytest.raises(ValidationError):
        # the business row is validated after the pool schema was renamed
        provision(owner_email="x" * 250 + "@peak.test")
    assert not schema_exists("b_peak")
    assert not Business.objects.filter(slug="peak").exists()
    assert set(PooledSchema.objects.values_list("schema_name", flat=True)) == pooled_before
    assert all(schema_exists(name) for name in pooled_before)


def test_a_failure_creating_the_owner_leaves_no_business_domain_or_schema():
    with pytest.raises(DataError):
        provision(owner_first_name="O" * 200)
    assert not schema_exists("b_peak")
    assert not Business.objects.filter(slug="peak").exists()
    assert not Domain.objects.filter(domain="peak.localhost").exists()


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("", "Choose an address"),
        ("ab", "3 to 40"),
        ("a" * 41, "3 to 40"),
        ("Peak", "lower-case"),
        ("-peak", "starting and ending"),
        ("peak-", "starting and ending"),
        ("pe_ak", "lower-case letters, digits and hyphens"),
        ("pe ak", "lower-case letters, digits and hyphens"),
        ("péak", "lower-case letters, digits and hyphens"),
        ("pe--ak", "single hyphens"),
        ("www", "reserved"),
        ("admin", "reserved"),
        ("api", "reserved"),
        ("static", "reserved"),
        ("acme", "already taken"),
    ],
)
def test_it_refuses_bad_slugs_with_a_clear_message(business, slug, message):
    assert message in slug_problem(slug)
    with pytest.raises(ValidationError) as excinfo:
        provision(slug=slug)
    assert message in " ".join(excinfo.value.message_dict["slug"])


def test_a_free_slug_has_no_problem():
    assert slug_problem("peak-performance-2") is None


def test_the_pool_refills_to_its_size():
    PooledSchema.objects.all().delete()
    added = schemas.pool_fill(size=2)
    assert added == 2
    assert PooledSchema.objects.count() == 2
    assert schemas.pool_fill(size=2) == 0


def test_a_business_schema_holds_permissions_for_its_own_apps_only():
    provisioned = provision()
    with tenant_context(provisioned.business):
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        labels = set(ContentType.objects.values_list("app_label", flat=True))
        assert "accounts" in labels and "auth" in labels
        assert not labels & {"djstripe", "django_celery_beat", "tenants"}
        assert not Permission.objects.filter(content_type__app_label="djstripe").exists()
