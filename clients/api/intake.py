"""API: intake forms (questionnaires), responses and assignments.

- ``/questionnaires/``: staff list and read; the owner creates and publishes.
- ``/responses/``: staff read their clients' answers; a client reads their own,
  starts a draft (for an assignment or a due check-in), updates it and submits.
  Bad answers are a 400 keyed by question key.
- ``/assignments/``: staff send forms to their clients; a client lists their own.
"""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response as ApiResponse

from accounts.policies import IsStaffMember, is_staff_member, require_portal_client

from ..forms_intake import MAX_BODY_BYTES, answers_clean
from ..models import (
    Assignment,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    ResponseFile,
)
from ..selectors import client_queryset_for
from ..selectors_intake import (
    assignment_of_client_get,
    assignments_for,
    checkin_plan_get,
    questionnaire_get,
    questionnaires_in_use,
    responses_for,
)
from ..services.checkins import checkin_response_start
from ..services.intake_answers import response_save
from ..services.intake_assignments import (
    assignment_response_start,
    assignment_withdraw,
    assignments_create,
)
from ..services.intake_questionnaires import questionnaire_create, questionnaire_publish


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuestionnaireVersion
        fields = ["number", "fields", "published_at"]


class QuestionnaireSerializer(serializers.ModelSerializer):
    current_version = serializers.SerializerMethodField()
    share_url = serializers.SerializerMethodField()

    class Meta:
        model = Questionnaire
        fields = [
            "id",
            "title",
            "kind",
            "description",
            "is_public",
            "share_url",
            "current_version",
            "created_at",
        ]

    def get_current_version(self, obj) -> dict | None:
        published = [v for v in obj.versions.all() if v.published_at]
        if not published:
            return None
        return VersionSerializer(max(published, key=lambda v: v.number)).data

    def get_share_url(self, obj) -> str | None:
        request = self.context.get("request")
        if not obj.is_public or request is None:
            return None
        return request.build_absolute_uri(f"/f/{obj.public_token}/")


class QuestionnaireCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=Questionnaire.Kind.choices, default="intake")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    fields = serializers.ListField(child=serializers.DictField(), allow_empty=False)
    publish = serializers.BooleanField(default=True)
    is_public = serializers.BooleanField(default=False)


class PublishSerializer(serializers.Serializer):
    fields = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="Omit to publish the draft."
    )


class QuestionnaireViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Forms in use. Staff read them; the owner creates and publishes new versions."""

    serializer_class = QuestionnaireSerializer
    permission_classes = [IsStaffMember]

    def get_queryset(self):
        return questionnaires_in_use()

    @extend_schema(request=QuestionnaireCreateSerializer, responses={201: QuestionnaireSerializer})
    def create(self, request, *args, **kwargs):
        data = QuestionnaireCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        questionnaire = questionnaire_create(by=request.user, **data.validated_data)
        questionnaire = self.get_queryset().get(pk=questionnaire.pk)
        return ApiResponse(self.get_serializer(questionnaire).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PublishSerializer, responses={201: VersionSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the given questions (or the saved draft) as the next version."""
        questionnaire = self.get_object()
        data = PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = questionnaire_publish(
            questionnaire=questionnaire, by=request.user, fields=data.validated_data.get("fields")
        )
        return ApiResponse(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class ResponseFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ResponseFile
        fields = ["id", "field_key", "original_name", "content_type", "size", "url"]

    def get_url(self, obj) -> str:
        return f"/forms/files/{obj.pk}/"


class ResponseSerializer(serializers.ModelSerializer):
    questionnaire = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="version.number", read_only=True)
    questions = serializers.JSONField(source="version.fields", read_only=True)
    client = serializers.SerializerMethodField()
    files = ResponseFileSerializer(many=True, read_only=True)

    class Meta:
        model = Response
        fields = [
            "id",
            "questionnaire",
            "version",
            "questions",
            "client",
            "status",
            "answers",
            "files",
            "started_at",
            "submitted_at",
            "period_start",
            "reviewed_at",
            "coach_comment",
        ]
        read_only_fields = fields

    def get_questionnaire(self, obj) -> dict:
        q = obj.version.questionnaire
        return {"id": q.pk, "title": q.title, "kind": q.kind}

    def get_client(self, obj) -> dict | None:
        if obj.client is None:
            return None
        return {"id": obj.client.pk, "name": obj.client.full_name}


class ResponseStartSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(required=False)
    checkin_plan = serializers.IntegerField(required=False)
    answers = serializers.JSONField(required=False, default=dict)
    submit = serializers.BooleanField(default=False)

    def validate(self, attrs):
        if bool(attrs.get("assignment")) == bool(attrs.get("checkin_plan")):
            raise serializers.ValidationError(
                {"assignment": ["Give either an assignment or a check-in plan."]}
            )
        return attrs


class ResponseUpdateSerializer(serializers.Serializer):
    answers = serializers.JSONField(required=False, default=dict)
    submit = serializers.BooleanField(default=False)


def _answers_from(request, raw) -> dict:
    """Answers from a JSON body, or from a multipart form where ``answers`` is JSON
    text and files come under their question keys."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw or "{}")
        except ValueError:
            raise ApiValidationError({"answers": ["Send the answers as a JSON object."]}) from None
    if not isinstance(raw, dict):
        raise ApiValidationError({"answers": ["Send the answers as a JSON object."]})
    return raw


def answers_apply(request, *, response: Response, raw_answers, submit: bool) -> Response:
    """Validate (the same rules as the portal) and store answers on a draft."""
    version = response.version
    answers = _answers_from(request, raw_answers)
    keys = {spec["key"] for spec in version.fields}
    unknown = sorted((set(answers) | set(request.FILES)) - keys)
    if unknown:
        raise ApiValidationError(
            {key: ["There is no such question in this form."] for key in unknown}
        )
    file_keys = {spec["key"] for spec in version.fields if spec["type"] == "file"}
    stored_files = {key for key in file_keys if key in response.answers}
    data = {
        key: value
        for key, value in {**response.answers, **answers}.items()
        if key not in file_keys and key in keys
    }
    try:
        cleaned, uploads = answers_clean(
            version=version,
            data=data,
            files=request.FILES,
            partial=not submit,
            existing_files=stored_files,
        )
        return response_save(
            response=response, answers=cleaned, uploads=uploads, submit=submit, merge=True
        )
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ApiValidationError(
                {
                    ("non_field_errors" if key == "__all__" else key): messages
                    for key, messages in exc.message_dict.items()
                }
            ) from None
        raise


class ResponseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Answers. Staff: their clients'; a client: their own, and their drafts to fill."""

    serializer_class = ResponseSerializer
    body_max_bytes = MAX_BODY_BYTES  # files come with the answers (mectofitness.core.uploads)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Response.objects.none()
        queryset = responses_for(user=self.request.user).prefetch_related(
            Prefetch("files", queryset=ResponseFile.objects.order_by("pk"))
        )
        if is_staff_member(self.request.user):
            queryset = queryset.filter(status=Response.Status.SUBMITTED)
        kind = self.request.query_params.get("kind")
        if kind in Questionnaire.Kind.values:
            queryset = queryset.filter(version__questionnaire__kind=kind)
        client = self.request.query_params.get("client")
        if client and client.isdigit():
            queryset = queryset.filter(client_id=int(client))
        return queryset.order_by("-submitted_at", "-started_at", "-pk")

    def _portal_client(self):
        return require_portal_client(self.request)

    @extend_schema(request=ResponseStartSerializer, responses={201: ResponseSerializer})
    def create(self, request, *args, **kwargs):
        """Start (or continue) the draft for an assignment or this period's check-in;
        with ``submit`` true, send it at once."""
        client = self._portal_client()
        data = ResponseStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        if params.get("assignment"):
            assignment = assignment_of_client_get(client=client, pk=params["assignment"])
            if assignment is None:
                raise NotFound
            response = assignment_response_start(assignment=assignment)
        else:
            plan = checkin_plan_get(pk=params["checkin_plan"])
            if plan is None:
                raise NotFound
            response = checkin_response_start(plan=plan, client=client)
        response = answers_apply(
            request,
            response=response,
            raw_answers=request.data.get("answers", {}),
            submit=params["submit"],
        )
        return ApiResponse(
            self.get_serializer(self.get_queryset().get(pk=response.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=ResponseUpdateSerializer, responses={200: ResponseSerializer})
    def partial_update(self, request, *args, **kwargs):
        """Change some answers of my draft (others stay); ``submit`` sends it."""
        self._portal_client()
        response = self.get_object()
        data = ResponseUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        response = answers_apply(
            request,
            response=response,
            raw_answers=request.data.get("answers", {}),
            submit=data.validated_data["submit"],
        )
        return ApiResponse(self.get_serializer(self.get_queryset().get(pk=response.pk)).data)

    @extend_schema(request=ResponseUpdateSerializer, responses={200: ResponseSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send my draft (with any last answers)."""
        self._portal_client()
        response = self.get_object()
        response = answers_apply(
            request, response=response, raw_answers=request.data.get("answers", {}), submit=True
        )
        return ApiResponse(self.get_serializer(self.get_queryset().get(pk=response.pk)).data)


class FormAssignmentSerializer(serializers.ModelSerializer):
    questionnaire_title = serializers.CharField(source="questionnaire.title", read_only=True)
    client_name = serializers.CharField(source="client.full_name", read_only=True)
    state = serializers.SerializerMethodField()
    response_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "questionnaire",
            "questionnaire_title",
            "client",
            "client_name",
            "assigned_at",
            "state",
            "response_id",
        ]
        read_only_fields = fields

    def get_state(self, obj) -> str:
        """todo, draft or done"""
        if obj.response is None:
            return "todo"
        return "done" if obj.response.status == Response.Status.SUBMITTED else "draft"


class FormAssignmentCreateSerializer(serializers.Serializer):
    questionnaire = serializers.IntegerField()
    clients = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=False, max_length=1000
    )


class AssignmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Forms clients were asked to fill. Staff send them; a client sees their own."""

    serializer_class = FormAssignmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return assignments_for(user=self.request.user).order_by("-assigned_at", "-pk")

    @extend_schema(
        request=FormAssignmentCreateSerializer,
        responses={
            201: inline_serializer("AssignmentsCreated", {"assigned": serializers.IntegerField()})
        },
    )
    def create(self, request, *args, **kwargs):
        """Ask clients (ids) to fill a form in their portal."""
        if not is_staff_member(request.user):
            raise PermissionDenied("Only staff send forms.")
        data = FormAssignmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # an archived form is found, and refused by the service with its reason
        questionnaire = questionnaire_get(pk=data.validated_data["questionnaire"])
        if questionnaire is None:
            raise ApiValidationError({"questionnaire": ["No such form."]})
        count = assignments_create(
            questionnaire=questionnaire,
            clients=client_queryset_for(user=request.user).filter(
                pk__in=data.validated_data["clients"]
            ),
            by=request.user,
        )
        return ApiResponse({"assigned": count}, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        """Withdraw a form the client has not sent yet."""
        if not is_staff_member(request.user):
            raise PermissionDenied("Only staff withdraw forms.")
        assignment_withdraw(assignment=self.get_object(), by=request.user)
        return ApiResponse(status=status.HTTP_204_NO_CONTENT)


def register(router) -> None:
    """Add this concern's viewsets to the API router."""
    router.register("questionnaires", QuestionnaireViewSet, basename="questionnaire")
    router.register("responses", ResponseViewSet, basename="response")
    router.register("assignments", AssignmentViewSet, basename="assignment")
