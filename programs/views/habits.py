"""Portal pages: the client's habits (/habits/): today's, one tap to tick off, streaks."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.policies import portal_client_required
from clients.models import Habit
from clients.services.measurements import client_today

from ..forms_habits import HabitTickForm
from ..selectors.habits import habit_days
from ..services import habits as svc

SECTION = gettext_lazy("Your habits")


@portal_client_required(section=SECTION)
def habits(request):
    client = request.client
    today = client_today(client=client, business=request.tenant)
    days = habit_days(client=client, today=today)
    context = {
        "client": client,
        "today": today,
        "due": [d for d in days if d.is_scheduled],
        "not_due": [d for d in days if not d.is_scheduled],
        "done_count": sum(1 for d in days if d.is_scheduled and d.is_done),
        "errors": request.session.pop("habit_errors", None),
    }
    return render(request, "programs/portal/habits.html", context)


@portal_client_required(section=SECTION)
@require_POST
def habit_tick(request, pk: int):
    """Tick a habit off (or undo, with ``undo``) for today or a recent ``date``."""
    client = request.client
    habit = get_object_or_404(Habit, pk=pk, client=client, archived_at__isnull=True)
    today = client_today(client=client, business=request.tenant)
    next_url = request.POST.get("next") or "/habits/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/habits/"
    form = HabitTickForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(next_url)
    on = form.cleaned_data["date"] or today
    if request.POST.get("undo"):
        svc.habit_uncheck(habit=habit, on=on, by=request.user)
        messages.success(request, _("Unticked %(habit)s.") % {"habit": habit.name})
        return redirect(next_url)
    try:
        checked = svc.habit_check(
            habit=habit,
            on=on,
            value=form.cleaned_data["value"],
            by=request.user,
            today=today,
        )
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for error in errors:
                messages.error(request, error)
        return redirect(next_url)
    if checked.check.is_done:
        messages.success(request, _("Done: %(habit)s. Keep it up!") % {"habit": habit.name})
    else:
        messages.info(
            request,
            _("Saved %(value)s of %(target)s %(unit)s for %(habit)s.")
            % {
                "value": checked.check.value,
                "target": habit.target,
                "unit": habit.unit,
                "habit": habit.name,
            },
        )
    return redirect(next_url)


urlpatterns = [
    path("habits/", habits, name="portal_habits"),
    path("habits/<int:pk>/tick/", habit_tick, name="portal_habit_tick"),
]
