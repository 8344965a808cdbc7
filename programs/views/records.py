"""Portal pages: the client's personal records, best first per exercise."""

from django.shortcuts import render
from django.urls import path

from accounts.policies import portal_client_required
from clients import units as u

from ..models import PersonalRecord
from ..selectors.logging import record_entry, records_for
from .logging import SECTION


@portal_client_required(section=SECTION)
def records(request):
    """Every record, grouped by exercise, newest first; how records are detected."""
    client = request.client
    system = u.units_for(client=client, viewer=request.user, business=request.tenant)
    groups: dict[str, dict] = {}
    for record in records_for(client=client):
        name = (record.catalog_exercise or record.exercise).name
        group = groups.setdefault(name, {"name": name, "current": {}, "history": []})
        key = (record.kind, record.reps)
        entry = record_entry(record, system)
        group["current"].setdefault(key, entry)  # newest first: the current best
        group["history"].append(entry)
    for group in groups.values():
        order = {PersonalRecord.Kind.E1RM: 0, PersonalRecord.Kind.REP_MAX: 1, "volume": 2}
        group["current"] = sorted(
            group["current"].values(),
            key=lambda e: (order.get(e["record"].kind, 3), e["record"].reps or 0),
        )
    context = {"client": client, "groups": sorted(groups.values(), key=lambda g: g["name"])}
    return render(request, "programs/portal/records.html", context)


urlpatterns = [path("progress/records/", records, name="portal_records")]
