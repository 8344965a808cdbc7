"""Forms of the booking pages: input is parsed here once, services get typed values."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.widgets import ClientSelect


class TimeChoiceForm(forms.Form):
    """A start time picked from the offered ones: ISO 8601 with its offset (the pages
    write them so), and the coach it is with. A time without an offset is refused: it
    would be read in the server's time zone, not the client's."""

    starts_at = forms.CharField(max_length=40)
    coach = forms.IntegerField(min_value=1, required=False)

    def clean_starts_at(self) -> dt.datetime:
        try:
            value = dt.datetime.fromisoformat(self.cleaned_data["starts_at"].strip())
        except ValueError:
            value = None
        if value is None or value.tzinfo is None:
            raise forms.ValidationError(_("Pick one of the times shown."))
        return value.astimezone(dt.UTC)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class DayForm(forms.Form):
    """The day whose times a picker shows (the client's calendar date)."""

    day = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    coach = forms.IntegerField(min_value=1, required=False)


class _WallTimeForm(forms.Form):
    """A day and a time on the business's clock (the calendar's), read as one moment."""

    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("Time"), widget=forms.TimeInput(attrs={"type": "time", "step": 300})
    )

    def __init__(self, *args, tz, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz = tz

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("time") is not None:
            wall = dt.datetime.combine(data["day"], data["time"])
            moment = wall.replace(tzinfo=self.tz)
            # a wall time skipped when the clocks go forward does not exist
            if moment.astimezone(dt.UTC).astimezone(self.tz).replace(tzinfo=None) != wall:
                raise forms.ValidationError(
                    {"time": _("The clocks go forward at that time: pick another.")}
                )
            data["starts_at"] = moment.astimezone(dt.UTC)
        return data


class CalendarBookForm(_WallTimeForm):
    """The calendar's "Book a session": who, what, with whom and when. The choices are
    what the signed-in person may book (their own clients; a coach, their own calendar)."""

    session_type = forms.ModelChoiceField(queryset=None, label=_("Session"))
    coach = forms.ModelChoiceField(queryset=None, label=_("Coach"))
    client = forms.ModelChoiceField(
        queryset=None,
        label=_("Client"),
        required=False,
        help_text=_("Required for one-to-one sessions; for a class, adds them to it."),
        widget=ClientSelect,
    )
    weeks = forms.IntegerField(
        label=_("Repeat weekly for"),
        min_value=1,
        max_value=26,
        initial=1,
        help_text=_("Weeks, this one included. 1 books this session only."),
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=200)

    field_order = ["client", "session_type", "coach", "day", "time", "weeks", "note"]

    def __init__(self, *args, session_types, coaches, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session_type"].queryset = session_types
        self.fields["coach"].queryset = coaches
        self.fields["client"].queryset = clients
        self.fields["coach"].label_from_instance = lambda u: u.get_full_name() or u.email

    def clean(self):
        data = super().clean()
        kind = data.get("session_type")
        if kind and not kind.is_class and not data.get("client"):
            self.add_error("client", _("Choose who the session is for."))
        if kind and kind.is_class and (data.get("weeks") or 1) > 1:
            self.add_error("weeks", _("Classes are scheduled one time at a time."))
        return data


class MoveForm(_WallTimeForm):
    """Move a session to another day, time or coach: the calendar without dragging."""

    coach = forms.ModelChoiceField(queryset=None, label=_("Coach"))

    def __init__(self, *args, coaches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = coaches
        self.fields["coach"].label_from_instance = lambda u: u.get_full_name() or u.email


class AttendanceForm(forms.Form):
    booking = forms.IntegerField(min_value=1)
    status = forms.ChoiceField(
        choices=[("attended", _("Attended")), ("no_show", _("No-show")), ("booked", _("Booked"))]
    )


class StaffCancelForm(CancelForm):
    booking = forms.IntegerField(min_value=1)
    waive_late = forms.BooleanField(label=_("Don't charge a late cancellation"), required=False)


class ClassAddForm(forms.Form):
    """Staff give a client a place in a class from its roster."""

    client = forms.ModelChoiceField(queryset=None, label=_("Add a client"), widget=ClientSelect)

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
