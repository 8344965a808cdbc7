"""API: programs and their structure (the builder's endpoints).

- ``/api/v1/programs/``: templates and client programs the requester may see
  (``?kind=template|client``, ``?client=<id>``, ``?q=``), nested structure on read;
  staff create (``client`` optional) and update name, description, goal, level,
  length; DELETE archives. Actions: ``clone/``, ``save-as-template/``,
  ``weeks/`` (add a week), ``assign/`` (see ``programs.api.assignment``).
- ``/api/v1/program-weeks/<id>/``: PATCH note, DELETE, ``duplicate/``.
- ``/api/v1/program-days/``: POST ``{week, name, note}``, PATCH, DELETE,
  ``<id>/duplicate/``, ``reorder/`` ``{week, order: [ids]}``.
- ``/api/v1/program-blocks/``: POST ``{day, kind, rounds, rest_after_seconds, note}``,
  PATCH, DELETE, ``reorder/`` ``{day, order}``.
- ``/api/v1/prescriptions/``: POST ``{exercise: "catalog:12"|"own:5", block | day, ...}``
  (with ``day`` it opens a new straight-sets block), PATCH, DELETE,
  ``reorder/`` ``{block, order}`` (ids from another block of the day move in),
  ``<id>/move/`` ``{block | day, position}`` to any workout of the same program.
- Blocks move the same way: ``/api/v1/program-blocks/<id>/move/`` ``{day, position}``.
  ``to: "block:12" | "day:5"`` (the builder's "Move to" form) works instead of
  ``block``/``day``; a target outside the program is a 404.

The input serializers below parse what is sent once (numbers, loads, text) and the
services take typed values: ``programs.services.program_structure`` (programs, weeks,
days, blocks) and ``programs.services.prescriptions``; they check the rules
(transactions, limits). Bad input is a 400 keyed by field. Clients read their own
programs and write nothing.
"""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.policies import IsStaffMember
from clients.selectors import client_queryset_for

from ..models import Block, Prescription, Program, ProgramDay, ProgramWeek
from ..progression import progression_text
from ..selectors.builder import (
    exercise_name,
    exercise_ref,
    move_target_get,
    program_can_edit,
    program_queryset_for,
    program_structure,
)
from ..services.prescriptions import (
    LOAD_MESSAGE,
    NUMBER_BOUNDS,
    prescription_add,
    prescription_move,
    prescription_remove,
    prescription_reorder,
    prescription_update,
)
from ..services.program_structure import (
    ORDER_MESSAGE,
    PROGRAM_LENGTH_MESSAGE,
    REST_AFTER_MESSAGE,
    ROUNDS_MESSAGE,
    ProgramChanges,
    block_add,
    block_move,
    block_remove,
    block_reorder,
    block_update,
    day_add,
    day_duplicate,
    day_remove,
    day_reorder,
    day_update,
    program_archive,
    program_clone,
    program_create,
    program_save_as_template,
    program_update,
    week_add,
    week_duplicate,
    week_remove,
    week_update,
)
from .assignment import assign_program

# --- parsing what is sent -------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class Whole(serializers.Field):
    """A whole number as typed (``"4"`` or ``4``); empty is None (the service says when a
    number is needed). Anything else is refused with the field's own message."""

    def __init__(self, *, message: str, **kwargs):
        self.message = message
        super().__init__(required=False, allow_null=True, **kwargs)

    def to_internal_value(self, data) -> int | None:
        if data == "":
            return None
        if isinstance(data, bool):
            raise serializers.ValidationError(self.message)
        try:
            return int(str(data).strip())
        except ValueError:
            raise serializers.ValidationError(self.message) from None

    def to_representation(self, value):
        return value


@extend_schema_field(OpenApiTypes.STR)
class Text(serializers.Field):
    """Text as typed: spaces collapsed (``collapse``) or only trimmed; null is empty."""

    def __init__(self, *, collapse: bool = True, **kwargs):
        self.collapse = collapse
        super().__init__(required=False, allow_null=True, **kwargs)

    def run_validation(self, data=serializers.empty):
        value = super().run_validation(data)
        return "" if value is None else value

    def to_internal_value(self, data) -> str:
        if isinstance(data, Mapping | list | bool):
            raise serializers.ValidationError(_("Write it as text."))
        text = str(data)
        return " ".join(text.split()) if self.collapse else text.strip()

    def to_representation(self, value):
        return value


@extend_schema_field(OpenApiTypes.STR)
class Load(serializers.Field):
    """A load as typed: ``62.5`` or ``"62,5"``; empty is None."""

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_null=True, **kwargs)

    def to_internal_value(self, data) -> Decimal | None:
        if data == "":
            return None
        try:
            value = Decimal(str(data).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            raise serializers.ValidationError(LOAD_MESSAGE) from None
        if not value.is_finite():
            raise serializers.ValidationError(LOAD_MESSAGE)
        return value

    def to_representation(self, value):
        return value


class Tempo(Text):
    """``3-1-x-0`` as ``3-1-X-0`` (the service checks its shape)."""

    def to_internal_value(self, data) -> str:
        return super().to_internal_value(data).replace(" ", "").upper()


@extend_schema_field(OpenApiTypes.OBJECT)
class Raw(serializers.Field):
    """A value passed on as sent: the progression rule (a JSON object the service
    checks, ``programs.progression.progression_clean``)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_null=True, **kwargs)

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class Ids(serializers.Field):
    """The ids of a reorder, in their new order."""

    def to_internal_value(self, data) -> list[int]:
        if not isinstance(data, list):
            raise serializers.ValidationError(ORDER_MESSAGE)
        try:
            return [int(pk) for pk in data]
        except (TypeError, ValueError):
            raise serializers.ValidationError(ORDER_MESSAGE) from None

    def to_representation(self, value):
        return value


class PrescriptionInputSerializer(serializers.Serializer):
    """What a prescription is changed to: a key left out stays as it is."""

    exercise = serializers.CharField(required=False, allow_blank=True)
    sets = Whole(message=NUMBER_BOUNDS["sets"][2])
    reps_min = Whole(message=NUMBER_BOUNDS["reps_min"][2])
    reps_max = Whole(message=NUMBER_BOUNDS["reps_max"][2])
    load_kind = serializers.CharField(required=False, allow_blank=True)
    load_value = Load()
    tempo = Tempo()
    rest_seconds = Whole(message=NUMBER_BOUNDS["rest_seconds"][2])
    duration_seconds = Whole(message=NUMBER_BOUNDS["duration_seconds"][2])
    distance_m = Whole(message=NUMBER_BOUNDS["distance_m"][2])
    notes = Text()
    progression = Raw()


class BlockInputSerializer(serializers.Serializer):
    kind = serializers.CharField(required=False, allow_blank=True)
    rounds = Whole(message=ROUNDS_MESSAGE)
    rest_after_seconds = Whole(message=REST_AFTER_MESSAGE)
    note = Text()


class DayInputSerializer(serializers.Serializer):
    name = Text()
    note = Text(collapse=False)


class WeekInputSerializer(serializers.Serializer):
    note = Text()


class NameInputSerializer(serializers.Serializer):
    name = Text()


class OrderInputSerializer(serializers.Serializer):
    order = Ids()


class MoveInputSerializer(serializers.Serializer):
    """Where a block or an exercise goes: ``to`` ("block:12" | "day:5") or ``block`` /
    ``day`` (an id), at ``position`` (from 1; the end when left out)."""

    to = Text()
    block = Text()
    day = Text()
    position = Whole(message=_("Choose a place by its number, like 1."))


def parsed(serializer_class, request) -> dict:
    """The request's body parsed by ``serializer_class`` (a 400 keyed by field when not)."""
    serializer = serializer_class(data=_body(request))
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- reading ---------------------------------------------------------------------


class PrescriptionSerializer(serializers.ModelSerializer):
    exercise_name = serializers.SerializerMethodField()
    exercise = serializers.SerializerMethodField()
    progression_text = serializers.SerializerMethodField()

    class Meta:
        model = Prescription
        fields = [
            "id",
            "position",
            "exercise",
            "exercise_name",
            "catalog_exercise",
            "sets",
            "reps_min",
            "reps_max",
            "load_kind",
            "load_value",
            "tempo",
            "rest_seconds",
            "duration_seconds",
            "distance_m",
            "notes",
            "progression",
            "progression_text",
        ]
        read_only_fields = fields

    def get_exercise_name(self, p) -> str:
        return exercise_name(p)

    def get_exercise(self, p) -> str:
        return exercise_ref(p)

    def get_progression_text(self, p) -> str:
        return progression_text(p.progression, p.load_kind)


class BlockSerializer(serializers.ModelSerializer):
    prescriptions = PrescriptionSerializer(many=True, read_only=True)

    class Meta:
        model = Block
        fields = ["id", "position", "kind", "rounds", "rest_after_seconds", "note", "prescriptions"]
        read_only_fields = fields


class DaySerializer(serializers.ModelSerializer):
    blocks = BlockSerializer(many=True, read_only=True)

    class Meta:
        model = ProgramDay
        fields = ["id", "position", "name", "note", "blocks"]
        read_only_fields = fields


class WeekSerializer(serializers.ModelSerializer):
    days = DaySerializer(many=True, read_only=True)

    class Meta:
        model = ProgramWeek
        fields = ["id", "number", "note", "days"]
        read_only_fields = fields


class ProgramSerializer(serializers.ModelSerializer):
    weeks = WeekSerializer(many=True, read_only=True)
    client = serializers.PrimaryKeyRelatedField(
        queryset=Program.objects.none(),
        required=False,
        allow_null=True,
        error_messages={
            "does_not_exist": _("Choose one of your clients."),
            "incorrect_type": _("Give the client's id, a number."),
        },
    )
    client_has_health_flag = serializers.SerializerMethodField()
    # goal, level and length are checked by the service, with its messages
    goal = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    level = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    length_weeks = Whole(message=PROGRAM_LENGTH_MESSAGE)

    class Meta:
        model = Program
        fields = [
            "id",
            "name",
            "description",
            "goal",
            "level",
            "length_weeks",
            "is_template",
            "client",
            "client_has_health_flag",
            "source",
            "created_at",
            "updated_at",
            "weeks",
        ]
        read_only_fields = ["id", "is_template", "source", "created_at", "updated_at", "weeks"]
        extra_kwargs = {
            "name": {"required": False},
        }

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["client"].queryset = client_queryset_for(user=request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["client"].read_only = True
        return fields

    def get_client_has_health_flag(self, program) -> bool:
        return bool(program.client_id and program.client.has_health_flag)


class ProgramListSerializer(ProgramSerializer):
    class Meta(ProgramSerializer.Meta):
        fields = [f for f in ProgramSerializer.Meta.fields if f != "weeks"]


class NameSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=120)


class ReorderedSerializer(serializers.Serializer):
    ok = serializers.BooleanField()


# what the reorder actions read: the parent's id and its children's ids in order
REORDER = {
    parent: inline_serializer(
        f"{parent.title()}Reorder",
        {
            parent: serializers.IntegerField(),
            "order": serializers.ListField(child=serializers.IntegerField()),
        },
    )
    for parent in ("week", "day", "block")
}


class JsonObjectSerializer(serializers.Serializer):
    """Any JSON object, as sent. The builder's services check each value (with the
    messages the back office shows too); this refuses a body that is not an object."""

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [_("Send a JSON object.")]}
            )
        return {key: data.get(key) for key in data}  # a form's QueryDict: one value each


def _body(request) -> dict:
    """The request's body as a dict (400 when it is a list or a scalar), parsed once."""
    if not hasattr(request, "_mf_body"):
        serializer = JsonObjectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        request._mf_body = serializer.validated_data
    return request._mf_body


def _editable(request, program: Program) -> Program:
    if not program_can_edit(user=request.user, program=program):
        raise PermissionDenied(_("Only staff who coach this client can change this program."))
    return program


def _program_for(request, program_id) -> Program:
    """A program the requester may edit, or 404/403; ids arrive as strings."""
    if not str(program_id or "").isdigit():
        raise NotFound
    program = program_queryset_for(user=request.user).filter(pk=int(program_id)).first()
    if program is None:
        raise NotFound
    return _editable(request, program)


def _move_target(data, *, program_id: int, kinds: tuple[str, ...]):
    """The block or day a move goes to, inside the program ``program_id`` (else 404)."""
    to = data.get("to")
    if not to:
        for kind in kinds:
            if data.get(kind) not in (None, ""):
                to = f"{kind}:{data.get(kind)}"
                break
    if not to:
        raise serializers.ValidationError({"to": [_("Choose where this goes.")]})
    if str(to).partition(":")[0] not in kinds:
        raise NotFound
    target = move_target_get(program_id=program_id, to=str(to))
    if target is None:
        raise NotFound
    return target


def _structure(request, program: Program) -> dict:
    program = program_structure(programs=Program.objects.filter(pk=program.pk)).get()
    return ProgramSerializer(program, context={"request": request}).data


class ProgramViewSet(viewsets.ModelViewSet):
    """Programs (templates and client programs) with their nested structure."""

    serializer_class = ProgramSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return super().get_permissions()
        return [*super().get_permissions(), IsStaffMember()]

    def get_serializer_class(self):
        return ProgramListSerializer if self.action == "list" else ProgramSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Program.objects.none()
        programs = program_queryset_for(user=self.request.user).select_related("client")
        params = self.request.query_params
        if params.get("kind") == "template":
            programs = programs.filter(is_template=True)
        elif params.get("kind") == "client":
            programs = programs.filter(is_template=False)
        if params.get("client", "").isdigit():
            programs = programs.filter(client_id=int(params["client"]))
        if params.get("q"):
            programs = programs.filter(name__icontains=params["q"][:120])
        if self.action != "list":
            programs = program_structure(programs=programs)
        return programs.order_by("-is_template", "name", "pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        program = program_create(
            by=request.user,
            name=data.get("name", ""),
            description=data.get("description", ""),
            goal=data.get("goal") or "",
            level=data.get("level") or "",
            length_weeks=data.get("length_weeks") or 4,
            client=data.get("client"),
        )
        return Response(_structure(request, program), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        program = _editable(request, self.get_object())
        serializer = self.get_serializer(program, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {
            key: "" if key in ("goal", "level") and value is None else value
            for key, value in serializer.validated_data.items()
            if key in ProgramChanges.__annotations__
        }
        program = program_update(program=program, by=request.user, **changes)
        return Response(_structure(request, program))

    def destroy(self, request, *args, **kwargs):
        program = _editable(request, self.get_object())
        program_archive(program=program, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=NameSerializer, responses={201: ProgramSerializer})
    @action(detail=True, methods=["post"])
    def clone(self, request, pk=None):
        """A deep copy as a new template (``{"name": ...}`` optional)."""
        source = _editable(request, self.get_object())
        name = parsed(NameInputSerializer, request).get("name") or _("%(name)s (copy)") % {
            "name": source.name
        }
        program = program_clone(program=source, by=request.user, name=name[:120])
        return Response(_structure(request, program), status=status.HTTP_201_CREATED)

    @extend_schema(request=NameSerializer, responses={201: ProgramSerializer})
    @action(detail=True, methods=["post"], url_path="save-as-template")
    def save_as_template(self, request, pk=None):
        """A client's program becomes a new template."""
        source = _editable(request, self.get_object())
        program = program_save_as_template(
            program=source,
            by=request.user,
            name=parsed(NameInputSerializer, request).get("name", ""),
        )
        return Response(_structure(request, program), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: WeekSerializer})
    @action(detail=True, methods=["post"])
    def weeks(self, request, pk=None):
        """Append an empty week."""
        program = _editable(request, self.get_object())
        week = week_add(program=program, by=request.user)
        return Response(WeekSerializer(week).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Assign to one or many clients: see ``programs.api.assignment``."""
        return assign_program(request, self.get_object())


# --- the structure's parts -----------------------------------------------------------


class PartViewSet(mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Shared by weeks, days, blocks and prescriptions: staff only, narrowed to programs
    the requester may see (others are 404), writes through the services."""

    permission_classes = [IsStaffMember]
    http_method_names = ["post", "patch", "delete", "options"]
    program_path = ""  # from the part to its program

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        programs = program_queryset_for(user=self.request.user)
        return self.queryset.filter(**{f"{self.program_path}__in": programs})

    def get_object(self):
        part = super().get_object()
        program = Program.objects.get(pk=self._program_id(part))
        _editable(self.request, program)
        return part

    def _program_id(self, part) -> int:
        value = part
        for name in self.program_path.split("__"):
            value = getattr(value, name)
        return value.pk

    def _parent(self, model, key: str, path: str):
        value = _body(self.request).get(key)
        if not str(value or "").isdigit():
            raise serializers.ValidationError({key: [_("Choose where this goes.")]})
        programs = program_queryset_for(user=self.request.user)
        parent = model.objects.filter(pk=int(value), **{f"{path}__in": programs}).first()
        if parent is None:
            raise serializers.ValidationError({key: [_("This is not part of your programs.")]})
        value = parent
        for name in path.split("__"):
            value = getattr(value, name)
        _editable(self.request, value)
        return parent

    def _order(self) -> list[int]:
        if "order" not in _body(self.request):
            raise serializers.ValidationError({"order": [ORDER_MESSAGE]})
        return parsed(OrderInputSerializer, self.request)["order"]

    def update(self, request, *args, **kwargs):
        part = self.get_object()
        return Response(self.serializer_class(self.change(part)).data)

    def perform_destroy(self, instance):
        self.remove(instance)


class WeekViewSet(PartViewSet):
    queryset = ProgramWeek.objects.all()
    serializer_class = WeekSerializer
    program_path = "program"

    def change(self, week):
        note = parsed(WeekInputSerializer, self.request).get("note", "")
        return week_update(week=week, by=self.request.user, note=note)

    def remove(self, week):
        week_remove(week=week, by=self.request.user)

    @extend_schema(request=None, responses={201: WeekSerializer})
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        week = week_duplicate(week=self.get_object(), by=request.user)
        return Response(WeekSerializer(week).data, status=status.HTTP_201_CREATED)


class DayViewSet(mixins.CreateModelMixin, PartViewSet):
    queryset = ProgramDay.objects.all()
    serializer_class = DaySerializer
    program_path = "week__program"

    def create(self, request, *args, **kwargs):
        week = self._parent(ProgramWeek, "week", "program")
        fields = parsed(DayInputSerializer, request)
        day = day_add(
            week=week, by=request.user, name=fields.get("name", ""), note=fields.get("note", "")
        )
        return Response(DaySerializer(day).data, status=status.HTTP_201_CREATED)

    def change(self, day):
        return day_update(day=day, by=self.request.user, **parsed(DayInputSerializer, self.request))

    def remove(self, day):
        day_remove(day=day, by=self.request.user)

    @extend_schema(request=None, responses={201: DaySerializer})
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        day = day_duplicate(day=self.get_object(), by=request.user)
        return Response(DaySerializer(day).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=REORDER["week"], responses=ReorderedSerializer)
    @action(detail=False, methods=["post"])
    def reorder(self, request):
        week = self._parent(ProgramWeek, "week", "program")
        day_reorder(week=week, by=request.user, order=self._order())
        return Response({"ok": True})


class BlockViewSet(mixins.CreateModelMixin, PartViewSet):
    queryset = Block.objects.all()
    serializer_class = BlockSerializer
    program_path = "day__week__program"

    def create(self, request, *args, **kwargs):
        day = self._parent(ProgramDay, "day", "week__program")
        block = block_add(day=day, by=request.user, **parsed(BlockInputSerializer, request))
        return Response(BlockSerializer(block).data, status=status.HTTP_201_CREATED)

    def change(self, block):
        changes = parsed(BlockInputSerializer, self.request)
        return block_update(block=block, by=self.request.user, **changes)

    def remove(self, block):
        block_remove(block=block, by=self.request.user)

    @extend_schema(request=REORDER["day"], responses=ReorderedSerializer)
    @action(detail=False, methods=["post"])
    def reorder(self, request):
        day = self._parent(ProgramDay, "day", "week__program")
        block_reorder(day=day, by=request.user, order=self._order())
        return Response({"ok": True})

    @extend_schema(request=None, responses=BlockSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the block to another workout of the program: ``{"day": id, "position": n}``."""
        block = self.get_object()
        where = parsed(MoveInputSerializer, request)
        day = _move_target(where, program_id=block.day.week.program_id, kinds=("day",))
        block = block_move(block=block, by=request.user, day=day, position=where.get("position"))
        return Response(BlockSerializer(block).data)


class PrescriptionViewSet(mixins.CreateModelMixin, PartViewSet):
    queryset = Prescription.objects.select_related("catalog_exercise", "exercise")
    serializer_class = PrescriptionSerializer
    program_path = "block__day__week__program"

    def create(self, request, *args, **kwargs):
        if _body(request).get("block") not in (None, ""):
            block, day = self._parent(Block, "block", "day__week__program"), None
        else:
            block, day = None, self._parent(ProgramDay, "day", "week__program")
        values = parsed(PrescriptionInputSerializer, request)
        prescription = prescription_add(
            by=request.user,
            exercise_ref=values.pop("exercise", ""),
            block=block,
            day=day,
            **values,
        )
        prescription = self.queryset.get(pk=prescription.pk)
        return Response(PrescriptionSerializer(prescription).data, status=status.HTTP_201_CREATED)

    def change(self, prescription):
        changes = parsed(PrescriptionInputSerializer, self.request)
        prescription = prescription_update(
            prescription=prescription,
            by=self.request.user,
            exercise_ref=changes.pop("exercise", None),
            **changes,
        )
        return self.queryset.get(pk=prescription.pk)

    def remove(self, prescription):
        prescription_remove(prescription=prescription, by=self.request.user)

    @extend_schema(request=REORDER["block"], responses=ReorderedSerializer)
    @action(detail=False, methods=["post"])
    def reorder(self, request):
        block = self._parent(Block, "block", "day__week__program")
        prescription_reorder(block=block, by=request.user, order=self._order())
        return Response({"ok": True})

    @extend_schema(request=None, responses=PrescriptionSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the exercise into another block (``{"block": id, "position": n}``) or a
        new block at the end of a workout (``{"day": id}``) of the same program."""
        prescription = self.get_object()
        program_id = prescription.block.day.week.program_id
        where = parsed(MoveInputSerializer, request)
        target = _move_target(where, program_id=program_id, kinds=("block", "day"))
        prescription = prescription_move(
            prescription=prescription,
            by=request.user,
            block=target if isinstance(target, Block) else None,
            day=target if isinstance(target, ProgramDay) else None,
            position=where.get("position"),
        )
        return Response(PrescriptionSerializer(self.queryset.get(pk=prescription.pk)).data)


def register(router) -> None:
    """Add this concern's viewsets to the API router."""
    router.register("programs", ProgramViewSet, basename="program")
    router.register("program-weeks", WeekViewSet, basename="program-week")
    router.register("program-days", DayViewSet, basename="program-day")
    router.register("program-blocks", BlockViewSet, basename="program-block")
    router.register("prescriptions", PrescriptionViewSet, basename="prescription")
