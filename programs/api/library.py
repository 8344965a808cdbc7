"""API: the exercise library.

    GET    /api/v1/exercises/?q=&muscle=&equipment=&category=&page=   search / browse
    GET    /api/v1/exercises/<key>/                                   one exercise
    POST   /api/v1/exercises/                                         custom exercise
    PATCH  /api/v1/exercises/b-<id>/                                  edit an own exercise
    DELETE /api/v1/exercises/b-<id>/                                  archive it
    POST   /api/v1/exercises/c-<id>/copy/                             own editable copy
    POST   /api/v1/exercises/c-<id>/hide/ and /unhide/                the hide list

Keys are stable: ``c-<id>`` a catalog entry, ``b-<id>`` this business's own exercise
(custom or a copy, which replaces its catalog entry here). Everyone signed in at the
business reads what it shows; owners and coaches change it (clients get 403).
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from programs.catalog.models import CatalogExercise, Measurement
from programs.selectors.library import (
    PAGE_SIZE,
    exercise_get,
    exercise_search,
    library_filters,
)
from programs.services.library import (
    exercise_archive,
    exercise_copy,
    exercise_create,
    exercise_hide,
    exercise_unhide,
    exercise_update,
    library_can_edit,
)

MAX_PAGE = 100


class ExerciseSerializer(serializers.Serializer):
    """Read-only shape shared by catalog entries and own exercises."""

    key = serializers.CharField()
    kind = serializers.SerializerMethodField()
    name = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    category = serializers.CharField()
    movement_pattern = serializers.CharField()
    primary_muscles = serializers.ListField(child=serializers.CharField())
    secondary_muscles = serializers.ListField(child=serializers.CharField())
    equipment = serializers.ListField(child=serializers.CharField())
    mechanics = serializers.CharField()
    force = serializers.CharField()
    level = serializers.CharField()
    measurement = serializers.ChoiceField(
        choices=Measurement.choices,
        help_text="What a set records: the logger's columns and the records follow it",
    )
    instructions = serializers.ListField(child=serializers.CharField())
    cues = serializers.ListField(child=serializers.CharField())
    image_urls = serializers.ListField(child=serializers.CharField())
    video_url = serializers.CharField()
    copied_from = serializers.SerializerMethodField()
    is_hidden = serializers.BooleanField()

    def get_kind(self, obj) -> str:
        if not obj.is_own:
            return "catalog"
        return "copy" if obj.catalog_id else "custom"

    def get_copied_from(self, obj) -> str | None:
        catalog_id = getattr(obj, "catalog_id", None)
        return f"c-{catalog_id}" if catalog_id else None


@extend_schema_serializer(many=False)  # one page object, though served by the list route
class ExercisePageSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    has_more = serializers.BooleanField()
    results = ExerciseSerializer(many=True)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class Lines(serializers.Field):
    """A list of lines: a JSON list of strings, or one text with a line each; empty is
    none. The service checks how many and how long."""

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_null=True, **kwargs)

    def run_validation(self, data=serializers.empty):
        value = super().run_validation(data)
        return [] if value is None else value

    def to_internal_value(self, data) -> list[str]:
        if isinstance(data, str):
            return data.splitlines()
        if not isinstance(data, list | tuple) or any(isinstance(i, Mapping | list) for i in data):
            raise serializers.ValidationError("Give a list of lines.")
        return [str(item) for item in data]

    def to_representation(self, value):
        return value


@extend_schema_field(OpenApiTypes.STR)
class Text(serializers.Field):
    """Text as sent; null is empty (the service checks the value)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_null=True, **kwargs)

    def run_validation(self, data=serializers.empty):
        value = super().run_validation(data)
        return "" if value is None else value

    def to_internal_value(self, data) -> str:
        if isinstance(data, Mapping | list | bool):
            raise serializers.ValidationError("Write it as text.")
        return str(data)

    def to_representation(self, value):
        return value


class ExerciseWriteSerializer(serializers.Serializer):
    """What may be sent, parsed once; the service checks values and vocabularies. A
    field that is not here is refused by name."""

    name = Text()
    aliases = Lines()
    category = Text()
    movement_pattern = Text()
    primary_muscles = Lines()
    secondary_muscles = Lines()
    equipment = Lines()
    mechanics = Text()
    force = Text()
    level = Text()
    measurement = Text(help_text="Guessed from the name, category and equipment when left out")
    instructions = Lines()
    cues = Lines()
    video_url = Text()

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            raise serializers.ValidationError({"non_field_errors": ["Send a JSON object."]})
        unknown = sorted(set(data) - set(self.fields) - {"key"})
        values = super().to_internal_value(data)
        if unknown:
            raise serializers.ValidationError(
                {name: ["This field cannot be changed."] for name in unknown}
            )
        return values


def _fields(request) -> dict:
    """The body as the service's typed keyword arguments (a 400 keyed by field when not)."""
    serializer = ExerciseWriteSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ExerciseViewSet(viewsets.ViewSet):
    lookup_field = "key"
    lookup_value_regex = "[cb]-[0-9]{1,18}"

    def _editor(self):
        if not library_can_edit(user=self.request.user):
            raise PermissionDenied("Only owners and coaches change the library.")

    def _get(self, key: str, *, include_hidden: bool = False):
        exercise = exercise_get(key=key, include_hidden=include_hidden)
        if exercise is None:
            raise NotFound
        return exercise

    def _own(self, key: str):
        self._editor()
        exercise = self._get(key)
        if not exercise.is_own:
            raise NotFound("Catalog entries are copied first (POST …/copy/), then edited.")
        return exercise

    def _catalog(self, key: str) -> CatalogExercise:
        self._editor()
        exercise = self._get(key, include_hidden=True)
        if exercise.is_own:
            raise NotFound("Only catalog entries (c-…) can be copied or hidden.")
        return exercise

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="name or alias, typos forgiven"),
            OpenApiParameter("muscle", str, description="primary or secondary muscle"),
            OpenApiParameter("equipment", str),
            OpenApiParameter("category", str),
            OpenApiParameter("page", int),
        ],
        responses=ExercisePageSerializer,
    )
    def list(self, request):
        filters = library_filters(
            muscle=request.query_params.get("muscle", ""),
            equipment=request.query_params.get("equipment", ""),
            category=request.query_params.get("category", ""),
        )
        raw_page = request.query_params.get("page", "1")
        if not raw_page.isdigit() or not 1 <= int(raw_page) <= MAX_PAGE:
            raise ValidationError({"page": f"Give a page number from 1 to {MAX_PAGE}."})
        query = request.query_params.get("q", "")
        if len(query) > 100:
            raise ValidationError({"q": "Keep the search to 100 characters."})
        page = exercise_search(query=query, filters=filters, offset=(int(raw_page) - 1) * PAGE_SIZE)
        return Response(
            {
                "page": int(raw_page),
                "has_more": page.has_more,
                "results": ExerciseSerializer(page.results, many=True).data,
            }
        )

    @extend_schema(responses=ExerciseSerializer)
    def retrieve(self, request, key=None):
        staff = library_can_edit(user=request.user)
        return Response(ExerciseSerializer(self._get(key, include_hidden=staff)).data)

    @extend_schema(request=ExerciseWriteSerializer, responses={201: ExerciseSerializer})
    def create(self, request):
        self._editor()
        exercise = exercise_create(by=request.user, **_fields(request))
        created = self._get(f"b-{exercise.pk}")
        return Response(ExerciseSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExerciseWriteSerializer, responses=ExerciseSerializer)
    def partial_update(self, request, key=None):
        exercise = exercise_update(exercise=self._own(key), by=request.user, **_fields(request))
        return Response(ExerciseSerializer(self._get(f"b-{exercise.pk}")).data)

    update = partial_update

    @extend_schema(responses={204: None})
    def destroy(self, request, key=None):
        exercise_archive(exercise=self._own(key), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ExerciseWriteSerializer, responses={201: ExerciseSerializer})
    @action(detail=True, methods=["post"])
    def copy(self, request, key=None):
        fields = _fields(request) if request.data else {}
        copy = exercise_copy(catalog_exercise=self._catalog(key), by=request.user, **fields)
        return Response(
            ExerciseSerializer(self._get(f"b-{copy.pk}")).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def hide(self, request, key=None):
        exercise_hide(catalog_exercise=self._catalog(key), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def unhide(self, request, key=None):
        exercise_unhide(catalog_exercise=self._catalog(key), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router) -> None:
    """Add this concern's viewsets to the API router."""
    router.register("exercises", ExerciseViewSet, basename="exercise")
