"""Who may open what: every route of both URL confs, for every kind of visitor.

The test walks the tenant and public URL resolvers (includes, both admin sites, the DRF
router) and fails for a route that has neither a row here nor an entry in EXEMPT: a page
added later without a row fails the suite. One crawl GETs every route as every visitor
(never POST) and fails on any server error.

Visitors at acme (``routes.TENANT_VISITORS``): the owner; the coach of the client whose
objects the rows open; another coach of acme; that client; another client; a client
login without a client record ("norecord") and one whose record is archived
("archived"), both only where a row names them; an anonymous visitor; zen's owner's
session sent to acme's host ("other_business", always the same as anonymous); acme's
owner while acme is suspended ("suspended"). On the public domain: anonymous, and acme's
owner's session sent there (the same as anonymous).

Expected outcomes: a status, LOGIN (sent to sign in), a redirect target (a path; ``{name}``
is filled from the fixture's objects), or CHANGE (the admin's ``<id>/`` redirect to its
change page).

Sockets have a matrix of their own, walked from the ASGI application: test_socket_matrix.py.

The rows state the TARGET policy (accounts.policies, issue 12). Where the code answered
otherwise when this file was written (at 61818c0), the row says so in a comment; the
comment block "Today's answers that differ" at the end lists them all.
"""

import os
import time

import pytest
from django.db import transaction

from .routes import (
    CHANGE,
    PUBLIC,
    PUBLIC_VISITORS,
    TENANT,
    TENANT_VISITORS,
    Crash,
    all_routes,
    crawl,
    fill,
    is_format_suffix,
    values_for,
    world_build,
)

LOGIN = "login"
A = "/admin/"  # staff opening a portal page go to the back office
LOCKED = 403  # tenants/locked.html

# --- profiles: who may open a kind of route ------------------------------------------------
# norecord/archived are named only where clients are meant to be: elsewhere they are
# clients like any other, and not crawled (to keep the crawl short).

STAFF = {"owner": 200, "coach": 200, "other_coach": 200, "client": 403, "other_client": 403}
OWNER = {"owner": 200, "coach": 403, "other_coach": 403, "client": 403, "other_client": 403}
NOBODY = {"owner": 403, "coach": 403, "other_coach": 403, "client": 403, "other_client": 403}
# a back-office page of the client's object: the other coach is told it does not exist
# (the stock admin redirects to the index with a message)
OF_CLIENT = STAFF | {"other_coach": A}
OF_CLIENT_404 = STAFF | {"other_coach": 404}
STAFF_POST = {"owner": 405, "coach": 405, "other_coach": 405, "client": 403, "other_client": 403}
OWNER_POST = STAFF_POST | {"coach": 403, "other_coach": 403}
ADMIN_REDIRECT = {"owner": CHANGE, "coach": CHANGE, "other_coach": CHANGE}
ADMIN_REDIRECT |= {"client": 403, "other_client": 403}

_NO_RECORD = {"norecord": 403, "archived": 403}  # TARGET: one "no record" page, 403
PORTAL = {"owner": A, "coach": A, "other_coach": A, "client": 200, "other_client": 200}
PORTAL |= _NO_RECORD
PORTAL_OWN = PORTAL | {"other_client": 404}  # the client's object, by id
# a POST-only portal door: the portal's rule first, then the method
PORTAL_POST = PORTAL | {"client": 405, "other_client": 405}
# a file of the client's (photo, uploaded answer): their staff and themselves
FILE_OF_CLIENT = {"owner": 200, "coach": 200, "other_coach": 404, "client": 200}
FILE_OF_CLIENT |= {"other_client": 404, "norecord": 404, "archived": 404}
SIGNED_IN = {v: 200 for v in ("owner", "coach", "other_coach", "client", "other_client")}
SIGNED_IN |= {"norecord": 200, "archived": 200}
OPEN = SIGNED_IN | {"anonymous": 200}

# the API answers 401 to anonymous visitors
API_STAFF = STAFF | {"anonymous": 401}
API_OWNER = OWNER | {"anonymous": 401}
API_SIGNED_IN = SIGNED_IN | {"anonymous": 401}
API_SIGNED_POST = {v: 405 for v in SIGNED_IN} | {"anonymous": 401}
# the API's default door (accounts.policies.IsMember): staff and clients with a record
API_MEMBER_POST = API_SIGNED_POST | {"norecord": 403, "archived": 403}
API_STAFF_POST = STAFF_POST | {"anonymous": 401}
API_OWNER_POST = OWNER_POST | {"anonymous": 401}
# the client's own data: each sees what is theirs (staff: their clients')
API_MINE = API_SIGNED_IN | _NO_RECORD
API_OF_CLIENT = API_MINE | {"other_coach": 404, "other_client": 404}
API_OF_CLIENT_STAFF = API_STAFF | {"other_coach": 404}
# billing: coaches do not see it unless the owner lets them (billing.services.shop)
API_BILLING_OF_CLIENT = API_OF_CLIENT | {"coach": 404}


def row(profile: dict, fill: dict | None = None, **overrides) -> dict:
    expect = {"anonymous": LOGIN, "suspended": LOCKED} | profile | overrides
    expect.setdefault("other_business", expect["anonymous"])
    return {"expect": expect, "fill": fill or {}}


def admin_model(
    name: str,
    *,
    changelist=STAFF,
    add=STAFF,
    history=STAFF,
    delete=NOBODY,
    change=STAFF,
    **overrides,
) -> dict:
    """The six stock URLs of a model in the back office, ``name`` = "app/model"."""
    base = f"admin/{name}/"
    return {
        base: row(changelist, **overrides),
        base + "add/": row(add, **overrides),
        base + "<path:object_id>/history/": row(history, **overrides),
        base + "<path:object_id>/delete/": row(delete, **overrides),
        base + "<path:object_id>/change/": row(change, **overrides),
        base + "<path:object_id>/": row(ADMIN_REDIRECT, **overrides),
    }


# --- the business's site (mectofitness/urls_tenant.py) -------------------------------------

PUBLIC_PAGE = row(OPEN)
_TO_REAUTH = {v: "/accounts/reauthenticate/" for v in SIGNED_IN}
_NONE_SET_UP = {v: 404 for v in SIGNED_IN}  # nobody has two-factor sign-in set up
_TO_INVOICES = {v: "/admin/billing/invoice/" for v in ("owner", "coach", "other_coach")}
TENANT_ROWS = {
    # probes. TARGET: ping answers while locked, like healthz (today 403)
    "ping": row(OPEN, suspended=200),
    "healthz": row(OPEN, suspended=200),
    "manifest.webmanifest": PUBLIC_PAGE,
    "icons/<int:size>.png": row(OPEN, fill={"size": 192}),
    "sw.js": PUBLIC_PAGE,
    # the sign-in page shows it, also while locked (acme has no logo: 404)
    "branding/logo": row({v: 404 for v in OPEN}, suspended=404),
    "library/images/<path:name>": row(
        {v: 404 for v in OPEN}, fill={"name": "none.jpg"}
    ),  # a missing catalog image
    # the portal
    # the portal's home always opens for a client: it says why there is nothing yet
    "": row(PORTAL | {"norecord": 200, "archived": 200}),
    "profile/": row(SIGNED_IN),
    # saying yes or no to texts (notifications.views_channels): anyone signed in here
    "profile/texts/": row(SIGNED_IN),
    # Twilio's delivery status of this business's texts: POST with its signature only
    # (notifications/tests/test_sms.py)
    "hooks/twilio/status/": row({v: 405 for v in OPEN}),
    # TARGET: only people the viewer may see (today any staff: other_coach 200)
    "profile/photo/<int:user_id>/": row(
        {
            "owner": 200,
            "coach": 200,
            "other_coach": 404,
            "client": 200,
            "other_client": 404,
        }
    ),
    # TARGET: a client's photo is not served to staff who may not see the client
    # (today any staff: other_coach 200)
    # a file of the business's own; people's files never come through here
    # (tenants/tests/test_storage.py)
    "media/<path:path>": row(
        {"owner": 200, "coach": 200, "other_coach": 200, "client": 404, "other_client": 404},
        fill={"path": "=media_path"},
    ),
    "invite/<str:token>/": row({v: 410 for v in OPEN}, fill={"token": "not-a-token"}),
    "f/<str:token>/": row(OPEN, fill={"token": "=form_token"}),
    "f/<str:token>/thanks/": row(OPEN, fill={"token": "=form_token"}),
    # a mailed confirmation of answers held off a record: a bad token says so
    "f/confirm/<str:token>/": row({v: 404 for v in OPEN}, fill={"token": "not-a-token"}),
    "forms/": row(PORTAL),
    "forms/<int:pk>/": row(PORTAL_OWN, fill={"pk": "assignment"}),
    "forms/files/<int:pk>/": row(FILE_OF_CLIENT, fill={"pk": "responsefile"}),
    "check-ins/": row(PORTAL),
    "check-ins/<int:plan_id>/": row(PORTAL, fill={"plan_id": "checkinplan"}),
    "progress/": row(PORTAL),
    "progress/measurements/<int:pk>/delete/": row(PORTAL_POST, fill={"pk": "measurement"}),
    "progress/photos/": row(PORTAL),
    "progress/photos/compare/": row(PORTAL),
    "progress/photos/<int:pk>/": row(FILE_OF_CLIENT, fill={"pk": "progressphoto"}),
    "progress/photos/<int:pk>/thumb/": row(FILE_OF_CLIENT, fill={"pk": "progressphoto"}),
    "progress/photos/<int:pk>/delete/": row(PORTAL_POST, fill={"pk": "progressphoto"}),
    "profile/data/": row(PORTAL),
    "exercises/<str:key>/": row(SIGNED_IN, fill={"key": "=catalog_key"}),
    "calendar/": row(PORTAL),
    "workouts/": row(PORTAL),
    "workouts/new/": row(PORTAL),
    # the client's workout was logged: the logger sends them to its summary
    "workouts/<int:pk>/": row(
        PORTAL_OWN, fill={"pk": "scheduledworkout"}, client="/workouts/log/{log_uuid}/"
    ),
    "workouts/log/<uuid:log_uuid>/": row(PORTAL_OWN, fill={"log_uuid": "=log_uuid"}),
    "workouts/log/<uuid:log_uuid>/records-seen/": row(PORTAL_POST, fill={"log_uuid": "=log_uuid"}),
    "progress/training/": row(PORTAL),
    "progress/records/": row(PORTAL),
    "nutrition/": row(PORTAL),
    "nutrition/plan/": row(PORTAL),
    "nutrition/log/<int:pk>/delete/": row(PORTAL_POST, fill={"pk": "foodlogentry"}),
    "habits/": row(PORTAL),
    "habits/<int:pk>/tick/": row(PORTAL_POST, fill={"pk": "habit"}),
    "shop/": row(PORTAL),
    "shop/<int:product_id>/buy/": row(PORTAL, client=405, other_client=405),
    "shop/return/": row(PORTAL, client="/shop/", other_client="/shop/"),
    "shop/cancel/<int:purchase_id>/": row(PORTAL_OWN, client="/shop/"),
    "billing/": row(PORTAL),
    # Stripe's customer portal for the client's own card and monthly coaching (POST)
    "billing/manage/": row(PORTAL_POST),
    # staff go to the back office's invoices
    "billing/invoices/": row(PORTAL | _TO_INVOICES),
    "billing/invoices/<int:pk>/": row(PORTAL_OWN | _TO_INVOICES, fill={"pk": "invoice"}),
    "billing/invoices/<int:pk>/pdf/": row(FILE_OF_CLIENT | {"coach": 404}, fill={"pk": "invoice"}),
    # booking sessions (scheduling): a client's own bookings; the business's types
    "sessions/": row(PORTAL),
    "sessions/book/<int:type_id>/": row(PORTAL, fill={"type_id": "sessiontype"}),
    # without a chosen time, back to the times
    "sessions/book/<int:type_id>/confirm/": row(
        PORTAL | {v: "/sessions/book/{sessiontype}/" for v in ("client", "other_client")},
        fill={"type_id": "sessiontype"},
    ),
    "sessions/class/<int:appointment_id>/": row(
        PORTAL_POST, fill={"appointment_id": "classappointment"}
    ),
    "sessions/<int:pk>/cancel/": row(PORTAL_OWN, fill={"pk": "booking"}),
    "sessions/<int:pk>/reschedule/": row(PORTAL_OWN, fill={"pk": "booking"}),
    # a client's calendar address: made or renewed by a POST
    "sessions/calendar/": row(PORTAL_POST),
    # messaging: a client's conversations; one conversation by id (another client's: 404)
    "messages/": row(PORTAL),
    "messages/<int:pk>/": row(PORTAL_OWN, fill={"pk": "thread"}),
    # a file sent in a conversation: its people only (messaging.files)
    "messages/files/<int:pk>/": row(FILE_OF_CLIENT, fill={"pk": "attachment"}),
    # notifications: each person's own; opening one reads it and goes to its place
    "notifications/": row(PORTAL),
    "notifications/<int:pk>/": row(
        PORTAL_OWN | {"client": "/messages/{thread}/"}, fill={"pk": "notification"}
    ),
    "notifications/read-all/": row(PORTAL_POST),
    "notifications/preferences/": row(PORTAL),
    # a private calendar feed: no sign-in, the token is the key (Cleo's, for anyone who
    # has it); a locked business serves it no more
    "calendar/<str:token>.ics": row(OPEN, fill={"token": "=feed_token"}),
    # the public booking page: anyone, signed in or not (a type not public is 404);
    # the details without a chosen time go back to the times
    "book/": PUBLIC_PAGE,
    "book/booked/": PUBLIC_PAGE,
    "book/<int:type_id>/": row(OPEN, fill={"type_id": "publictype"}),
    "book/<int:type_id>/details/": row(
        {v: "/book/{publictype}/" for v in OPEN}, fill={"type_id": "publictype"}
    ),
    # sign-in and account pages (allauth): while locked, only the way in and out
    "accounts/login/": row({v: "/" for v in SIGNED_IN}, anonymous=200, suspended="/"),
    "accounts/logout/": row(SIGNED_IN, anonymous="/", suspended=200),
    "accounts/inactive/": PUBLIC_PAGE,
    "accounts/signup/": row({v: "/" for v in SIGNED_IN}, anonymous=200),
    "accounts/reauthenticate/": row(SIGNED_IN, suspended=200),
    "accounts/email/": row(SIGNED_IN),
    "accounts/confirm-email/": PUBLIC_PAGE,
    "accounts/confirm-email/<key>/": row(OPEN, fill={"key": "nope"}),
    # POST-only: a new confirmation link (the reminder's button; the confirm page's,
    # for a sign-in that waits for it)
    "accounts/verify/resend/": row({v: 405 for v in OPEN}),
    "accounts/password/change/": row(SIGNED_IN),
    "accounts/password/set/": row({v: "/accounts/password/change/" for v in SIGNED_IN}),
    "accounts/password/reset/": row(OPEN, suspended=200),
    "accounts/password/reset/done/": row(OPEN, suspended=200),
    "accounts/password/reset/key/<uidb36>-<key>/": row(
        OPEN, fill={"uidb36": "0", "key": "nope"}, suspended=200
    ),
    "accounts/password/reset/key/done/": row(OPEN, suspended=200),
    "accounts/login/code/confirm/": row({v: "/" for v in SIGNED_IN}, suspended="/"),
    "accounts/2fa/": row(SIGNED_IN, suspended=200),
    "accounts/2fa/authenticate/": row({v: "/" for v in SIGNED_IN}, suspended="/"),
    # two-factor set-up stays reachable while locked: an owner who must use it (the
    # business's staff_mfa_required) sets it up before reaching the billing page
    "accounts/2fa/reauthenticate/": row(_TO_REAUTH, suspended="/accounts/reauthenticate/"),
    "accounts/2fa/totp/activate/": row(_TO_REAUTH, suspended="/accounts/reauthenticate/"),
    # not a way to pay: locked like the rest while suspended
    "accounts/2fa/totp/deactivate/": row(_NONE_SET_UP),
    "accounts/2fa/recovery-codes/": row(_NONE_SET_UP, suspended=404),
    "accounts/2fa/recovery-codes/generate/": row(_TO_REAUTH, suspended="/accounts/reauthenticate/"),
    "accounts/2fa/recovery-codes/download/": row(_NONE_SET_UP, suspended=404),
    # the API (mectofitness/urls_api.py)
    "api/v1/": row(API_MINE),
    # anything else under /api/ is the API's own JSON 404
    "api/<path>": row({v: 404 for v in OPEN}, fill={"path": "v1/nothing-here/"}),
    # the whole schema is built per request (seconds): three visitors stand for the rest
    "api/schema/": row({"owner": 200, "client": 200}, anonymous=401, suspended=403),
    "api/docs/": row(API_SIGNED_IN),
    "api/v1/me/": row(API_SIGNED_IN),
    "api/v1/me/export/": row(API_MINE | {"owner": 403, "coach": 403, "other_coach": 403}),
    "api/v1/tokens/": row(API_SIGNED_IN),
    "api/v1/tokens/<pk>/": row(API_SIGNED_POST),
    "api/v1/audit-entries/": row(API_OWNER),
    "api/v1/audit-entries/<pk>/": row(API_OWNER),
    "api/v1/clients/": row(API_MINE),
    "api/v1/clients/export/": row(API_OWNER),
    "api/v1/clients/<pk>/": row(API_OF_CLIENT),
    "api/v1/clients/<pk>/erase/": row(API_STAFF_POST),
    "api/v1/clients/<pk>/export/": row(API_OWNER | {"other_coach": 404}),
    "api/v1/clients/<pk>/notes/": row(API_OF_CLIENT_STAFF),
    "api/v1/clients/<pk>/status/": row(API_STAFF_POST),
    "api/v1/clients/<pk>/status-history/": row(API_OF_CLIENT_STAFF),
    "api/v1/client-notes/<pk>/": row(API_STAFF_POST),
    "api/v1/tags/": row(API_STAFF),
    "api/v1/questionnaires/": row(API_STAFF),
    "api/v1/questionnaires/<pk>/": row(API_STAFF),
    "api/v1/questionnaires/<pk>/publish/": row(API_STAFF_POST),
    "api/v1/responses/": row(API_MINE),
    "api/v1/responses/<pk>/": row(API_OF_CLIENT),
    "api/v1/responses/<pk>/submit/": row(API_MEMBER_POST),
    "api/v1/assignments/": row(API_MINE),
    "api/v1/assignments/<pk>/": row(API_OF_CLIENT),
    "api/v1/checkins/": row(API_MINE),
    "api/v1/checkins/due/": row(API_MINE | {"owner": 403, "coach": 403, "other_coach": 403}),
    "api/v1/checkins/<pk>/": row(API_OF_CLIENT),
    # no earlier check-in to compare with
    "api/v1/checkins/<pk>/previous/": row({v: 404 for v in SIGNED_IN} | _NO_RECORD, anonymous=401),
    "api/v1/checkins/<pk>/review/": row(API_MEMBER_POST),
    "api/v1/metrics/": row(API_MINE),
    "api/v1/metrics/<pk>/": row(API_MINE),
    "api/v1/measurements/": row(API_MINE),
    "api/v1/measurements/<pk>/": row(API_OF_CLIENT),
    "api/v1/progress-photos/": row(API_MINE),
    "api/v1/progress-photos/<pk>/": row(API_OF_CLIENT),
    "api/v1/program-assignments/": row(API_MINE),
    "api/v1/program-assignments/<pk>/": row(API_OF_CLIENT),
    "api/v1/program-assignments/<pk>/cancel/": row(API_STAFF_POST),
    "api/v1/program-assignments/<pk>/pause/": row(API_STAFF_POST),
    "api/v1/program-assignments/<pk>/resume/": row(API_STAFF_POST),
    "api/v1/program-assignments/<pk>/shift/": row(API_STAFF_POST),
    "api/v1/scheduled-workouts/": row(API_MINE),
    "api/v1/scheduled-workouts/<pk>/": row(API_OF_CLIENT),
    "api/v1/programs/": row(API_MINE),
    "api/v1/programs/<pk>/": row(API_OF_CLIENT),
    "api/v1/programs/<pk>/assign/": row(API_STAFF_POST),
    "api/v1/programs/<pk>/clone/": row(API_STAFF_POST),
    "api/v1/programs/<pk>/save-as-template/": row(API_STAFF_POST),
    "api/v1/programs/<pk>/weeks/": row(API_STAFF_POST),
    "api/v1/program-weeks/<pk>/": row(API_STAFF_POST),
    "api/v1/program-weeks/<pk>/duplicate/": row(API_STAFF_POST),
    "api/v1/program-days/": row(API_STAFF_POST),
    "api/v1/program-days/reorder/": row(API_STAFF_POST),
    "api/v1/program-days/<pk>/": row(API_STAFF_POST),
    "api/v1/program-days/<pk>/duplicate/": row(API_STAFF_POST),
    "api/v1/program-blocks/": row(API_STAFF_POST),
    "api/v1/program-blocks/reorder/": row(API_STAFF_POST),
    "api/v1/program-blocks/<pk>/": row(API_STAFF_POST),
    "api/v1/program-blocks/<pk>/move/": row(API_STAFF_POST),
    "api/v1/prescriptions/": row(API_STAFF_POST),
    "api/v1/prescriptions/reorder/": row(API_STAFF_POST),
    "api/v1/prescriptions/<pk>/": row(API_STAFF_POST),
    "api/v1/prescriptions/<pk>/move/": row(API_STAFF_POST),
    "api/v1/program-generator/": row(API_MEMBER_POST),
    "api/v1/habits/": row(API_MINE),
    "api/v1/habits/<pk>/": row(API_OF_CLIENT),
    "api/v1/habit-checks/": row(API_MINE),
    "api/v1/habit-checks/<pk>/": row(API_OF_CLIENT),
    "api/v1/exercises/": row(API_MINE),
    "api/v1/exercises/<key>/": row(API_MINE),
    "api/v1/exercises/<key>/copy/": row(API_MEMBER_POST),
    "api/v1/exercises/<key>/hide/": row(API_MEMBER_POST),
    "api/v1/exercises/<key>/unhide/": row(API_MEMBER_POST),
    "api/v1/workout-sync/": row(API_MEMBER_POST),
    "api/v1/workout-sync/unlog/": row(API_MEMBER_POST),
    "api/v1/workout-logs/": row(API_MINE),
    "api/v1/workout-logs/<pk>/": row(API_OF_CLIENT),
    # the coach's comment: staff of the client; the client marks it read
    "api/v1/workout-logs/<pk>/comment/": row(API_STAFF_POST),
    "api/v1/workout-logs/<pk>/comment-seen/": row(
        API_MEMBER_POST | {"owner": 403, "coach": 403, "other_coach": 403}
    ),
    "api/v1/foods/": row(API_MINE),
    "api/v1/foods/<pk>/": row(API_MINE),
    "api/v1/nutrition-targets/": row(API_MINE),
    "api/v1/nutrition-targets/<pk>/": row(API_OF_CLIENT),
    "api/v1/meal-plans/": row(API_MINE),
    "api/v1/meal-plans/<pk>/": row(API_OF_CLIENT),
    "api/v1/meal-plans/<pk>/items/": row(API_MEMBER_POST),
    "api/v1/food-log/": row(API_MINE),
    # staff must name the client (?client=): 400 without
    "api/v1/food-log/day/": row(API_MINE | {"owner": 400, "coach": 400, "other_coach": 400}),
    "api/v1/food-log/<pk>/": row(API_OF_CLIENT),
    "api/v1/personal-records/": row(API_MINE),
    "api/v1/personal-records/seen/": row(API_MEMBER_POST),
    "api/v1/personal-records/<pk>/": row(API_OF_CLIENT),
    "api/v1/products/": row(API_MINE),
    "api/v1/products/<pk>/": row(API_MINE),
    "api/v1/purchases/": row(API_MINE),
    "api/v1/purchases/<pk>/": row(API_BILLING_OF_CLIENT),
    "api/v1/purchases/<pk>/use-session/": row(API_MEMBER_POST),
    "api/v1/payments/": row(API_MINE),
    "api/v1/payments/<pk>/": row(API_BILLING_OF_CLIENT),
    "api/v1/payments/<pk>/refund/": row(API_MEMBER_POST),
    "api/v1/invoices/": row(API_MINE),
    "api/v1/invoices/<pk>/": row(API_BILLING_OF_CLIENT),
    "api/v1/invoices/<pk>/issue/": row(API_MEMBER_POST),
    "api/v1/invoices/<pk>/pay/": row(API_MEMBER_POST),
    "api/v1/invoices/<pk>/void/": row(API_MEMBER_POST),
    "api/v1/invoices/<pk>/pdf/": row(API_BILLING_OF_CLIENT),
    # scheduling: the types on offer; a coach's calendar and their clients' bookings
    "api/v1/session-types/": row(API_MINE),
    "api/v1/session-types/<pk>/": row(API_MINE),
    "api/v1/session-types/<pk>/slots/": row(API_MINE),
    "api/v1/appointments/": row(API_MINE),
    "api/v1/appointments/<pk>/": row(API_OF_CLIENT),
    "api/v1/appointments/<pk>/join/": row(API_MEMBER_POST),
    "api/v1/appointments/<pk>/waitlist/": row(API_MEMBER_POST),
    "api/v1/bookings/": row(API_MINE),
    "api/v1/bookings/<pk>/": row(API_OF_CLIENT),
    "api/v1/bookings/<pk>/cancel/": row(API_MEMBER_POST),
    "api/v1/bookings/<pk>/reschedule/": row(API_MEMBER_POST),
    "api/v1/bookings/<pk>/attendance/": row(API_MEMBER_POST),
    # staff book weekly for their clients (POST only)
    "api/v1/bookings/weekly/": row(API_STAFF_POST),
    # availability: staff, each coach their own hours (the owner everyone's)
    "api/v1/weekly-hours/": row(API_STAFF),
    "api/v1/weekly-hours/<pk>/": row(API_OF_CLIENT_STAFF),
    "api/v1/time-off/": row(API_STAFF),
    "api/v1/time-off/<pk>/": row(API_OF_CLIENT_STAFF),
    "api/v1/waitlist/": row(API_MINE),
    "api/v1/waitlist/<pk>/": row(API_OF_CLIENT),
    # messaging: a client's conversation with their coaches (the owner reads all; another
    # coach and another client are told it does not exist); sending and reading are POSTs
    "api/v1/threads/": row(API_MINE),
    "api/v1/threads/unread/": row(API_MINE),
    "api/v1/threads/<pk>/": row(API_OF_CLIENT),
    "api/v1/threads/<pk>/messages/": row(API_OF_CLIENT),
    "api/v1/threads/<pk>/read/": row(API_MEMBER_POST),
    "api/v1/messages/<pk>/": row(API_OF_CLIENT),
    # announcements: staff; a coach sees their own (the owner all), reaches their clients
    "api/v1/announcements/": row(API_STAFF),
    "api/v1/announcements/audience/": row(API_STAFF),
    "api/v1/announcements/<pk>/": row(API_OF_CLIENT_STAFF),
    "api/v1/announcements/<pk>/cancel/": row(API_STAFF_POST),
    # notifications: everyone their own (another person's: 404, staff included)
    "api/v1/notifications/": row(API_MINE),
    "api/v1/notifications/unread/": row(API_MINE),
    "api/v1/notifications/read-all/": row(API_MEMBER_POST),
    "api/v1/notifications/preferences/": row(API_MINE),
    "api/v1/notifications/<pk>/": row(
        API_OF_CLIENT | {"owner": 404, "coach": 404}, fill={"pk": "notification"}
    ),
    "api/v1/notifications/<pk>/read/": row(API_MEMBER_POST, fill={"pk": "notification"}),
    "api/v1/push-subscriptions/": row(API_MEMBER_POST),
    "api/v1/billing-settings/": row(API_OWNER),
    "api/v1/billing-settings/current/": row(API_OWNER, owner=405),
    "api/v1/tax-rates/": row(API_OWNER),
    "api/v1/tax-rates/<pk>/": row(API_OWNER),
    "api/v1/revenue/": row(API_OWNER),
    # the back office (backoffice/ and each app's admin)
    "admin/": row(STAFF),
    "admin/<app_label>/": row(STAFF, fill={"app_label": "clients"}),
    "admin/<url>": row(
        STAFF | {"owner": 404, "coach": 404, "other_coach": 404}, fill={"url": "x/"}
    ),
    "admin/login/": row({"owner": A, "coach": A, "other_coach": A, "client": 403}, suspended=A),
    "admin/logout/": row(
        {"owner": 405, "coach": 405, "other_coach": 405, "client": A, "other_client": A},
        anonymous=A,
        suspended=405,
    ),
    "admin/password_change/": row(STAFF),
    "admin/password_change/done/": row(STAFF),
    "admin/autocomplete/": row(NOBODY),  # without its parameters
    "admin/jsi18n/": row(STAFF),
    "admin/r/<path:content_type_id>/<path:object_id>/": row(
        STAFF | {"owner": 404, "coach": 404, "other_coach": 404},
        fill={"content_type_id": 1, "object_id": 1},
    ),
    "admin/settings/": row(OWNER),
    # the platform billing page: the one way to pay that a locked business keeps
    "admin/billing/": row(OWNER, suspended=200),
    "admin/programs/generator/": row(STAFF),
    **admin_model(
        "accounts/user", changelist=OWNER, add=OWNER, history=OWNER, change=OWNER, delete=OWNER
    ),
    "admin/accounts/user/<id>/password/": row(OWNER),
    **admin_model(
        "auth/group", changelist=OWNER, add=OWNER, history=OWNER, change=OWNER, delete=OWNER
    ),
    **admin_model("accounts/invitation", delete=OWNER),
    **admin_model("clients/questionnaire", add=OWNER),
    "admin/clients/questionnaire/starter/<str:name>/": row(
        {"owner": "/admin/clients/questionnaire/", "coach": "/admin/clients/questionnaire/"}
        | {"other_coach": "/admin/clients/questionnaire/", "client": 403, "other_client": 403},
        fill={"name": "parq"},
    ),
    "admin/clients/questionnaire/<int:pk>/builder/": row(OWNER),
    "admin/clients/questionnaire/<int:pk>/send/": row(STAFF),
    "admin/clients/questionnaire/<int:pk>/archive/": row(NOBODY),
    **admin_model("clients/response", add=NOBODY, history=OF_CLIENT, change=OF_CLIENT_404),
    "admin/clients/response/send-form/": row(STAFF),
    # withdrawing a form sent to a client is a POST from the client's page: a GET is refused
    "admin/clients/assignment/<int:pk>/withdraw/": row(NOBODY),
    "admin/clients/response/checkins/": row(STAFF),
    # open-link answers held off a record: the possible match's staff only
    "admin/clients/response/held/": row(STAFF),
    "admin/clients/response/held/<int:pk>/": row(OF_CLIENT_404, fill={"pk": "heldresponse"}),
    "admin/clients/response/<int:pk>/review/": row(OF_CLIENT_404, fill={"pk": "checkin"}),
    **admin_model(
        "clients/checkinplan",
        changelist=OWNER,
        add=OWNER,
        history=OWNER,
        change=OWNER,
        delete=OWNER,
    ),
    # coaches read a metric; today a coach gets a 500 (KeyError, clients/forms_progress.py)
    **admin_model("clients/metric", add=OWNER),
    **admin_model("clients/measurement", history=OF_CLIENT, delete=OF_CLIENT, change=OF_CLIENT),
    "admin/clients/measurement/client/<int:client_id>/": row(OF_CLIENT_404),
    "admin/clients/measurement/record/<int:client_id>/": row(STAFF_POST),
    **admin_model("clients/progressphoto", history=OF_CLIENT, delete=OF_CLIENT, change=OF_CLIENT),
    "admin/clients/progressphoto/client/<int:client_id>/": row(OF_CLIENT_404),
    "admin/clients/progressphoto/compare/<int:client_id>/": row(OF_CLIENT_404),
    **admin_model("clients/client", history=OF_CLIENT, change=OF_CLIENT),
    "admin/clients/client/find/": row(STAFF),
    # the note forms post here (POST-only): a GET goes back to the profile's notes
    "admin/clients/client/<int:client_id>/notes/": row(
        OF_CLIENT_404
        | {"owner": "/admin/clients/client/{client}/profile/notes/"}
        | {"coach": "/admin/clients/client/{client}/profile/notes/"}
    ),
    "admin/clients/client/<int:client_id>/notes/<int:note_id>/": row(
        OF_CLIENT_404
        | {"owner": "/admin/clients/client/{client}/profile/notes/"}
        | {"coach": "/admin/clients/client/{client}/profile/notes/"}
    ),
    # POST-only (invite, resend, revoke): a GET goes back to the client's profile
    "admin/clients/client/<int:client_id>/invitation/": row(
        OF_CLIENT_404
        | {"owner": "/admin/clients/client/{client}/profile/"}
        | {"coach": "/admin/clients/client/{client}/profile/"}
    ),
    # the client's profile (backoffice/views/client_profile.py): the client's staff, each
    # tab its own page; another coach is told the client does not exist; billing only
    # for whom the owner lets see it (a coach, not by default)
    "admin/clients/client/<int:pk>/profile/": row(OF_CLIENT_404, fill={"pk": "client"}),
    **{
        f"admin/clients/client/<int:pk>/profile/{tab}/": row(OF_CLIENT_404, fill={"pk": "client"})
        for tab in ("training", "progress", "nutrition", "forms", "messages", "bookings", "notes")
    },
    "admin/clients/client/<int:pk>/profile/billing/": row(
        OF_CLIENT_404 | {"coach": 403}, fill={"pk": "client"}
    ),
    **admin_model("clients/tag", delete=OWNER),
    **admin_model("clients/auditentry", changelist=OWNER, add=NOBODY, history=OWNER, change=OWNER),
    "admin/clients/auditentry/import/": row(STAFF),
    "admin/clients/auditentry/import/preview/": row(
        {"owner": "/admin/clients/auditentry/import/", "coach": "/admin/clients/auditentry/import/"}
        | {"other_coach": "/admin/clients/auditentry/import/", "client": 403, "other_client": 403}
    ),
    "admin/clients/auditentry/import/cancel/": row(STAFF_POST),
    "admin/clients/auditentry/import/template.csv": row(STAFF),
    "admin/clients/auditentry/client/<int:client_id>/export/": row(STAFF_POST),
    "admin/clients/auditentry/client/<int:client_id>/erase/": row(OWNER),
    **admin_model("clients/habit", history=OF_CLIENT, change=OF_CLIENT),
    "admin/clients/habit/client/<int:client_id>/add/": row(STAFF_POST),
    "admin/clients/habit/<int:habit_id>/stop/": row(STAFF_POST),
    **admin_model("programs/programassignment", add=NOBODY, history=OF_CLIENT),
    "admin/programs/programassignment/<path:object_id>/change/": row(
        OF_CLIENT_404
        | {"owner": "/admin/programs/programassignment/client/{client}/"}
        | {"coach": "/admin/programs/programassignment/client/{client}/"}
    ),
    "admin/programs/programassignment/assign/": row(STAFF),
    "admin/programs/programassignment/client/<int:client_id>/": row(OF_CLIENT_404),
    "admin/programs/programassignment/<int:pk>/do/<str:what>/": row(
        STAFF_POST, fill={"what": "pause"}
    ),
    **admin_model("programs/program", history=OF_CLIENT),
    # the builder is the change page
    "admin/programs/program/<path:object_id>/change/": row(
        {v: "/admin/programs/program/{program}/builder/" for v in ("owner", "coach")}
        | {"other_coach": "/admin/programs/program/{program}/builder/"}
        | {"client": 403, "other_client": 403}
    ),
    "admin/programs/program/<int:pk>/builder/": row(OF_CLIENT_404),
    "admin/programs/program/<int:pk>/builder/move/": row(STAFF_POST),
    "admin/programs/program/exercises/": row(STAFF),
    "admin/programs/exercise/": row(STAFF),
    "admin/programs/exercise/add/": row(STAFF),
    "admin/programs/exercise/<str:key>/": row(STAFF),
    "admin/programs/exercise/<str:key>/edit/": row(STAFF),
    "admin/programs/exercise/<str:key>/copy/": row(STAFF_POST),
    "admin/programs/exercise/<str:key>/hide/": row(STAFF_POST),
    "admin/programs/exercise/<str:key>/unhide/": row(STAFF_POST),
    "admin/programs/exercise/<str:key>/archive/": row(STAFF_POST),
    # a log's change page is its review (the coach's page with the comment box)
    **admin_model(
        "programs/workoutlog",
        add=NOBODY,
        history=OF_CLIENT,
        change={v: "/admin/programs/workoutlog/{workoutlog}/review/" for v in ("owner", "coach")}
        | {"other_coach": 404, "client": 403, "other_client": 403},
    ),
    "admin/programs/workoutlog/<int:pk>/review/": row(OF_CLIENT_404, fill={"pk": "workoutlog"}),
    **admin_model("programs/food"),
    **admin_model(
        "programs/nutritiontarget", history=OF_CLIENT, delete=OF_CLIENT, change=OF_CLIENT
    ),
    "admin/programs/nutritiontarget/client/<int:client_id>/set/": row(STAFF_POST),
    **admin_model("programs/mealplan", history=OF_CLIENT, delete=OF_CLIENT, change=OF_CLIENT),
    "admin/programs/mealplan/<int:plan_id>/build/": row(
        OF_CLIENT_404, fill={"plan_id": "mealplan"}
    ),
    "admin/programs/mealplan/assign/<int:client_id>/": row(STAFF_POST),
    **admin_model("programs/personalrecord", add=NOBODY, history=OF_CLIENT, change=OF_CLIENT),
    # client billing: the owner's (coaches only when the owner lets them). TARGET while
    # locked: 403 like everything else (today the prefix /admin/billing/ stays open)
    **admin_model("billing/product", changelist=OWNER, add=OWNER, history=OWNER, change=OWNER),
    "admin/billing/product/connect/": row(OWNER),
    "admin/billing/product/connect/oauth/": row(OWNER, owner="/admin/billing/product/connect/"),
    "admin/billing/product/connect/express/return/": row(
        OWNER, owner="/admin/billing/product/connect/"
    ),
    "admin/billing/product/connect/express/refresh/": row(
        OWNER, owner="/admin/billing/product/connect/"
    ),
    # TARGET: history 403 for coaches like the change page (today a redirect to /admin/)
    **admin_model("billing/purchase", changelist=OWNER, add=NOBODY, history=OWNER, change=OWNER),
    **admin_model("billing/payment", changelist=OWNER, add=NOBODY, history=OWNER, change=OWNER),
    "admin/billing/payment/record/": row(OWNER),
    "admin/billing/payment/<int:pk>/refund/": row(OWNER),
    **admin_model("billing/stripeevent", changelist=OWNER, add=NOBODY, history=OWNER, change=OWNER),
    **admin_model("billing/invoice", changelist=OWNER, add=OWNER, history=OWNER, change=OWNER),
    "admin/billing/invoice/revenue/": row(OWNER),
    "admin/billing/invoice/<int:pk>/issue/": row(OWNER),
    "admin/billing/invoice/<int:pk>/pay/": row(OWNER),
    "admin/billing/invoice/<int:pk>/void/": row(OWNER),
    "admin/billing/invoice/<int:pk>/pdf/": row(
        OWNER | {"owner": "/billing/invoices/{invoice}/pdf/", "coach": 404, "other_coach": 404}
    ),
    # one settings row: the list opens it
    **admin_model(
        "billing/billingsettings", changelist=OWNER, add=NOBODY, history=OWNER, change=OWNER
    ),
    "admin/billing/billingsettings/": row(
        OWNER, owner="/admin/billing/billingsettings/{billingsettings}/change/"
    ),
    **admin_model("billing/taxrate", changelist=OWNER, add=OWNER, history=OWNER, change=OWNER),
    # scheduling: the owner sets what is offered, staff read it; hours and time off are
    # each coach's own (the owner sees all); sessions and bookings are read here
    **admin_model("scheduling/sessiontype", add=OWNER, delete=OWNER),
    **admin_model("scheduling/weeklyhours", history=OF_CLIENT, delete=OF_CLIENT, change=OF_CLIENT),
    **admin_model("scheduling/timeoff", history=OF_CLIENT, delete=OF_CLIENT, change=OF_CLIENT),
    **admin_model("scheduling/appointment", add=NOBODY, history=OF_CLIENT, change=OF_CLIENT),
    **admin_model("scheduling/booking", add=NOBODY, history=OF_CLIENT, change=OF_CLIENT),
    # the calendar: a coach's own (the owner's is everyone's); a session's page is for
    # its coach and the staff of its clients; moving is a POST
    "admin/scheduling/calendar/": row(STAFF),
    "admin/scheduling/calendar/book/": row(STAFF),
    "admin/scheduling/calendar/<int:pk>/": row(OF_CLIENT_404, fill={"pk": "appointment"}),
    "admin/scheduling/calendar/<int:pk>/move/": row(STAFF_POST, fill={"pk": "appointment"}),
    # a coach's own calendar (busy times): their own page; the owner's lists everyone's.
    # "Own calendars" in the lists opens that page
    "admin/scheduling/own-calendar/": row(STAFF),
    "admin/scheduling/busycalendar/": row(
        STAFF | {v: "/admin/scheduling/own-calendar/" for v in ("owner", "coach", "other_coach")}
    ),
    # each staff member's own calendar feed address
    "admin/scheduling/calendar-feed/": row(STAFF),
    # the booking settings (one row): the owner changes them, coaches read them
    **admin_model("scheduling/schedulingsettings", add=NOBODY, fill={"object_id": 1}),
    "admin/scheduling/schedulingsettings/": row(
        {v: "/admin/scheduling/schedulingsettings/1/change/" for v in ("owner", "coach")}
        | {"other_coach": "/admin/scheduling/schedulingsettings/1/change/"}
        | {"client": 403, "other_client": 403}
    ),
    # messaging: conversations, read only (a coach: their clients' and their groups)
    **admin_model("messaging/thread", add=NOBODY, history=OF_CLIENT, change=OF_CLIENT),
    # the inbox: each staff member's conversations; one conversation (another coach: 404)
    "admin/messaging/inbox/": row(STAFF),
    "admin/messaging/inbox/<int:pk>/": row(OF_CLIENT_404, fill={"pk": "thread"}),
    # announcements: staff write them (a coach to their clients); each sees their own
    # (the owner all), read only; "add" opens the page that writes one
    "admin/messaging/announcements/new/": row(STAFF),
    **admin_model(
        "messaging/announcement",
        add=STAFF
        | {v: "/admin/messaging/announcements/new/" for v in ("owner", "coach", "other_coach")},
        history=OF_CLIENT,
        change=OF_CLIENT,
    ),
    # e-mail and texts (notifications): the owner's settings, wording with its preview
    # (POST), reset and clearing an address (POST); coaches are told to ask the owner.
    # <kind> is a kind of notification ("message" would be filled with a message's id)
    "admin/notifications/email/": row(OWNER),
    "admin/notifications/email/suppressed/<int:pk>/clear/": row(STAFF_POST, fill={"pk": 1}),
    "admin/notifications/email/<str:kind>/": row(OWNER, fill={"kind": "comment"}),
    "admin/notifications/email/<str:kind>/preview/": row(STAFF_POST, fill={"kind": "comment"}),
    "admin/notifications/email/<str:kind>/reset/": row(STAFF_POST, fill={"kind": "comment"}),
    # notifications: each staff member's own (the client's: not found for anyone)
    **admin_model(
        "notifications/notification",
        add=NOBODY,
        history=STAFF | {"owner": A, "coach": A, "other_coach": A},
        change=STAFF | {"owner": A, "coach": A, "other_coach": A},
    ),
    "admin/me/notifications/": row(STAFF),
    "admin/me/notifications/<int:pk>/": row(
        STAFF | {"owner": 404, "coach": 404, "other_coach": 404}, fill={"pk": "notification"}
    ),
    "admin/me/notifications/read-all/": row(STAFF_POST),
    "admin/me/notifications/settings/": row(STAFF),
}

# --- the product's site and the platform admin (mectofitness/urls_public.py) ---------------

PUBLIC_OPEN = {"anonymous": 200}
PLATFORM_MODELS = [
    "tenants/business", "tenants/lead", "tenants/pooledschema", "tenants/schematemplate",
    "tenants/schemamigrationfailure",
    "auth/group", "accounts/user", "account/emailconfirmation", "account/emailaddress",
    "mfa/authenticator", "django_celery_beat/periodictask",
    "django_celery_beat/clockedschedule", "django_celery_beat/crontabschedule",
    "django_celery_beat/solarschedule", "django_celery_beat/intervalschedule",
    "catalog/catalogexercise", "platform_billing/plan",
    "djstripe/idempotencykey", "djstripe/apikey",
    "djstripe/webhookeventtrigger",
]  # fmt: skip
# dj-stripe's synced models: each also has a "custom action" page
DJSTRIPE_SYNCED = [
    "account", "accountv2", "balancetransaction", "charge", "coupon", "customer", "discount",
    "dispute", "event", "file", "filelink", "paymentintent", "payout", "setupintent",
    "session", "invoice", "lineitem", "mandate", "price", "product", "promotioncode",
    "refund", "paymentmethod", "card", "bankaccount", "shippingrate", "subscription",
    "subscriptionschedule", "taxcode", "taxrate", "transfer", "transferreversal",
    "applicationfee", "applicationfeerefund", "webhookendpoint", "feature", "productfeature",
    "activeentitlement",
]  # fmt: skip
PLATFORM_ONLY = {"anonymous": LOGIN}  # platform staff only (a business's session is nobody)


def _platform_admin() -> dict:
    rows = {}
    for name in PLATFORM_MODELS + [f"djstripe/{m}" for m in DJSTRIPE_SYNCED]:
        base = f"admin/{name}/"
        for suffix in ("", "add/", "<path:object_id>/history/", "<path:object_id>/delete/",
                       "<path:object_id>/change/", "<path:object_id>/"):  # fmt: skip
            rows[base + suffix] = PLATFORM_ONLY
    for name in DJSTRIPE_SYNCED:
        rows[f"admin/djstripe/{name}/action/<str:action_name>/<str:model_name>/"] = PLATFORM_ONLY
    for path in ("admin/", "admin/login/", "admin/password_change/",
                 "admin/password_change/done/", "admin/autocomplete/", "admin/jsi18n/",
                 "admin/r/<path:content_type_id>/<path:object_id>/",
                 "admin/accounts/user/<id>/password/", "admin/<app_label>/",
                 "admin/<url>"):  # fmt: skip
        rows[path] = PLATFORM_ONLY
    return rows


PUBLIC_ROWS = {
    "ping": PUBLIC_OPEN,
    "healthz": PUBLIC_OPEN,
    "": PUBLIC_OPEN,
    "pricing/": PUBLIC_OPEN,
    "signup/": PUBLIC_OPEN,
    "signup/check/": PUBLIC_OPEN,
    "leads/": {"anonymous": 405},
    "leads/thanks/": PUBLIC_OPEN,
    # "where do I sign in?": the finder and its one answer page
    "signin/": PUBLIC_OPEN,
    "signin/sent/": PUBLIC_OPEN,
    "admin/logout/": {"anonymous": A},
    **_platform_admin(),
    "accounts/login/": PUBLIC_OPEN,
    "accounts/logout/": {"anonymous": "/"},
    "accounts/inactive/": PUBLIC_OPEN,
    "accounts/signup/": PUBLIC_OPEN,
    "accounts/reauthenticate/": {"anonymous": LOGIN},
    "accounts/email/": {"anonymous": LOGIN},
    "accounts/confirm-email/": PUBLIC_OPEN,
    "accounts/confirm-email/<key>/": PUBLIC_OPEN,
    "accounts/password/change/": {"anonymous": LOGIN},
    "accounts/password/set/": {"anonymous": LOGIN},
    "accounts/password/reset/": PUBLIC_OPEN,
    "accounts/password/reset/done/": PUBLIC_OPEN,
    "accounts/password/reset/key/<uidb36>-<key>/": PUBLIC_OPEN,
    "accounts/password/reset/key/done/": PUBLIC_OPEN,
    "accounts/login/code/confirm/": {"anonymous": LOGIN},
    "accounts/2fa/": {"anonymous": LOGIN},
    "accounts/2fa/authenticate/": {"anonymous": LOGIN},
    "accounts/2fa/reauthenticate/": {"anonymous": LOGIN},
    "accounts/2fa/totp/activate/": {"anonymous": LOGIN},
    "accounts/2fa/totp/deactivate/": {"anonymous": LOGIN},
    "accounts/2fa/recovery-codes/": {"anonymous": LOGIN},
    "accounts/2fa/recovery-codes/generate/": {"anonymous": LOGIN},
    "accounts/2fa/recovery-codes/download/": {"anonymous": LOGIN},
}
PUBLIC_FILL = {
    "uuid": "00000000-0000-0000-0000-000000000000",
    "action_name": "x",
    "model_name": "y",
    "object_id": "1",
    "content_type_id": "1",
    "app_label": "tenants",
    "url": "x/",
    "key": "nope",
    "uidb36": "0",
    "id": "1",
}

# --- routes without a row: each says why, and where it is tested ----------------------------
# They are still fetched once, anonymously, to catch a server error.

EXEMPT = {
    "tenant:auth/handoff/": "needs the signed one-time token the public sign-up hands over; "
    "tenants/tests/test_public_site.py",
    "public:stripe/webhook/<uuid:uuid>/": "Stripe's platform webhook, POST with a signature "
    "only; billing/platform/tests/test_webhooks.py",
    "public:stripe/connect/": "the Stripe Connect webhook, POST with a signature only; "
    "billing/tests/test_connect.py",
    "public:stripe/connect/oauth/": "Stripe's OAuth return, needs a signed state; "
    "billing/tests/test_connect.py",
    "public:hooks/email/mailgun/": "the mail provider's delivery events (anymail's "
    "Mailgun view), POST with a signature only; notifications/tests/test_email.py",
    "public:hooks/twilio/inbound/": "replies to the platform's texting number (STOP, "
    "START), POST with Twilio's signature only; notifications/tests/test_sms.py",
}


def _rows() -> dict:
    rows = {f"{TENANT}:{route}": spec for route, spec in TENANT_ROWS.items()}
    for route, expect in PUBLIC_ROWS.items():
        # a business's session is nobody here; checked on the pages, not the whole admin
        if expect is not PLATFORM_ONLY or route == "admin/":
            expect = expect | {"business_session": expect["anonymous"]}
        rows[f"{PUBLIC}:{route}"] = {"expect": expect, "fill": {}}
    return rows


ROWS = _rows()


def test_every_route_has_a_row_or_an_exemption():
    routes = {r.key for r in all_routes() if not is_format_suffix(r)}
    missing = sorted(routes - set(ROWS) - set(EXEMPT))
    assert not missing, "routes without a row in test_role_matrix.py:\n" + "\n".join(missing)
    assert not set(ROWS) & set(EXEMPT), "a route is both in a row and exempt"


def test_every_row_and_exemption_is_a_route():
    routes = {r.key for r in all_routes()}
    stale = sorted((set(ROWS) | set(EXEMPT)) - routes)
    assert not stale, "rows for routes that no longer exist:\n" + "\n".join(stale)


def test_the_walk_sees_into_admin_sites_and_routers():
    keys = {r.key for r in all_routes()}
    assert "tenant:api/v1/measurements/<pk>/" in keys
    assert "tenant:admin/clients/metric/<path:object_id>/change/" in keys
    assert "public:admin/djstripe/charge/<path:object_id>/change/" in keys
    assert "tenant:admin/clients/questionnaire/<int:pk>/builder/" in keys


def test_a_page_added_without_a_row_is_found():
    from django.http import HttpResponse
    from django.urls import clear_url_caches, include, path

    from mectofitness import urls_tenant

    added = path("reports/", include([path("<int:pk>/", lambda request, pk: HttpResponse())]))
    urls_tenant.urlpatterns.append(added)
    clear_url_caches()
    try:
        keys = {r.key for r in all_routes()}
    finally:
        urls_tenant.urlpatterns.remove(added)
        clear_url_caches()
    assert "tenant:reports/<int:pk>/" in keys - set(ROWS) - set(EXEMPT)


# --- the crawl ------------------------------------------------------------------------------


def _expected(spec: dict, world) -> dict:
    names = {**world.pk, **world.extra}
    return {
        visitor: want.format(**names) if isinstance(want, str) else want
        for visitor, want in spec["expect"].items()
    }


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """One world and one crawl for the module, in a transaction rolled back afterwards.

    Returns ``(expected, got, seconds, timings)``: ``{key: {visitor: outcome}}`` for the
    first two, the crawl's (wall, CPU) seconds, and each request's."""
    from tenants.models import Business
    from tenants.routing import host_cache

    with django_db_blocker.unblock(), transaction.atomic():
        host_cache.clear()
        world = world_build(Business.objects.get(slug="acme"), Business.objects.get(slug="zen"))
        requests, expected = [], {}
        for route in all_routes():
            if is_format_suffix(route):
                continue
            if route.key in EXEMPT:
                visitor = "anonymous" if route.conf == TENANT else "public:anonymous"
                values = PUBLIC_FILL if route.conf == PUBLIC else {}
                path = fill(route, {p: values.get(p, "x") for p in route.params})
                requests.append((route.key, visitor, path))
                continue
            spec = ROWS.get(route.key)
            if spec is None:  # test_every_route_has_a_row_or_an_exemption says so
                continue
            if route.conf == PUBLIC:
                path = fill(route, {p: PUBLIC_FILL[p] for p in route.params})
                expected[route.key] = spec["expect"]
                for visitor in PUBLIC_VISITORS:
                    if visitor in spec["expect"]:
                        requests.append((route.key, f"public:{visitor}", path))
                continue
            path = fill(route, values_for(route, world, spec["fill"]))
            expected[route.key] = _expected(spec, world)
            for visitor in TENANT_VISITORS:
                if visitor in expected[route.key]:
                    requests.append((route.key, visitor, path))
        started, cpu, timings = time.monotonic(), time.process_time(), {}
        got = crawl(world, requests, timings)
        seconds = (time.monotonic() - started, time.process_time() - cpu)
        transaction.set_rollback(True)
    host_cache.clear()
    by_route = {}
    for (key, visitor), outcome in got.items():
        by_route.setdefault(key, {})[visitor.removeprefix("public:")] = outcome
    return expected, by_route, seconds, timings


def test_no_route_answers_a_server_error(matrix):
    got = matrix[1]
    crashes = [
        f"{key} as {visitor}: {outcome}"
        for key, outcomes in got.items()
        for visitor, outcome in outcomes.items()
        if isinstance(outcome, Crash) or outcome == 500
    ]
    assert not crashes, "\n".join(crashes)


@pytest.mark.parametrize("key", sorted(k for k in ROWS))
def test_each_visitor_gets_the_right_answer(matrix, key):
    expected, got = matrix[:2]
    answers = {v: (str(o) if isinstance(o, Crash) else o) for v, o in got[key].items()}
    assert answers == expected[key]


def test_the_crawl_covers_every_route_for_every_visitor(matrix):
    """About 4,000 GETs. How long they take is a benchmark's figure, not an assertion
    here (`make bench ARGS=--crawl` prints it, with the slowest pages)."""
    _expected, got, seconds, timings = matrix
    requests = sum(len(v) for v in got.values())
    assert requests > 2000
    assert len(timings) == requests
    if os.environ.get("MF_BENCH_CRAWL"):
        wall, cpu = seconds
        slowest = sorted(timings.items(), key=lambda item: -item[1])[:15]
        with open(os.environ["MF_BENCH_CRAWL"], "w") as report:
            report.write(
                f"role_matrix_crawl_cpu_s={cpu:.1f} wall_s={wall:.1f} requests={requests}\n"
            )
            for (key, visitor), took in slowest:
                report.write(f"crawl_slowest_ms={took * 1000:.0f} route={key} visitor={visitor}\n")


# --- Today's answers that differ from these rows --------------------------------------------
# At 61818c0 (before the access policy work of issue 12):
#
# Server error: admin/clients/metric/<id>/change/ as coach and as another coach, 500
#   KeyError 'higher_is_better' (clients/forms_progress.py:154); target 200.
#
# A client login without a record (norecord) or with an archived record (archived):
#   target 403 with the one "no record" page on every portal door, and 403 in the API.
#   - portal pages answering 200 to both: "", forms/, forms/<pk>/, check-ins/,
#     check-ins/<plan_id>/, progress/, progress/photos/, progress/photos/compare/,
#     progress/training/, progress/records/, profile/data/, calendar/, workouts/,
#     workouts/new/, workouts/<pk>/ (archived 404), workouts/log/<uuid>/ (archived 404),
#     nutrition/, nutrition/plan/, habits/; billing/invoices/ (archived 200) and
#     billing/invoices/<pk>/ (archived 404). shop/ and billing/ already answer 403.
#   - POST-only portal doors (progress/measurements/<pk>/delete/, progress/photos/<pk>/
#     delete/, nutrition/log/<pk>/delete/, habits/<pk>/tick/) answer 405 to everyone:
#     target the portal's rule first (staff to /admin/, norecord/archived 403).
#   - API lists answering 200 (empty) to both: clients, responses, assignments, checkins,
#     checkins/due, measurements, progress-photos, program-assignments,
#     scheduled-workouts, programs, habits, habit-checks, workout-logs, nutrition-targets,
#     meal-plans, food-log, personal-records, purchases, payments, invoices; food-log/day/
#     (archived 200), me/export/ (archived 200, norecord 404; staff 404, target 403).
#     Their detail views answer 404 (target 403).
#
# A suspended business (its owner): every /admin/billing/<model>/... page of client
#   billing (products, purchases, payments, Stripe events, invoices and their
#   issue/pay/void/pdf, revenue, billing settings, tax rates, Stripe Connect) answers as
#   if active: the lock allows the prefix /admin/billing/. Target 403; /admin/billing/
#   (the platform billing page) stays open. ping answers 403 while healthz answers 200:
#   target 200 for both probes. Two-factor set-up pages and branding/logo answer 403:
#   target reachable (see their rows).
#
# Another coach: profile/photo/<client user id>/ answers 200 with the client's avatar,
#   and media/<that avatar's path> serves it too (tenants.views.private_media serves
#   avatars/ to any staff). Target 404 for both.
#
# Another client: shop/cancel/<Cleo's purchase>/ redirects to /shop/; target 404.
#
# Coaches: the history page of a purchase, payment or invoice redirects to /admin/ (the
#   admin's "not found" message), while its change page answers 403; target 403.
#
# In the working tree at the time of writing (the policy work under way), all of the
# above matched except: the API for norecord/archived, the portal home "" for
# norecord/archived (200), the billing history pages for coaches, and media/ for
# another coach.
#
# How the code hides another client's object (kept as the rows): the stock admin
#   change/history/delete views redirect another coach to /admin/ with a "does not exist"
#   message (client, measurement, photo, habit, workout log, nutrition target, meal plan,
#   personal record, program); our own admin views answer 404 (response change and
#   review, program builder, meal plan builder, per-client measurement/photo/assignment
#   pages, client notes). Portal pages and the API answer 404 to another client and to
#   another coach.
