"""API: the program generator (staff). POST an intake, or a client (their latest
answers fill the intake; fields given override them); get back the draft program's
id, its builder URL and the reasons for every choice."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.policies import staff_may
from clients.serializers import ClientField

from ..services import generator as gen
from ..services.generator_rules import GOALS, LEVELS


class GenerateSerializer(serializers.Serializer):
    client = ClientField(required=False, allow_null=True)
    goal = serializers.ChoiceField(
        choices=GOALS,
        required=False,
        error_messages={"invalid_choice": _lazy("Choose a goal from the list.")},
    )
    level = serializers.ChoiceField(
        choices=LEVELS,
        required=False,
        error_messages={"invalid_choice": _lazy("Choose beginner, intermediate or advanced.")},
    )
    days_per_week = serializers.IntegerField(
        required=False, error_messages={"invalid": _lazy("Enter 1 to 7 days a week.")}
    )
    minutes = serializers.IntegerField(
        required=False, error_messages={"invalid": _lazy("Enter 20 to 180 minutes.")}
    )
    equipment = serializers.ListField(child=serializers.CharField(), required=False)
    injuries = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    as_template = serializers.BooleanField(required=False, default=False)


class ProgramGeneratorViewSet(viewsets.GenericViewSet):
    """Generate a program draft from an intake (staff with permission to add programs)."""

    serializer_class = GenerateSerializer

    def create(self, request):
        if not staff_may(request.user, "programs.add_program"):
            raise PermissionDenied(_("Only coaches generate programs."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        client = data.get("client")
        intake, notes = gen.intake_compose(
            client=client,
            goal=data.get("goal"),
            level=data.get("level"),
            days_per_week=data.get("days_per_week"),
            minutes=data.get("minutes"),
            equipment=data.get("equipment"),
            injuries=data.get("injuries"),
        )
        result = gen.program_generate(
            intake=intake,
            client=None if data["as_template"] else client,
            by=request.user,
            name=data.get("name", ""),
            intake_notes=notes,
        )
        program = result.program
        return Response(
            {
                "program": program.pk,
                "name": program.name,
                "is_template": program.is_template,
                "client": program.client_id,
                "builder_url": f"/admin/programs/program/{program.pk}/builder/",
                "split": result.plan.split,
                "weekly_sets": {k: v for k, v in sorted(result.plan.weekly_sets.items())},
                "reasons": program.generator_notes,
                "days": [
                    {
                        "name": day.name,
                        "exercises": [
                            {
                                "name": e.candidate.name,
                                "sets": e.sets,
                                "reps": list(e.reps),
                                "reason": e.reason,
                            }
                            for e in day.exercises
                        ],
                        "notes": day.notes,
                    }
                    for day in result.plan.days
                ],
            },
            status=status.HTTP_201_CREATED,
        )


def register(router) -> None:
    """Add this concern's viewsets to the API router."""
    router.register("program-generator", ProgramGeneratorViewSet, basename="program-generator")
