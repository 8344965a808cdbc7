"""The bench's baseline: plain Django, no tenant routing (MF_PLAIN_DJANGO=1 only).

``/ping`` is the routing bench's trivial view. ``/api/v1/me/`` and ``/api/v1/clients/``
here are the API bench's (bench/api.py): at the API's addresses, the same JSON as the API
gives the owner there, read from the same rows of one business schema the way a plain
Django view would (``.values()``, ``JsonResponse``), without DRF, token authentication,
throttles or tenant routing. The schema is fixed by the settings (``MF_PLAIN_SCHEMA``),
and so is the person /api/v1/me/ describes (``MF_PLAIN_USER_ID``): nothing here comes from
the request. The rest of the middleware is the site's own, so the difference between
the two is what the API's stack adds (a test keeps the two answers equal:
mectofitness/tests/test_plain_baseline.py).
"""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.paginator import EmptyPage, Paginator
from django.db import connection
from django.http import JsonResponse
from django.urls import path

from accounts.models import User
from accounts.roles import CLIENT, COACH, OWNER
from clients.models import Client
from mectofitness.core import views as core_views

CLIENT_FIELDS = [
    "id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "date_of_birth",
    "gender",
    "goals",
    "experience_level",
    "injuries",
    "medical_notes",
    "emergency_contact_name",
    "emergency_contact_phone",
    "timezone",
    "units",
    "primary_coach_id",
    "source",
    "status",
    "status_changed_at",
    "last_activity_at",
    "user_id",
    "created_at",
    "updated_at",
]


class _Encoder(json.JSONEncoder):
    """Dates and times as DRF writes them (ISO 8601, microseconds kept, UTC as Z)."""

    def default(self, o):
        if hasattr(o, "isoformat"):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def _json(data) -> JsonResponse:
    # DRF's renderer: compact, UTF-8 as is
    return JsonResponse(
        data,
        encoder=_Encoder,
        safe=False,
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


def plain_me(request):
    connection.set_schema(settings.PLAIN_SCHEMA)
    fields = ["id", "email", "first_name", "last_name", "phone", "timezone"]
    me = User.objects.values(*fields).get(pk=settings.PLAIN_USER_ID)
    names = set(Group.objects.filter(user=me["id"]).values_list("name", flat=True))
    me["role"] = next((role for role in (OWNER, COACH, CLIENT) if role in names), None)
    return _json(me)


def _page_link(request, page: int | None) -> str | None:
    """The page's address as DRF's page-number pagination writes it (parameters sorted,
    no ``page`` for the first)."""
    if page is None:
        return None
    params = dict(request.GET.items())
    params.pop("page", None)
    if page > 1:
        params["page"] = str(page)
    query = urlencode(sorted(params.items()))
    return request.build_absolute_uri(request.path) + (f"?{query}" if query else "")


def plain_clients(request):
    connection.set_schema(settings.PLAIN_SCHEMA)
    size = settings.REST_FRAMEWORK["PAGE_SIZE"]
    try:
        asked = int(request.GET.get("page_size", ""))
        size = min(asked, settings.API_PAGE_SIZE_MAX) if asked > 0 else size
    except ValueError:
        pass
    clients = Client.objects.exclude(status=Client.Status.ARCHIVED).values(*CLIENT_FIELDS)
    try:
        page = Paginator(clients, size).page(request.GET.get("page", 1))
    except (EmptyPage, ValueError):
        return JsonResponse({"detail": "Invalid page."}, status=404)
    rows = list(page.object_list)
    ids = [row["id"] for row in rows]
    tags = {pk: [] for pk in ids}
    for pk, name in Client.tags.through.objects.filter(client_id__in=ids).values_list(
        "client_id", "tag__name"
    ):
        tags[pk].append(name)
    coaches = {pk: [] for pk in ids}
    for pk, coach in (
        Client.coaches.through.objects.filter(client_id__in=ids)
        .order_by("user__first_name", "user__last_name", "user__email")
        .values_list("client_id", "user_id")
    ):
        coaches[pk].append(coach)
    results = []
    for row in rows:
        user_id = row.pop("user_id")
        results.append(
            {
                **{k: row[k] for k in CLIENT_FIELDS[:11]},
                "has_health_flag": bool(row["injuries"].strip() or row["medical_notes"].strip()),
                **{k: row[k] for k in CLIENT_FIELDS[11:15]},
                "primary_coach": row["primary_coach_id"],
                "coaches": coaches[row["id"]],
                "source": row["source"],
                "tags": sorted(tags[row["id"]]),
                "status": row["status"],
                "status_changed_at": row["status_changed_at"],
                "last_activity_at": row["last_activity_at"],
                "has_portal_login": user_id is not None,
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
            }
        )
    return _json(
        {
            "count": page.paginator.count,
            "next": _page_link(request, page.next_page_number() if page.has_next() else None),
            "previous": _page_link(
                request, page.previous_page_number() if page.has_previous() else None
            ),
            "results": results,
        }
    )


urlpatterns = [
    path("ping", core_views.ping),
    path("api/v1/me/", plain_me),
    path("api/v1/clients/", plain_clients),
]
