"""OpenAPI descriptions of our own API pieces (drf-spectacular extensions)."""

from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token mf_…` — create one at /api/v1/tokens/",
        }


# --- the errors every operation may answer with ------------------------------------

ERROR_COMPONENT = "Error"
VALIDATION_ERROR_COMPONENT = "ValidationError"

_ERROR_SCHEMAS = {
    ERROR_COMPONENT: {
        "type": "object",
        "description": "What went wrong, in one sentence.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    VALIDATION_ERROR_COMPONENT: {
        "type": "object",
        "description": "Messages keyed by the field they concern: usually a list of texts, "
        "nested objects or lists for nested fields. `non_field_errors` concerns the whole "
        "request, `detail` a body that could not be read at all.",
        "properties": {
            "detail": {"type": "string"},
            "non_field_errors": {"type": "array", "items": {"type": "string"}},
        },
        "additionalProperties": {},
    },
}

# status: (component, description). 400 only where the request carries input.
_STANDARD_ERRORS = {
    400: (VALIDATION_ERROR_COMPONENT, "The input is invalid: messages keyed by field."),
    401: (ERROR_COMPONENT, "Not signed in, or the token is invalid or revoked."),
    403: (ERROR_COMPONENT, "Signed in, but this person may not do this."),
    404: (ERROR_COMPONENT, "No such object, or not one this person may see."),
    429: (ERROR_COMPONENT, "Too many requests: wait for the seconds in Retry-After."),
}
_METHODS = ("get", "put", "post", "patch", "delete")


def _takes_input(method: str, operation: dict) -> bool:
    if method != "get" or "requestBody" in operation:
        return True
    return any(p.get("in") == "query" for p in operation.get("parameters", []))


def postprocess_error_responses(result, generator, request, public):
    """Document our error answers on every operation, with one body schema each.

    DRF answers them all the same way (``mectofitness.core.api.exception_handler``),
    so they are described once here instead of in every ``extend_schema``."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in _ERROR_SCHEMAS.items():
        components.setdefault(name, schema)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            # an error a view documents itself (409, say) gets the same body
            for status_code, response in responses.items():
                if status_code.startswith("4") and "content" not in response:
                    response["content"] = {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
                        }
                    }
            for status_code, (component, description) in _STANDARD_ERRORS.items():
                if status_code == 400 and not _takes_input(method, operation):
                    continue
                response = responses.setdefault(str(status_code), {"description": description})
                response.setdefault("description", description)
                response.setdefault(
                    "content",
                    {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
                )
    return result


# --- the schema, served -------------------------------------------------------------


class SchemaView(SpectacularAPIView):
    """``/api/schema/``: drf-spectacular's view, its answer kept per process.

    The schema is the same for every business and every person who may read it (served
    public: not filtered by permission) until the code changes, yet drf-spectacular
    generates it and renders it again on each request: 0.6–1.1 s in the role matrix's
    crawl. It is kept here per language, API version and renderer (all bounded by the
    settings: a key a client could choose freely would let the keep grow without end, so
    ``?lang=`` and ``?version=`` are answered afresh, not kept); who may read it is still
    decided on each request (``SERVE_PERMISSIONS``, before ``get``)."""

    _answers: dict[tuple, tuple[bytes, str, str]] = {}

    @extend_schema(**SCHEMA_KWARGS)  # as the parent's: left out of the schema it serves
    def get(self, request, *args, **kwargs):
        if "lang" in request.GET or "version" in request.GET:
            return super().get(request, *args, **kwargs)
        # negotiated in initial(): the renderer, one of renderer_classes
        key = (translation.get_language(), request.version, type(request.accepted_renderer))
        answer = self._answers.get(key)
        if answer is None:
            response = super().get(request, *args, **kwargs)
            response = self.finalize_response(request, response, *args, **kwargs).render()
            answer = (
                response.content,
                response["Content-Type"],
                response.get("Content-Disposition", ""),
            )
            self._answers[key] = answer
        content, content_type, disposition = answer
        answered = HttpResponse(content, content_type=content_type)
        if disposition:
            answered["Content-Disposition"] = disposition
        return answered
