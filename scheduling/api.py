"""API: session types, free times, appointments (a coach's calendar, class times),
bookings and the waitlist.

Who sees what is the one policy's: the owner everything; a coach their own calendar
and their own clients' bookings; a client their own (``selectors.*_queryset_for``).
Impossible requests (a taken time, outside hours, too late to cancel) answer 400 with
the field and a message a person can act on.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.models import User
from accounts.policies import IsStaffMember, ReadOrOwnerWrites, is_staff_member, portal_client
from clients.models import Client
from clients.selectors import client_queryset_for
from clients.serializers import ClientField

from .models import Appointment, Booking, SessionType, TimeOff, WaitlistEntry, WeeklyHours
from .selectors import (
    appointment_queryset_for,
    booking_queryset_for,
    coaches_for,
    free_times,
    session_types_offered,
    time_off_queryset_for,
    weekly_hours_queryset_for,
)
from .services import booking as svc
from .services import recurring as recurring_svc
from .services import setup as setup_svc

DAY_MESSAGE = gettext_lazy("Enter a date like 2026-06-01.")
MAX_SLOT_DAYS = 31


def _booking_client(request, data) -> Client:
    """Whom a booking is for: staff name the client; a client books for themselves."""
    if is_staff_member(request.user):
        client = data.get("client")
        if client is None:
            raise serializers.ValidationError({"client": [_("Choose the client.")]})
        return client
    client = portal_client(request)
    if client is None:
        raise PermissionDenied(_("You have no client record here."))
    return client


class SessionTypeSerializer(serializers.ModelSerializer):
    coaches = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=User.objects.filter(is_staff=True, is_active=True),
        error_messages={"does_not_exist": _("Choose coaches of this business.")},
    )

    class Meta:
        model = SessionType
        fields = ["id", *setup_svc.DETAIL_FIELDS, "coaches"]
        read_only_fields = ["id"]
        validators = []

    def validate(self, data):
        if self.instance is None:
            values = {name: f.default for name, f in _defaults().items()}
        else:
            values = {name: getattr(self.instance, name) for name in setup_svc.DETAIL_FIELDS}
        values |= {k: v for k, v in data.items() if k in setup_svc.DETAIL_FIELDS}
        data["details"] = setup_svc.SessionTypeDetails(**values)
        return data


def _defaults():
    return setup_svc.SessionTypeDetails.__dataclass_fields__


class SessionTypeViewSet(viewsets.ModelViewSet):
    """What the business offers. Members read the types on offer (staff also those
    withdrawn); the owner adds, changes and withdraws them."""

    serializer_class = SessionTypeSerializer
    permission_classes = [ReadOrOwnerWrites]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SessionType.objects.none()
        if is_staff_member(self.request.user):
            return SessionType.objects.prefetch_related("coaches").order_by("position", "name")
        return session_types_offered().prefetch_related("coaches")

    def perform_create(self, serializer):
        data = serializer.validated_data
        if "name" not in data:
            raise serializers.ValidationError({"name": [_("Give the session a name.")]})
        serializer.instance = setup_svc.session_type_create(
            by=self.request.user, details=data["details"], coaches=data.get("coaches", [])
        )

    def perform_update(self, serializer):
        data = serializer.validated_data
        coaches = data.get("coaches", list(serializer.instance.coaches.all()))
        serializer.instance = setup_svc.session_type_update(
            session_type=serializer.instance,
            by=self.request.user,
            details=data["details"],
            coaches=coaches,
        )

    def perform_destroy(self, instance):
        setup_svc.session_type_delete(session_type=instance, by=self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "coach", OpenApiTypes.INT, description="The coach (default: the first)."
            ),
            OpenApiParameter("start", OpenApiTypes.DATE, description="First day (default: today)."),
            OpenApiParameter(
                "days", OpenApiTypes.INT, description="How many days (1 to 31, default 7)."
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"])
    def slots(self, request, pk=None):
        """The free start times of a one-to-one type with a coach, in UTC (ISO 8601)."""
        kind = self.get_object()
        params = SlotQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        coaches = {c.pk: c for c in coaches_for(kind)}
        wanted = params.validated_data.get("coach")
        if wanted is not None and wanted not in coaches:
            raise serializers.ValidationError({"coach": [_("This coach does not offer it.")]})
        if kind.is_class or not coaches:
            return Response({"coach": None, "times": []})
        coach = coaches[wanted] if wanted else next(iter(coaches.values()))
        now = timezone.now()
        first = params.validated_data.get("start") or now.date()
        start = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
        end = start + dt.timedelta(days=params.validated_data.get("days") or 7)
        times = free_times(session_type=kind, coach=coach, start=start, end=end, now=now)
        return Response({"coach": coach.pk, "times": [t.isoformat() for t in times]})


class SlotQuerySerializer(serializers.Serializer):
    coach = serializers.IntegerField(required=False, min_value=1)
    start = serializers.DateField(required=False, error_messages={"invalid": DAY_MESSAGE})
    days = serializers.IntegerField(required=False, min_value=1, max_value=MAX_SLOT_DAYS)


class AppointmentSerializer(serializers.ModelSerializer):
    places_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = Appointment
        fields = [
            "id",
            "session_type",
            "coach",
            "starts_at",
            "ends_at",
            "capacity",
            "booked",
            "places_left",
            "status",
            "location_kind",
            "location",
            "meeting_url",
        ]
        read_only_fields = fields


class JoinSerializer(serializers.Serializer):
    client = ClientField(required=False)


class AppointmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Sessions on the calendar: staff see theirs (the owner all); a client sees the
    ones they hold a place in and the class times they may book (``?classes=1``).
    ``join`` takes a place in a class, ``waitlist`` waits for one."""

    serializer_class = AppointmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Appointment.objects.none()
        user = self.request.user
        if self.action in ("join", "waitlist") or (
            not is_staff_member(user) and self.request.query_params.get("classes") in ("1", "true")
        ):
            rows = Appointment.objects.filter(
                session_type__in=session_types_offered(),
                capacity__gt=1,
                status=Appointment.Status.SCHEDULED,
                starts_at__gt=timezone.now(),
            )
        else:
            rows = appointment_queryset_for(user=user)
        return rows.order_by("starts_at", "pk")

    @extend_schema(request=JoinSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def join(self, request, pk=None):
        occurrence = self.get_object()
        body = JoinSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        booking = svc.class_join(
            appointment=occurrence,
            client=_booking_client(request, body.validated_data),
            by=request.user,
        )
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=JoinSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def waitlist(self, request, pk=None):
        occurrence = self.get_object()
        body = JoinSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        entry = svc.waitlist_join(
            appointment=occurrence,
            client=_booking_client(request, body.validated_data),
            by=request.user,
        )
        return Response(WaitlistSerializer(entry).data, status=status.HTTP_201_CREATED)


class BookingSerializer(serializers.ModelSerializer):
    client = ClientField(required=False)
    session_type = serializers.PrimaryKeyRelatedField(
        queryset=SessionType.objects.all(),
        write_only=True,
        error_messages={"does_not_exist": _("Choose one of the sessions offered.")},
    )
    coach = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_staff=True, is_active=True),
        write_only=True,
        error_messages={"does_not_exist": _("Choose one of the business's coaches.")},
    )

    class Meta:
        model = Booking
        fields = [
            "id",
            "appointment",
            "client",
            "session_type",
            "coach",
            "starts_at",
            "ends_at",
            "status",
            "cancelled_at",
            "cancel_reason",
        ]
        read_only_fields = [
            "id",
            "appointment",
            "ends_at",
            "status",
            "cancelled_at",
            "cancel_reason",
        ]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["session_type"].queryset = session_types_offered()
        return fields


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
    waive_late = serializers.BooleanField(required=False, default=False)


class RescheduleSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    coach = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_staff=True, is_active=True), required=False
    )


class AttendanceSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["attended", "no_show", "booked"])


class WeeklyBookingSerializer(serializers.Serializer):
    """Weekly for N weeks: the first session, and what to do with the weeks not free."""

    client = ClientField()
    session_type = serializers.PrimaryKeyRelatedField(
        queryset=SessionType.objects.filter(is_active=True),
        error_messages={"does_not_exist": _("Choose one of the sessions offered.")},
    )
    coach = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_staff=True, is_active=True),
        error_messages={"does_not_exist": _("Choose one of the business's coaches.")},
    )
    starts_at = serializers.DateTimeField()
    weeks = serializers.IntegerField(
        min_value=recurring_svc.MIN_WEEKS, max_value=recurring_svc.MAX_WEEKS
    )
    mode = serializers.ChoiceField(
        choices=recurring_svc.WeeklyMode.choices, default=recurring_svc.WeeklyMode.ALL
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class BookingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Bookings. A client books a one-to-one for themselves (staff name the client),
    cancels and moves their own; staff also mark attendance. ``?upcoming=1`` lists
    only those still to come."""

    serializer_class = BookingSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Booking.objects.none()
        rows = booking_queryset_for(user=self.request.user)
        if self.request.query_params.get("upcoming") in ("1", "true"):
            rows = rows.filter(status=Booking.Status.BOOKED, ends_at__gt=timezone.now())
        return rows.order_by("starts_at", "pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        if "starts_at" not in data:
            raise serializers.ValidationError({"starts_at": [_("Choose a time.")]})
        serializer.instance = svc.session_book(
            client=_booking_client(self.request, data),
            session_type=data["session_type"],
            coach=data["coach"],
            starts_at=data["starts_at"],
            by=self.request.user,
        )

    @extend_schema(request=WeeklyBookingSerializer, responses={201: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"], permission_classes=[IsStaffMember])
    def weekly(self, request):
        """Staff book a one-to-one every week for 2 to 26 weeks. ``mode`` "all": every
        week or none (400 naming each week that is not free); "free": the free weeks,
        with the others in ``clashes``. 201: ``series``, ``booked``, ``clashes``."""
        body = WeeklyBookingSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = recurring_svc.session_book_weekly(
            client=data["client"],
            session_type=data["session_type"],
            coach=data["coach"],
            starts_at=data["starts_at"],
            weeks=data["weeks"],
            mode=data["mode"],
            note=data["note"],
            by=request.user,
        )
        return Response(
            {
                "series": str(result.series),
                "booked": BookingSerializer(result.booked, many=True).data,
                "clashes": [
                    {"starts_at": c.starts_at.isoformat(), "reason": c.reason, "message": str(c)}
                    for c in result.clashes
                ],
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=CancelSerializer, responses={200: BookingSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        booking = self.get_object()
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        booking = svc.booking_cancel(
            booking=booking,
            by=request.user,
            reason=body.validated_data.get("reason", ""),
            waive_late=body.validated_data.get("waive_late", False),
        )
        return Response(BookingSerializer(booking).data)

    @extend_schema(request=RescheduleSerializer, responses={200: BookingSerializer})
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        booking = self.get_object()
        body = RescheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        booking = svc.booking_reschedule(
            booking=booking,
            starts_at=body.validated_data["starts_at"],
            coach=body.validated_data.get("coach"),
            by=request.user,
        )
        return Response(BookingSerializer(booking).data)

    @extend_schema(request=AttendanceSerializer, responses={200: BookingSerializer})
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        booking = self.get_object()
        body = AttendanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        booking = svc.attendance_mark(
            booking=booking, status=body.validated_data["status"], by=request.user
        )
        return Response(BookingSerializer(booking).data)


class WaitlistSerializer(serializers.ModelSerializer):
    class Meta:
        model = WaitlistEntry
        fields = ["id", "appointment", "client", "status", "created_at"]
        read_only_fields = fields


class WaitlistViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Who waits for a place: a client their own entries, staff their clients'. DELETE
    leaves the waitlist."""

    serializer_class = WaitlistSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WaitlistEntry.objects.none()
        mine = client_queryset_for(user=self.request.user).values("pk")
        return WaitlistEntry.objects.filter(
            client__in=mine, status=WaitlistEntry.Status.WAITING
        ).order_by("created_at", "pk")

    def perform_destroy(self, instance):
        svc.waitlist_leave(entry=instance, by=self.request.user)


# --- availability: working hours, time off and extra hours ------------------------------


class _CoachField(serializers.PrimaryKeyRelatedField):
    """A coach of this business; staff set their own, the owner anyone's (the service
    says so when they try another's)."""

    def get_queryset(self):
        return User.objects.filter(is_staff=True, is_active=True)


class _CoachsOwnSerializer(serializers.ModelSerializer):
    """Hours or time off: of the coach named, else of the person asking."""

    coach = _CoachField(required=False)

    def validate(self, data):
        if self.instance is None:
            data.setdefault("coach", self.context["request"].user)
        return data


class WeeklyHoursSerializer(_CoachsOwnSerializer):
    class Meta:
        model = WeeklyHours
        fields = ["id", "coach", "weekday", "starts", "ends"]
        read_only_fields = ["id"]


class TimeOffSerializer(_CoachsOwnSerializer):
    class Meta:
        model = TimeOff
        fields = ["id", "coach", "kind", "starts_at", "ends_at", "note"]
        read_only_fields = ["id"]


class WeeklyHoursViewSet(viewsets.ModelViewSet):
    """A coach's working week, in the business's time zone (``weekday`` 0 is Monday).
    Staff: a coach sees and changes their own hours, the owner everyone's. Hours of one
    day must not overlap (400 on ``starts``). ``?coach=<id>`` narrows the list."""

    serializer_class = WeeklyHoursSerializer
    permission_classes = [IsStaffMember]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WeeklyHours.objects.none()
        rows = weekly_hours_queryset_for(user=self.request.user)
        coach = self.request.query_params.get("coach")
        if coach and coach.isdigit():
            rows = rows.filter(coach_id=int(coach))
        return rows.order_by("coach_id", "weekday", "starts")

    def _save(self, serializer, hours):
        data = {**({} if hours is None else _hours_values(hours)), **serializer.validated_data}
        serializer.instance = setup_svc.weekly_hours_save(
            hours=hours,
            coach=data["coach"],
            stretch=setup_svc.Stretch(data["weekday"], data["starts"], data["ends"]),
            by=self.request.user,
        )

    def perform_create(self, serializer):
        self._save(serializer, None)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance):
        setup_svc.weekly_hours_delete(hours=instance, by=self.request.user)


def _hours_values(hours: WeeklyHours) -> dict:
    return {
        "coach": hours.coach,
        "weekday": hours.weekday,
        "starts": hours.starts,
        "ends": hours.ends,
    }


class TimeOffViewSet(viewsets.ModelViewSet):
    """Exceptions to a coach's week: ``kind`` "off" (no sessions offered) or "extra"
    (hours added). Staff: their own, the owner everyone's. Sessions already booked in
    time off stay; the coach moves them."""

    serializer_class = TimeOffSerializer
    permission_classes = [IsStaffMember]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TimeOff.objects.none()
        return time_off_queryset_for(user=self.request.user).order_by("starts_at", "pk")

    def _save(self, serializer, entry):
        current = (
            {}
            if entry is None
            else {
                "coach": entry.coach,
                "kind": entry.kind,
                "starts_at": entry.starts_at,
                "ends_at": entry.ends_at,
                "note": entry.note,
            }
        )
        data = {"kind": TimeOff.Kind.OFF, "note": "", **current, **serializer.validated_data}
        serializer.instance = setup_svc.time_off_save(
            time_off=entry,
            coach=data["coach"],
            kind=data["kind"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            note=data["note"],
            by=self.request.user,
        )

    def perform_create(self, serializer):
        self._save(serializer, None)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance):
        setup_svc.time_off_delete(time_off=instance, by=self.request.user)


def register(router) -> None:
    router.register("session-types", SessionTypeViewSet, basename="api-session-type")
    router.register("appointments", AppointmentViewSet, basename="api-appointment")
    router.register("bookings", BookingViewSet, basename="api-booking")
    router.register("waitlist", WaitlistViewSet, basename="api-waitlist")
    router.register("weekly-hours", WeeklyHoursViewSet, basename="api-weekly-hours")
    router.register("time-off", TimeOffViewSet, basename="api-time-off")
