"""The business API's OpenAPI schema: generated cleanly, and honest about errors.

A warning from drf-spectacular means a part of the schema is a guess (a field typed
"string" by default, two serializers under one name, a view left out), and clients
built from the schema, and our own fuzzing (test_api_fuzz.py), then test a guess."""

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

TENANT_API = "mectofitness.urls_tenant"


@pytest.fixture
def api_schema() -> dict:
    return SchemaGenerator(urlconf=TENANT_API).get_schema(request=None, public=True)


def test_the_business_api_schema_generates_without_warnings_or_errors(capsys):
    GENERATOR_STATS.reset()  # the stats are per process: count only this generation
    try:
        call_command("spectacular", "--urlconf", TENANT_API, "--validate", "--fail-on-warn")
    except Exception as exc:  # the messages went to stderr
        pytest.fail(f"{exc}:\n{capsys.readouterr().err}")
    finally:
        GENERATOR_STATS.reset()


def test_the_public_site_has_no_api_to_describe():
    from django.urls import get_resolver

    patterns = {str(p.pattern) for p in get_resolver("mectofitness.urls_public").url_patterns}
    assert not any(pattern.startswith("api") for pattern in patterns)


def test_every_operation_documents_the_errors_it_may_answer_with(api_schema):
    missing = []
    for path, item in api_schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            wanted = {"401", "403", "404", "429"}
            queries = [p for p in operation.get("parameters", []) if p["in"] == "query"]
            if method != "get" or queries or "requestBody" in operation:
                wanted.add("400")
            if not wanted <= codes:
                missing.append(f"{method.upper()} {path}: {sorted(wanted - codes)}")
    assert missing == []


def test_error_bodies_are_described_once_and_shared(api_schema):
    errors = api_schema["paths"]["/api/v1/clients/{id}/"]["get"]["responses"]
    body = errors["404"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Error"}
    assert api_schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    invalid = api_schema["paths"]["/api/v1/clients/"]["post"]["responses"]["400"]
    assert invalid["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationError"
    }


def test_the_two_kinds_of_assignment_have_their_own_names(api_schema):
    schemas = api_schema["components"]["schemas"]
    assert "Assignment" not in schemas
    assert {"FormAssignment", "ProgramAssignment"} <= set(schemas)


def test_an_error_a_view_documents_itself_gets_the_error_body(api_schema):
    conflict = api_schema["paths"]["/api/v1/workout-sync/"]["post"]["responses"]["409"]
    assert conflict["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_copying_an_exercise_is_documented_as_a_creation(api_schema):
    copy = api_schema["paths"]["/api/v1/exercises/{key}/copy/"]["post"]["responses"]
    assert "201" in copy and "200" not in copy


# --- /api/schema/ answers from what it made once ---------------------------------------


@pytest.fixture
def generated(monkeypatch):
    """How many times drf-spectacular generated the schema, from an empty keep."""
    from mectofitness.core.schema import SchemaView

    monkeypatch.setattr(SchemaView, "_answers", {})
    calls = []
    real = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    return calls


@pytest.mark.django_db
def test_the_schema_is_generated_once_per_format_and_served_as_it_was(owner_client, generated):
    first = owner_client.get("/api/schema/")
    again = owner_client.get("/api/schema/")
    as_json = owner_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    json_again = owner_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert [r.status_code for r in (first, again, as_json, json_again)] == [200] * 4
    assert len(generated) == 2  # YAML once, JSON once
    assert again.content == first.content and first.content.startswith(b"openapi:")
    assert again["Content-Type"] == first["Content-Type"]
    assert "filename=" in again["Content-Disposition"]
    assert json_again.json() == as_json.json()
    assert "/api/v1/me/" in as_json.json()["paths"]


@pytest.mark.django_db
def test_what_a_client_chooses_freely_is_answered_but_not_kept(owner_client, generated):
    from mectofitness.core.schema import SchemaView

    owner_client.get("/api/schema/")
    kept = dict(SchemaView._answers)
    asked = [
        owner_client.get("/api/schema/", {"lang": "xx-made-up"}),
        owner_client.get("/api/schema/", {"version": "v-made-up"}),
        owner_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi; v=made-up"),
    ]

    assert [r.status_code for r in asked] == [200, 200, 200]
    assert all(r.content.startswith(b"openapi:") for r in asked)
    assert SchemaView._answers == kept  # one entry, the first request's
    assert len(kept) == 1
    assert len(generated) == 3  # the first, then lang and version afresh


@pytest.mark.django_db
def test_a_kept_schema_is_still_refused_to_who_may_not_read_it(owner_client, tenant_client):
    assert owner_client.get("/api/schema/").status_code == 200  # now kept

    assert tenant_client.get("/api/schema/").status_code == 401
