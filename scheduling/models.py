"""Scheduling: what a business sells time as, when its coaches work, and who booked what.

- ``SessionType``: a kind of session (one-to-one or a class) with its length, buffers,
  place, capacity, who offers it, what it costs (a pack's session or nothing) and its
  booking and cancellation rules.
- ``WeeklyHours`` and ``TimeOff``: a coach's working hours in the business's time zone,
  and the exceptions (time off, extra hours).
- ``Appointment``: time held on a coach's calendar: one session, or one occurrence of
  a class. Two appointments of one coach never overlap, buffers included: PostgreSQL
  refuses it (an exclusion constraint over the coach and the held range).
- ``Booking``: a client's place in an appointment. A class never takes more places
  than it has (a counter with a check constraint, moved under the appointment's row
  lock), and a client is never in two places at once (another exclusion constraint).
- ``WaitlistEntry``: a client waiting for a place in a full class.
- ``SchedulingSettings``: the business's reminders and standing video link (one row).
- ``CalendarFeed``: a person's private, revocable calendar feed (an ICS URL).
- ``BusyCalendar`` and ``BusyTime``: a coach's own calendar (a private ICS URL the
  worker polls) and the busy times read from it, kept out of their free slots.
- ``Reminder``: one reminder of one booking on one channel, claimed before it is sent
  so it goes out once.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class TsTzRange(Func):
    """``tstzrange(start, end)``: a half-open range, [start, end)."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class SessionType(models.Model):
    """A kind of session the business sells: "1:1 training, 60 minutes", "Saturday HIIT"."""

    class Location(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")

    class Payment(models.TextChoices):
        FREE = "free", _("Free (an intro call, a session in a plan)")
        CREDITS = "credits", _("One session from the client's pack")

    class Charge(models.TextChoices):
        NOTHING = "nothing", _("Nothing: the session is given back")
        CREDIT = "credit", _("The session: it is not given back")

    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=60)
    buffer_before_minutes = models.PositiveSmallIntegerField(
        _("free time before (minutes)"),
        default=0,
        help_text=_("Kept free before each session, to travel or get ready."),
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        _("free time after (minutes)"),
        default=0,
        help_text=_("Kept free after each session, to write notes or reset the room."),
    )
    location_kind = models.CharField(
        _("where"), max_length=10, choices=Location.choices, default=Location.IN_PERSON
    )
    location = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("The address or room, in person.")
    )
    meeting_url = models.URLField(
        _("video link"),
        blank=True,
        help_text=_("The standing meeting link for online sessions of this kind."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("places"), default=1, help_text=_("1 for personal training; more for a class.")
    )
    coaches = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="session_types",
        verbose_name=_("offered by"),
        limit_choices_to={"is_staff": True, "is_active": True},
    )
    payment = models.CharField(
        _("costs"), max_length=10, choices=Payment.choices, default=Payment.CREDITS
    )
    book_ahead_days = models.PositiveSmallIntegerField(_("bookable up to (days ahead)"), default=60)
    min_notice_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"),
        default=120,
        help_text=_("How late before the start a client may still book."),
    )
    cancel_window_hours = models.PositiveSmallIntegerField(
        _("free cancellation until (hours before)"), default=24
    )
    late_cancel_charge = models.CharField(
        _("a late cancellation costs"), max_length=10, choices=Charge.choices, default=Charge.CREDIT
    )
    no_show_charge = models.CharField(
        _("a no-show costs"), max_length=10, choices=Charge.choices, default=Charge.CREDIT
    )
    is_public = models.BooleanField(
        _("prospects may book it"),
        default=False,
        help_text=_("Shown on the public booking page, for people without an account."),
    )
    is_active = models.BooleanField(_("offered"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("session type")
        verbose_name_plural = _("session types")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="sessiontype_name_unique"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=720),
                name="sessiontype_duration_5_to_720",
            ),
            models.CheckConstraint(
                condition=Q(buffer_before_minutes__lte=240, buffer_after_minutes__lte=240),
                name="sessiontype_buffers_at_most_4h",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=500), name="sessiontype_capacity_1_500"
            ),
            models.CheckConstraint(
                condition=Q(book_ahead_days__gte=1, book_ahead_days__lte=730),
                name="sessiontype_book_ahead_1_730",
            ),
            # a prospect has no pack: what they may book is free
            models.CheckConstraint(
                condition=Q(is_public=False) | Q(payment="free"),
                name="sessiontype_public_is_free",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_class(self) -> bool:
        return self.capacity > 1

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.duration_minutes)

    @property
    def buffer_before(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.buffer_before_minutes)

    @property
    def buffer_after(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.buffer_after_minutes)


class WeeklyHours(models.Model):
    """One stretch of a coach's working week, in the business's time zone."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        ordering = ["coach", "weekday", "starts"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="weeklyhours_weekday_0_6"),
            models.CheckConstraint(condition=Q(starts__lt=F("ends")), name="weeklyhours_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class TimeOff(models.Model):
    """An exception to a coach's week: time off, or extra hours."""

    class Kind(models.TextChoices):
        OFF = "off", _("Time off")
        EXTRA = "extra", _("Extra hours")

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off"
    )
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.OFF)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("time off or extra hours")
        verbose_name_plural = _("time off and extra hours")
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="timeoff_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class Appointment(models.Model):
    """Time held on a coach's calendar: one session, or one occurrence of a class."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    session_type = models.ForeignKey(
        SessionType, on_delete=models.PROTECT, related_name="appointments"
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    # the held range: the session and the free time kept around it
    held_from = models.DateTimeField()
    held_until = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField(default=1)
    booked = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    location_kind = models.CharField(max_length=10, choices=SessionType.Location.choices)
    location = models.CharField(max_length=200, blank=True)
    meeting_url = models.URLField(blank=True)
    # the meeting created for this session through a video provider (Zoom), if any
    meeting_id = models.CharField(max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # the appointments booked together as "weekly for N weeks" share a series
    series = models.UUIDField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [models.Index(fields=["coach", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="appointment_order"
            ),
            models.CheckConstraint(
                condition=Q(held_from__lte=F("starts_at"), held_until__gte=F("ends_at")),
                name="appointment_held_covers_session",
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="appointment_not_overbooked"
            ),
            ExclusionConstraint(
                name="appointment_coach_never_double_booked",
                expressions=[
                    (TsTzRange("held_from", "held_until"), RangeOperators.OVERLAPS),
                    ("coach", RangeOperators.EQUAL),
                ],
                condition=Q(status="scheduled"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_type} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.booked, 0)


class Booking(models.Model):
    """A client's place in an appointment."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")
        LATE_CANCELLED = "late_cancelled", _("Cancelled late")

    # the statuses that hold a place (and time) in the appointment
    HOLDING = (Status.BOOKED, Status.ATTENDED, Status.NO_SHOW)

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="bookings")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="bookings")
    # copied from the appointment: a client's own bookings never overlap either
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOOKED)
    # the session drawn from the client's pack for this booking ("booking:<pk>"), if any
    credit_reference = models.CharField(max_length=100, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [models.Index(fields=["client", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="booking_order"),
            models.UniqueConstraint(
                fields=["appointment", "client"],
                condition=Q(status__in=["booked", "attended", "no_show"]),
                name="booking_one_place_per_client",
            ),
            ExclusionConstraint(
                name="booking_client_never_double_booked",
                expressions=[
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                    ("client", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=["booked", "attended", "no_show"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.appointment}"

    @property
    def is_holding(self) -> bool:
        return self.status in self.HOLDING


class WaitlistEntry(models.Model):
    """A client waiting for a place in a full class; promoted in the order they joined."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        PROMOTED = "promoted", _("Got a place")
        LEFT = "left", _("Left the waitlist")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="waitlist")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist")
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "client"],
                condition=Q(status="waiting"),
                name="waitlist_once_per_client",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.appointment}"


def _default_reminder_hours() -> list[int]:
    return [24]


class SchedulingSettings(models.Model):
    """The business's booking settings (one row, pk=1)."""

    reminder_hours = ArrayField(
        models.PositiveSmallIntegerField(),
        size=3,
        default=_default_reminder_hours,
        blank=True,
        verbose_name=_("reminders (hours before)"),
        help_text=_("Up to three, e.g. 24 and 2. Leave empty to send none."),
    )
    sms_reminders = models.BooleanField(
        _("also remind by text message"),
        default=False,
        help_text=_("When text messages are set up, to clients with a mobile number."),
    )
    meeting_url = models.URLField(
        _("standing video link"),
        blank=True,
        help_text=_("Used for online sessions whose type has no link of its own."),
    )
    zoom_meetings = models.BooleanField(
        _("create a Zoom meeting for each online session"),
        default=False,
        help_text=_("When Zoom is set up; otherwise the standing link is used."),
    )

    class Meta:
        verbose_name = _("booking settings")
        verbose_name_plural = _("booking settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="schedulingsettings_singleton"),
        ]

    def __str__(self) -> str:
        return str(_("Booking settings"))


class CalendarFeed(models.Model):
    """A person's private calendar feed: ``/calendar/<token>.ics`` holds only their
    bookings. A new token revokes the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)


class BusyCalendar(models.Model):
    """A coach's own calendar, read from the private ICS address they pasted in."""

    coach = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="busy_calendar"
    )
    url = models.URLField(_("private calendar address (ICS)"), max_length=2000)
    polled_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    etag = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("own calendar")
        verbose_name_plural = _("own calendars")

    def __str__(self) -> str:
        return str(self.coach)


class BusyTime(models.Model):
    """A busy time read from a coach's own calendar (no title: it is private)."""

    calendar = models.ForeignKey(BusyCalendar, on_delete=models.CASCADE, related_name="times")
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="busy_times"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["coach", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="busytime_order"),
        ]

    def __str__(self) -> str:
        return f"{self.coach} {self.starts_at:%Y-%m-%d %H:%M}"


class Reminder(models.Model):
    """One reminder of one booking on one channel. The worker claims it (a committed
    row) before sending, so a restart mid-run never sends it twice."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("Text message")

    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders")
    hours_before = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=5, choices=Channel.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SENDING)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["claimed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "hours_before", "channel"], name="reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking} · {self.hours_before} h · {self.channel}"
