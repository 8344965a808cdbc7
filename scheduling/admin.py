"""Back office lists and forms of scheduling: what the business offers (session types),
the coaches' working hours and time off, and the sessions and bookings (read, with
attendance to mark). Every write goes through ``scheduling.services``."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from accounts.policies import (
    OwnerWritesAdminMixin,
    StaffAdminMixin,
    is_owner,
    is_staff_member,
)
from mectofitness.core.admin_registry import register_in_backoffice
from mectofitness.core.sms import sms_is_configured

from .models import (
    Appointment,
    Booking,
    BusyCalendar,
    SchedulingSettings,
    SessionType,
    TimeOff,
    WeeklyHours,
)
from .selectors import appointment_queryset_for, booking_queryset_for
from .services import booking as booking_svc
from .services import booking_settings
from .services import setup as svc
from .services.video import zoom_is_configured


def _form_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _staff():
    return User.objects.filter(is_staff=True, is_active=True).order_by("first_name", "email")


class SessionTypeForm(forms.ModelForm):
    class Meta:
        model = SessionType
        fields = ["name", "description", *svc.DETAIL_FIELDS[2:], "coaches"]
        widgets = {"coaches": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "coaches" in self.fields:  # a coach reads the type: no fields to fill
            self.fields["coaches"].queryset = _staff()

    def details(self) -> svc.SessionTypeDetails:
        return svc.SessionTypeDetails(**{n: self.cleaned_data[n] for n in svc.DETAIL_FIELDS})

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                svc.session_type_validate(session_type=self.instance, details=self.details())
            except ValidationError as exc:
                _form_errors(self, exc)
        return data


class SessionTypeAdmin(OwnerWritesAdminMixin, admin.ModelAdmin):
    """What clients book: "1:1 training, 60 min", "Saturday HIIT" (the owner sets them)."""

    form = SessionTypeForm
    list_display = ["name", "length", "capacity", "payment", "offered_by", "is_public", "is_active"]
    list_filter = ["is_active", "location_kind", "payment"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "description", "coaches", "is_active", "position"]}),
        (
            gettext_lazy("Time and place"),
            {
                "fields": [
                    "duration_minutes",
                    "buffer_before_minutes",
                    "buffer_after_minutes",
                    "location_kind",
                    "location",
                    "meeting_url",
                    "capacity",
                ]
            },
        ),
        (
            gettext_lazy("Booking and cancelling"),
            {
                "fields": [
                    "payment",
                    "book_ahead_days",
                    "min_notice_minutes",
                    "cancel_window_hours",
                    "late_cancel_charge",
                    "no_show_charge",
                    "is_public",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("coaches")

    @admin.display(description=gettext_lazy("length"))
    def length(self, obj):
        return _("%(n)s min") % {"n": obj.duration_minutes}

    @admin.display(description=gettext_lazy("offered by"))
    def offered_by(self, obj):
        return ", ".join(c.first_name or c.email for c in obj.coaches.all())

    def save_model(self, request, obj, form, change):
        pass  # saved with its coaches in save_related, through the service

    def save_related(self, request, form, formsets, change):
        coaches = list(form.cleaned_data["coaches"])
        if change:
            saved = svc.session_type_update(
                session_type=form.instance, by=request.user, details=form.details(), coaches=coaches
            )
        else:
            saved = svc.session_type_create(
                by=request.user, details=form.details(), coaches=coaches
            )
        form.instance.pk = saved.pk
        form.instance.__dict__.update(saved.__dict__)

    def delete_model(self, request, obj):
        if not svc.session_type_delete(session_type=obj, by=request.user):
            messages.info(
                request,
                _("%(name)s has bookings: it is no longer offered, and its history stays.")
                % {"name": obj.name},
            )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class _CoachScopedAdmin(StaffAdminMixin, admin.ModelAdmin):
    """A coach sees and changes their own; the owner everyone's."""

    def get_queryset(self, request):
        rows = super().get_queryset(request).select_related("coach")
        return rows if is_owner(request.user) else rows.filter(coach=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "coach":
            kwargs["queryset"] = (
                _staff() if is_owner(request.user) else User.objects.filter(pk=request.user.pk)
            )
            kwargs["initial"] = request.user.pk
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class WeeklyHoursForm(forms.ModelForm):
    class Meta:
        model = WeeklyHours
        fields = ["coach", "weekday", "starts", "ends"]

    def clean(self):
        data = super().clean()
        if not self.errors:
            stretch = svc.Stretch(data["weekday"], data["starts"], data["ends"])
            hours = self.instance if self.instance.pk else None
            try:
                svc.stretches_validate(
                    coach=data["coach"],
                    stretches=svc.week_with(coach=data["coach"], stretch=stretch, hours=hours),
                )
            except ValidationError as exc:
                _form_errors(self, exc)
        return data


class WeeklyHoursAdmin(_CoachScopedAdmin):
    """Working hours, in the business's time zone: clients book inside them."""

    form = WeeklyHoursForm
    list_display = ["coach", "weekday", "starts", "ends"]
    list_filter = ["weekday"]

    def save_model(self, request, obj, form, change):
        stretch = svc.Stretch(obj.weekday, obj.starts, obj.ends)
        existing = WeeklyHours.objects.get(pk=obj.pk) if change else None
        saved = svc.weekly_hours_save(
            hours=existing, coach=obj.coach, stretch=stretch, by=request.user
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        svc.weekly_hours_delete(hours=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            svc.weekly_hours_delete(hours=obj, by=request.user)


class TimeOffAdmin(_CoachScopedAdmin):
    """Time off closes hours; extra hours open some. Booked sessions in them stay."""

    list_display = ["coach", "kind", "starts_at", "ends_at", "note"]
    list_filter = ["kind"]
    fields = ["coach", "kind", "starts_at", "ends_at", "note"]

    def save_model(self, request, obj, form, change):
        saved = svc.time_off_save(
            time_off=TimeOff.objects.get(pk=obj.pk) if change else None,
            coach=obj.coach,
            kind=obj.kind,
            starts_at=obj.starts_at,
            ends_at=obj.ends_at,
            note=obj.note,
            by=request.user,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        svc.time_off_delete(time_off=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            svc.time_off_delete(time_off=obj, by=request.user)


class _ReadOnlyAdmin(StaffAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BookingInline(admin.TabularInline):
    model = Booking
    fields = ["client", "status", "booked_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AppointmentAdmin(_ReadOnlyAdmin):
    """Sessions on the coaches' calendars (a coach: those they run or their clients
    booked)."""

    list_display = ["starts_at", "session_type", "coach", "places", "status"]
    list_filter = ["status", "session_type", "coach"]
    date_hierarchy = "starts_at"
    show_full_result_count = False  # one count of thousands less; the filtered count stays
    inlines = [BookingInline]
    fields = [
        "session_type",
        "coach",
        "starts_at",
        "ends_at",
        "capacity",
        "booked",
        "status",
        "location_kind",
        "location",
        "meeting_url",
        "note",
    ]

    def get_queryset(self, request):
        return appointment_queryset_for(user=request.user)

    @admin.display(description=gettext_lazy("places"))
    def places(self, obj):
        return f"{obj.booked} / {obj.capacity}"


class BookingAdmin(_ReadOnlyAdmin):
    """Who booked what; mark attendance from the list."""

    list_display = ["starts_at", "client", "session", "coach", "status"]
    list_filter = ["status", "appointment__session_type"]
    search_fields = ["client__first_name", "client__last_name", "client__email"]
    date_hierarchy = "starts_at"
    show_full_result_count = False  # one count of thousands less; the filtered count stays
    actions = ["mark_attended", "mark_no_show"]
    fields = ["client", "appointment", "starts_at", "ends_at", "status", "cancel_reason"]

    def get_queryset(self, request):
        return booking_queryset_for(user=request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        if not is_staff_member(request.user):
            return {}
        return actions

    @admin.display(description=gettext_lazy("session"))
    def session(self, obj):
        return obj.appointment.session_type.name

    @admin.display(description=gettext_lazy("coach"))
    def coach(self, obj):
        coach = obj.appointment.coach
        return coach.first_name or coach.email

    def _mark(self, request, queryset, status: str, done: str):
        marked = 0
        for booking in queryset:
            try:
                booking_svc.attendance_mark(booking=booking, status=status, by=request.user)
                marked += 1
            except (ValidationError, PermissionDenied) as exc:
                messages.error(
                    request, f"{booking}: {' '.join(getattr(exc, 'messages', [str(exc)]))}"
                )
        if marked:
            messages.success(request, ngettext(done, done, marked) % {"n": marked})

    @admin.action(description=gettext_lazy("Mark attended"))
    def mark_attended(self, request, queryset):
        self._mark(request, queryset, Booking.Status.ATTENDED, "%(n)s marked attended.")

    @admin.action(description=gettext_lazy("Mark no-show"))
    def mark_no_show(self, request, queryset):
        self._mark(request, queryset, Booking.Status.NO_SHOW, "%(n)s marked no-show.")


register_in_backoffice(SessionType, SessionTypeAdmin)
register_in_backoffice(WeeklyHours, WeeklyHoursAdmin)
register_in_backoffice(TimeOff, TimeOffAdmin)
register_in_backoffice(Appointment, AppointmentAdmin)
register_in_backoffice(Booking, BookingAdmin)


class BusyCalendarAdmin(_ReadOnlyAdmin):
    """The back office's list "Own calendars" opens the page where a coach pastes
    their calendar's address (the owner sees every coach's there). No pages of its own."""

    def get_urls(self):
        return [
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name="scheduling_busycalendar_changelist",
            )
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return redirect("backoffice:scheduling_busy_calendar")


register_in_backoffice(BusyCalendar, BusyCalendarAdmin)


class SchedulingSettingsForm(forms.ModelForm):
    class Meta:
        model = SchedulingSettings
        fields = ["reminder_hours", "sms_reminders", "meeting_url", "zoom_meetings"]
        help_texts = {
            "reminder_hours": gettext_lazy(
                "Hours before the start, separated by commas: 24, 2. From 1 to 168 (a week), "
                "up to three. Empty: no reminders."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "sms_reminders" in self.fields and not sms_is_configured():
            self.fields["sms_reminders"].help_text = _(
                "Text messages are not set up on this platform yet: until they are, "
                "reminders go by e-mail only."
            )
        if "zoom_meetings" in self.fields and not zoom_is_configured():
            self.fields["zoom_meetings"].help_text = _(
                "Zoom is not set up on this platform yet: until it is, online sessions "
                "use their own link or the standing link."
            )

    def clean_reminder_hours(self):
        try:
            return booking_settings.reminder_hours_clean(self.cleaned_data["reminder_hours"] or [])
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["reminder_hours"]) from exc

    def details(self) -> booking_settings.BookingSettingsDetails:
        return booking_settings.BookingSettingsDetails(
            reminder_hours=self.cleaned_data["reminder_hours"],
            sms_reminders=self.cleaned_data["sms_reminders"],
            meeting_url=self.cleaned_data["meeting_url"],
            zoom_meetings=self.cleaned_data["zoom_meetings"],
        )


class SchedulingSettingsAdmin(OwnerWritesAdminMixin, admin.ModelAdmin):
    """Booking settings (one row): reminders and the standing video link. The owner
    changes them; coaches read them."""

    form = SchedulingSettingsForm
    fieldsets = [
        (gettext_lazy("Reminders"), {"fields": ["reminder_hours", "sms_reminders"]}),
        (gettext_lazy("Online sessions"), {"fields": ["meeting_url", "zoom_meetings"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # one row: the page is "Booking settings", not "Change booking settings"
        extra = {"title": _("Booking settings"), "subtitle": None, **(extra_context or {})}
        return super().changeform_view(request, object_id, form_url, extra)

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        booking_settings.scheduling_settings_get()
        return redirect("backoffice:scheduling_schedulingsettings_change", 1)

    def get_object(self, request, object_id, from_field=None):
        if str(object_id) == "1":
            booking_settings.scheduling_settings_get()
        return super().get_object(request, object_id, from_field)

    def save_model(self, request, obj, form, change):
        saved = booking_settings.scheduling_settings_update(by=request.user, details=form.details())
        obj.__dict__.update(saved.__dict__)

    def response_change(self, request, obj):
        messages.success(request, _("Booking settings saved."))
        return redirect("backoffice:scheduling_schedulingsettings_change", 1)


register_in_backoffice(SchedulingSettings, SchedulingSettingsAdmin)
