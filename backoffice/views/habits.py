"""Back office: the client panel's "Add a habit" and "Stop" buttons (POST), back to
the client page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _

from accounts.policies import staff_may
from clients.selectors import client_queryset_for
from programs.forms_habits import HabitAddForm
from programs.selectors.habits import habits_for
from programs.services.habits import habit_archive, habit_assign

from .client_profile import profile_url


def urls(site):
    return [
        path(
            "clients/habit/client/<int:client_id>/add/",
            site.admin_view(add_for_client_view),
            name="clients_habit_client",
        ),
        path(
            "clients/habit/<int:habit_id>/stop/",
            site.admin_view(stop_view),
            name="clients_habit_stop",
        ),
    ]


def _client_page(client_id: int) -> str:
    return profile_url(client_id, "nutrition") + "#nutrition"


def _errors_to_messages(request, errors: dict) -> None:
    for field_errors in errors.values():
        for error in field_errors:
            messages.error(request, error)


def add_for_client_view(request, client_id: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not staff_may(request.user, "clients.add_habit"):
        raise PermissionDenied
    client = get_object_or_404(client_queryset_for(user=request.user), pk=client_id)
    form = HabitAddForm(request.POST)
    if not form.is_valid():
        _errors_to_messages(request, form.errors)
        return redirect(_client_page(client.pk))
    data = form.cleaned_data
    try:
        habit = habit_assign(
            client=client,
            name=data["name"],
            target=data["target"],
            unit=data["unit"],
            weekdays=data["weekdays"] or None,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            by=request.user,
        )
    except ValidationError as exc:
        _errors_to_messages(request, exc.message_dict)
        return redirect(_client_page(client.pk))
    messages.success(
        request,
        _("%(name)s: new habit “%(habit)s”.") % {"name": client.full_name, "habit": habit.name},
    )
    return redirect(_client_page(client.pk))


def stop_view(request, habit_id: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not staff_may(request.user, "clients.change_habit"):
        raise PermissionDenied
    habit = get_object_or_404(habits_for(user=request.user), pk=habit_id)
    habit_archive(habit=habit, by=request.user)
    messages.success(request, _("Stopped “%(habit)s”.") % {"habit": habit.name})
    return redirect(_client_page(habit.client_id))
