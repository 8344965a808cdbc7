"""Property-based fuzzing of the business API against its own OpenAPI schema.

Schemathesis generates requests for every operation from the schema we publish
(valid ones and invalid ones), sends them to the site in-process as the owner, a
coach and a client of a seeded business, and checks every answer: no server error,
only documented status codes and content types, bodies that match the schema.

The run is bounded (a few examples per operation and mode, a fixed seed) so the
three roles take well under a minute together. A longer run, to look for new
problems:

    API_FUZZ_EXAMPLES=25 API_FUZZ_NEGATIVE_ROLES=owner,coach,client API_FUZZ_SEED=7 \
        make test ARGS=mectofitness/tests/test_api_fuzz.py
"""

import json
import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, Phase, given
from hypothesis import seed as hypothesis_seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from clients.tests.factories import PASSWORD, person_create

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "1"))
# Invalid requests cost ten times as much to make as valid ones (Hypothesis rejects
# most of what it draws): every role sends valid ones, these roles invalid ones too.
ROLES = ["owner", "coach", "client"]
NEGATIVE_ROLES = os.environ.get("API_FUZZ_NEGATIVE_ROLES", "owner").split(",")
SEED = int(os.environ.get("API_FUZZ_SEED", "20261206"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# the fuzzer must not revoke the token it signs in with
SKIPPED = {("DELETE", "/api/v1/tokens/{id}/")}


@contextmanager
def _wsgi_app():
    """Django's WSGI handler, keeping the test's database connection (and its
    transaction) across requests, as Django's test client does."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _schema_dict() -> dict:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    schema = SchemaGenerator(urlconf="mectofitness.urls_tenant").get_schema(
        request=None, public=True
    )
    return json.loads(OpenApiJsonRenderer().render(schema))


def _seed(business) -> dict:
    """The demo's people and data, and an API token per role."""
    from accounts.models import User
    from accounts.services import api_token_create
    from billing.demo import billing_demo_seed
    from clients.demo import clients_demo_seed
    from clients.models import Client
    from programs.demo import training_demo_seed

    with tenant_context(business):
        owner = User.objects.get(email=f"owner@{business.slug}.test")
        coach = person_create(email=f"coach@{business.slug}.test", role="coach", first_name="Cora")
        client_user = person_create(
            email=f"client@{business.slug}.test",
            role="client",
            first_name="Chloe",
            last_name="Nguyen",
        )
        clients_demo_seed(coaches=[coach, owner], owner=owner, client_user=client_user)
        client = Client.objects.get(user=client_user)
        training_demo_seed(client=client, coach=coach, owner=owner)
        payers = list(Client.objects.filter(status=Client.Status.ACTIVE).order_by("pk")[:4])
        billing_demo_seed(owner=owner, clients=payers)
        return {
            role: api_token_create(user=user, name="fuzz")[1]
            for role, user in (("owner", owner), ("coach", coach), ("client", client_user))
        }


def _known_ids(business) -> dict[str, list[int]]:
    """A few ids that exist, per collection of the router, so that generated requests
    reach real objects too (a random id is nearly always a 404)."""
    from mectofitness.urls_api import router
    from programs.models import MealPlan

    models = {"meal-plans": MealPlan}
    ids = {}
    with tenant_context(business):
        for prefix, viewset, _basename in router.registry:
            model = models.get(prefix) or getattr(
                getattr(getattr(viewset, "serializer_class", None), "Meta", None), "model", None
            )
            if model is not None:
                ids[prefix] = list(model.objects.order_by("pk").values_list("pk", flat=True)[:3])
    return ids


def _strategy(operation, mode: GenerationMode, ids: dict[str, list[int]]):
    strategy = operation.as_strategy(generation_mode=mode)
    prefix = operation.path.removeprefix("/api/v1/").split("/", 1)[0]
    if "{id}" in operation.path and ids.get(prefix):
        known = [
            operation.as_strategy(generation_mode=mode, path_parameters={"id": i})
            for i in ids[prefix]
        ]
        strategy = st.one_of(strategy, *known)
    return strategy


def _fuzz(operation, strategy, *, mode, app, host: str, tokens: dict[str, str]) -> str | None:
    """Run one operation's examples, each drawn once and sent as every role of
    ``tokens`` (the same requests each role's own run drew, for a third of the drawing);
    the first failure (shrunk), with the role it failed for, or None."""
    failing = {"role": ""}

    @hypothesis_settings(
        max_examples=EXAMPLES,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @hypothesis_seed(SEED)
    @given(case=strategy)
    def run(case):
        for role, token in tokens.items():
            # every request starts from the seeded data: one request's writes or a
            # failed statement never leak into the next
            savepoint = transaction.savepoint()
            try:
                response = case.call(
                    app=app,
                    base_url=f"https://{host}",  # as in production (no SSL redirect)
                    headers={"Authorization": f"Token {token}"},
                )
            finally:
                transaction.savepoint_rollback(savepoint)
                connection.set_schema_to_public()
            failing["role"] = role  # Hypothesis replays the shrunk failure last
            case.validate_response(response, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:  # no invalid request can be made (nothing to send wrong)
        if mode is not GenerationMode.NEGATIVE:
            raise
    except (Exception, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup too
        return (
            f"{operation.method.upper()} {operation.path} ({mode.value}, as the "
            f"{failing['role']}):\n{exc}"
        )
    return None


@pytest.fixture(scope="module")
def fuzzed_business(django_db_setup, django_db_blocker):
    """A business of its own with the demo's data, seeded once for the three roles
    (committed, in its own schema: nothing leaks into acme), dropped afterwards."""
    from tenants.services import business_provision

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        business = business_provision(
            name="Fuzz Fitness",
            slug="fuzz",
            owner_email="owner@fuzz.test",
            owner_password=PASSWORD,
            owner_first_name="Olivia",
            owner_last_name="Owens",
        ).business
        try:
            seeded = (business, _seed(business), _known_ids(business))
        except BaseException:
            _business_drop(business)
            raise
    yield seeded
    with django_db_blocker.unblock():
        _business_drop(business)


def _business_drop(business) -> None:
    from tenants.schemas import pool_fill, schema_drop

    connection.set_schema_to_public()
    business.domains.all().delete()
    schema_drop(business.schema_name)
    business.delete()
    pool_fill()


@pytest.fixture(scope="module")
def fuzz_plan(fuzzed_business):
    """Every operation with its strategies, positive and negative: made once for the
    three roles (making the negative ones costs more than running them)."""
    business, tokens, ids = fuzzed_business
    schema = schemathesis.openapi.from_dict(_schema_dict())
    plan = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                plan.append((operation, mode, _strategy(operation, mode, ids)))
            except Exception:  # no invalid request can be made for this operation
                if mode is GenerationMode.POSITIVE:
                    raise
    return plan


@pytest.fixture
def api_fuzz(fuzzed_business, fuzz_plan, db, monkeypatch):
    """Run the API's fuzzing as the owner, a coach and a client; returns the failures.
    Every request runs in a savepoint rolled back at once: each starts from the seeded
    data."""
    from rest_framework.throttling import SimpleRateThrottle

    # thousands of requests a minute: the throttles would answer most with 429
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"user": "100000/min", "business": "100000/min"}
    )
    business, tokens, _ids = fuzzed_business
    host = f"{business.slug}.{settings.BASE_DOMAIN}"

    def fuzz() -> list[str]:
        failures = []
        with _wsgi_app() as app:
            for operation, mode, strategy in fuzz_plan:
                roles = ROLES if mode is GenerationMode.POSITIVE else NEGATIVE_ROLES
                failures.append(
                    _fuzz(
                        operation,
                        strategy,
                        mode=mode,
                        app=app,
                        host=host,
                        tokens={role: tokens[role] for role in roles},
                    )
                )
        return [failure for failure in failures if failure]

    return fuzz


def test_the_api_answers_every_generated_request_as_its_schema_says(api_fuzz):
    failures = api_fuzz()
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
