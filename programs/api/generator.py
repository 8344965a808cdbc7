"""API: the program generator (staff). POST an intake, or a client (their latest
answers fill the intake; fields given override them); get back the draft program's
id, its builder URL and the reasons for every choice."""

from django.utils.translation import gettext as _
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from clients.api.measurements import ClientField

from ..services import generator as gen


class GenerateSerializer(serializers.Serializer):
    client = ClientField(required=False, allow_null=True)
    goal = serializers.CharField(required=False)
    level = serializers.CharField(required=False)
    days_per_week = serializers.CharField(required=False)
    minutes = serializers.CharField(required=False)
    equipment = serializers.ListField(child=serializers.CharField(), required=False)
    injuries = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    as_template = serializers.BooleanField(required=False, default=False)


class ProgramGeneratorViewSet(viewsets.GenericViewSet):
    """Generate a program draft from an intake (staff with permission to add programs)."""

    serializer_class = GenerateSerializer

    def create(self, request):
        if not (request.user.is_staff and request.user.has_perm("programs.add_program")):
            raise PermissionDenied(_("Only coaches generate programs."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        client = data.pop("client", None)
        as_template = data.pop("as_template", False)
        name = data.pop("name", "")
        intake_data, notes = ({}, [])
        if client is not None:
            intake_data, notes = gen.intake_from_answers(client=client)
        intake = gen.intake_validate(intake_data | data)
        result = gen.program_generate(
            intake=intake,
            client=None if as_template else client,
            by=request.user,
            name=name,
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
