"""The machinery behind the role matrix (test_role_matrix.py): every URL pattern of both
URL confs, one business full of objects that belong to one client, the visitors, and
one GET of every route as every visitor.

Nothing here decides who may open what: the rows in test_role_matrix.py do.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import time
import traceback
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

CHANGE = "→change"  # the admin's "<id>/" redirect to the object's change page
TENANT = "tenant"
PUBLIC = "public"
URLCONFS = {TENANT: settings.ROOT_URLCONF, PUBLIC: settings.PUBLIC_SCHEMA_URLCONF}

# --- the routes ----------------------------------------------------------------------

_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def _route_text(pattern) -> str:
    """A pattern as one readable piece: regex groups become ``<name>``, anchors go."""
    text = str(pattern)
    if text.startswith("^"):
        text = text[1:]
    if text.endswith("$"):
        text = text[:-1]
    # a group may hold a nested class with ")" only inside brackets: good enough for ours
    return _GROUP.sub(lambda m: f"<{m.group(1)}>", text)


@dataclass(frozen=True)
class Route:
    conf: str  # TENANT or PUBLIC
    route: str  # "admin/clients/metric/<path:object_id>/change/"
    name: str | None
    view: str  # dotted name of the view, for messages

    @property
    def key(self) -> str:
        return f"{self.conf}:{self.route}"

    @property
    def params(self) -> list[str]:
        return [p.split(":")[-1] for p in re.findall(r"<([^>]+)>", self.route)]


def _walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + _route_text(entry.pattern))
        elif isinstance(entry, URLPattern):
            callback = entry.callback
            view = f"{callback.__module__}.{getattr(callback, '__qualname__', callback)}"
            yield prefix + _route_text(entry.pattern), entry.name, view


def all_routes() -> list[Route]:
    """Every URL pattern of both URL confs, nested includes, admin sites and DRF routers
    included, in resolving order. A pattern shadowed by an earlier one with the same
    text (dj-stripe's webhook under ours) appears once."""
    seen, routes = set(), []
    for conf, urlconf in URLCONFS.items():
        for route, name, view in _walk(get_resolver(urlconf)):
            if (conf, route) not in seen:
                seen.add((conf, route))
                routes.append(Route(conf, route, name, view))
    return routes


def is_format_suffix(route: Route) -> bool:
    """DRF's ``.json`` twin of a router URL: the same view and the same rule as the route
    without the suffix, so its row covers it."""
    return "format" in route.params


def base_of_format_suffix(route: Route) -> str:
    return route.key.replace(r"\.<format>/?", "/")


def fill(route: Route, values: dict) -> str:
    """The path to GET for ``route``: each ``<param>`` replaced from ``values``."""

    def one(match):
        name = match.group(1).split(":")[-1]
        if name not in values:
            raise KeyError(f"{route.key}: no value for <{name}>")
        return str(values[name])

    path = "/" + re.sub(r"<([^>]+)>", one, route.route)
    return path.replace("\\", "")


# --- one business, one client with one of everything -------------------------------


@dataclass
class World:
    """The objects the rows point at: ``pk[name]`` is an object of ``client_record``
    (or of the business, for things nobody owns), ``extra`` holds tokens and names."""

    business: object
    other_business: object
    users: dict = field(default_factory=dict)
    pk: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 80), (120, 84, 66)).save(out, "JPEG")
    return out.getvalue()


def world_build(business, other_business) -> World:
    """People and one object of each kind. Call inside a transaction that is rolled back."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from accounts.services import api_token_create, invitation_create
    from billing.models import BillingSettings, StripeEvent, TaxRate
    from billing.services.invoices import InvoiceLineSpec, invoice_create_draft, invoice_issue
    from billing.services.payments import payment_record_offline
    from billing.services.products import ProductDetails, product_create
    from clients.models import (
        AuditEntry,
        CheckInPlan,
        Client,
        Measurement,
        Metric,
        Response,
        ResponseFile,
        Tag,
    )
    from clients.selectors_intake import questionnaire_current_version
    from clients.services.intake_assignments import assignments_create
    from clients.services.intake_questionnaires import questionnaire_from_starter
    from clients.services.photos import photo_upload
    from clients.services.records import client_note_add
    from clients.tests.factories import ClientFactory, person_create
    from messaging.models import Announcement
    from messaging.services import client_thread_get_or_create, message_send
    from notifications.services import notify
    from programs.models import (
        Block,
        Food,
        MealPlan,
        PersonalRecord,
        Prescription,
        Program,
        ProgramDay,
        ProgramWeek,
        ScheduledWorkout,
        WorkoutLog,
    )
    from programs.services.assignment import assignment_create
    from programs.services.food_log import food_log_add
    from programs.services.foods import foods_ensure_starter
    from programs.services.habits import habit_assign, habit_check
    from programs.services.library import exercise_create
    from programs.services.logging import SetInput, workout_sync
    from programs.services.meal_plans import meal_plan_copy, meal_plan_create
    from programs.services.nutrition_targets import nutrition_target_set
    from programs.tests.conftest import catalog_exercise
    from programs.values import exercise_ref
    from scheduling.models import Booking, SessionType, TimeOff, WaitlistEntry, WeeklyHours
    from scheduling.services.booking import class_schedule, session_book
    from scheduling.services.feeds import calendar_feed_get_or_create

    world = World(business=business, other_business=other_business)
    today = timezone.localdate()
    squat = catalog_exercise("Test Back Squat", equipment=["barbell"])
    with tenant_context(business):
        # the business's owner (the session's businesses: owner@<slug>.test)
        owner = User.objects.get(email=f"owner@{business.slug}.test")
        coach = person_create(email="coach@acme.test", role="coach", first_name="Cora")
        other_coach = person_create(email="coach2@acme.test", role="coach", first_name="Otto")
        client_user = person_create(email="cli@acme.test", role="client", first_name="Cleo")
        other_user = person_create(email="sam@acme.test", role="client", first_name="Sam")
        norecord_user = person_create(email="nora@acme.test", role="client", first_name="Nora")
        archived_user = person_create(email="arch@acme.test", role="client", first_name="Archie")
        record = ClientFactory(
            user=client_user, first_name="Cleo", email="cli@acme.test", primary_coach=coach
        )
        other_record = ClientFactory(
            user=other_user, first_name="Sam", email="sam@acme.test", primary_coach=other_coach
        )
        ClientFactory(
            user=archived_user,
            first_name="Archie",
            email="arch@acme.test",
            primary_coach=coach,
            status=Client.Status.ARCHIVED,
        )
        world.users = {
            "owner": owner,
            "coach": coach,
            "other_coach": other_coach,
            "client": client_user,
            "other_client": other_user,
            "norecord": norecord_user,
            "archived": archived_user,
        }
        pk = world.pk
        pk["client"] = record.pk
        pk["other_client"] = other_record.pk
        pk["user"] = client_user.pk
        pk["owner_user"] = owner.pk
        pk["group"] = Group.objects.get(name="coach").pk
        pk["note"] = client_note_add(client=record, body="Knee", author=coach).pk
        pk["tag"] = Tag.objects.create(name="vip").pk
        pk["invitation"] = invitation_create(
            email="new@acme.test", role="client", invited_by=owner
        ).pk
        pk["apitoken"] = api_token_create(user=client_user, name="phone")[0].pk
        pk["emailaddress"] = EmailAddress.objects.get(user=client_user).pk

        # intake: a published form assigned to the client, answered with a file
        questionnaire = questionnaire_from_starter(by=owner, starter="parq")
        pk["questionnaire"] = questionnaire.pk
        world.extra["form_token"] = questionnaire.public_token
        type(questionnaire).objects.filter(pk=questionnaire.pk).update(is_public=True)
        assignments_create(
            questionnaire=questionnaire, clients=Client.objects.filter(pk=record.pk), by=coach
        )
        assignment = record.assignments.get()
        pk["assignment"] = assignment.pk
        # answers from the open link with the client's address: held off their record
        held = Response.objects.create(
            version=questionnaire.versions.latest("pk"),
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now(),
            match=record,
            contact={"email": record.email},
        )
        pk["heldresponse"] = held.pk
        response = Response.objects.create(
            version=questionnaire_current_version(questionnaire=questionnaire),
            client=record,
            answers={},
            status="submitted",
            submitted_at=timezone.now(),
        )
        pk["response"] = response.pk
        upload = ResponseFile(
            response=response,
            field_key="doc",
            original_name="note.txt",
            content_type="text/plain",
            size=5,
        )
        upload.file.save("note.txt", ContentFile(b"hello"), save=True)
        pk["responsefile"] = upload.pk
        weekly = questionnaire_from_starter(by=owner, starter="weekly_checkin")
        plan = CheckInPlan.objects.create(
            questionnaire=weekly, period_days=7, starts_on=today - dt.timedelta(days=14)
        )
        pk["checkinplan"] = plan.pk
        pk["checkin"] = Response.objects.create(
            version=questionnaire_current_version(questionnaire=weekly),
            client=record,
            period_start=today - dt.timedelta(days=7),
            answers={},
            status="submitted",
            submitted_at=timezone.now(),
        ).pk

        # progress
        weight = Metric.objects.get(key="weight")
        pk["metric"] = weight.pk
        pk["measurement"] = Measurement.objects.create(
            client=record, metric=weight, value=Decimal("70.5"), measured_on=today
        ).pk
        pk["progressphoto"] = photo_upload(
            client=record,
            upload=SimpleUploadedFile("front.jpg", _jpeg(), content_type="image/jpeg"),
            pose="front",
            taken_on=today,
            by=client_user,
            today=today,
        ).pk
        pk["auditentry"] = AuditEntry.objects.create(
            action=AuditEntry.Action.EXPORT, client_id_ref=record.pk, subject="Cleo", actor=owner
        ).pk

        # training: a template, the client's copy, a logged workout with a record
        own = exercise_create(by=owner, name="Sled push", category="strength")
        pk["exercise"] = own.pk
        world.extra["exercise_key"] = f"b-{own.pk}"
        world.extra["catalog_key"] = f"c-{squat.pk}"
        template = Program.objects.create(name="Template", created_by=owner, length_weeks=1)
        week = ProgramWeek.objects.create(program=template, number=1)
        day = ProgramDay.objects.create(week=week, position=1, name="Squat day")
        block = Block.objects.create(day=day, position=1)
        Prescription.objects.create(
            block=block, position=1, catalog_exercise=squat, sets=1, reps_min=5
        )
        pk["program_template"] = template.pk
        (program_assignment,) = assignment_create(
            program=template,
            clients=[record],
            start_date=today - dt.timedelta(days=7),
            weekdays=list(range(7)),
            by=coach,
        )
        pk["programassignment"] = program_assignment.pk
        copy = program_assignment.program
        pk["program"] = copy.pk
        pk["programweek"] = copy.weeks.get().pk
        copy_day = ProgramDay.objects.get(week__program=copy)
        pk["programday"] = copy_day.pk
        pk["block"] = Block.objects.get(day=copy_day).pk
        prescription = Prescription.objects.get(block__day=copy_day)
        pk["prescription"] = prescription.pk
        scheduled = ScheduledWorkout.objects.filter(client=record).order_by("date").first()
        pk["scheduledworkout"] = scheduled.pk
        started = timezone.now() - dt.timedelta(days=1)
        result = workout_sync(
            client=record,
            workout_uuid=uuid.uuid4(),
            sets=[
                SetInput(
                    client_uuid=uuid.uuid4(),
                    exercise=exercise_ref(catalog_exercise_id=squat.pk, exercise_id=None),
                    set_number=1,
                    reps=5,
                    load_kg=Decimal("100"),
                    prescription=prescription.pk,
                    logged_at=started,
                )
            ],
            scheduled_id=scheduled.pk,
            started_at=started,
            finished_at=started + dt.timedelta(minutes=40),
        )
        log = WorkoutLog.objects.get(pk=result.workout.pk)
        pk["workoutlog"] = log.pk
        world.extra["log_uuid"] = log.client_uuid
        record_row = PersonalRecord.objects.filter(client=record).first()
        if record_row is None:  # records may be computed after commit: make one by hand
            record_row = PersonalRecord.objects.create(
                client=record, catalog_exercise=squat, kind="e1rm", value=100, workout=log
            )
        pk["personalrecord"] = record_row.pk

        # nutrition and habits
        foods_ensure_starter()
        food = Food.objects.order_by("pk").first()
        pk["food"] = food.pk
        nutrition_target_set(
            client=record, calories=2000, protein_g=150, carbs_g=200, fat_g=67, by=coach
        )
        pk["nutritiontarget"] = record.nutrition_targets.get().pk
        template_plan = meal_plan_create(name="Template plan", by=owner)
        pk["mealplan_template"] = template_plan.pk
        plan = meal_plan_copy(plan=template_plan, by=coach, client=record, name="Cleo's plan")
        pk["mealplan"] = MealPlan.objects.get(pk=plan.pk).pk
        pk["foodlogentry"] = food_log_add(
            client=record, by=client_user, grams=100, food=food, on=today, today=today
        ).entry.pk
        habit = habit_assign(client=record, name="Walk", by=coach, starts_on=today)
        pk["habit"] = habit.pk
        habit_check(habit=habit, on=today, by=client_user, today=today)
        pk["habitcheck"] = habit.checks.get().pk

        # billing: a product bought offline (purchase, payment, paid invoice), an open one
        vat = TaxRate.objects.create(name="VAT", rate_bp=2000, is_inclusive=True)
        pk["taxrate"] = vat.pk
        pk["billingsettings"] = BillingSettings.objects.get_or_create(pk=1)[0].pk
        product = product_create(
            by=owner,
            details=ProductDetails(
                name="10 sessions", kind="pack", amount=50000, sessions=10, valid_days=90
            ),
        )
        pk["product"] = product.pk
        payment = payment_record_offline(
            client=record, amount=product.amount, method="cash", by=owner, product=product
        )
        pk["payment"] = payment.pk
        pk["purchase"] = payment.purchase_id
        invoice = invoice_create_draft(
            client=record, lines=[InvoiceLineSpec("Session", 1, 5000, vat)], by=owner
        )
        pk["invoice"] = invoice_issue(invoice=invoice, by=owner, send=False).pk
        # scheduling: a free one-to-one with the coach, booked by Cleo; a class time
        kind = SessionType.objects.create(name="Matrix 1:1", payment="free", min_notice_minutes=0)
        kind.coaches.add(coach)
        group = SessionType.objects.create(name="Matrix class", payment="free", capacity=4)
        group.coaches.add(coach)
        pk["sessiontype"] = kind.pk
        # the public booking page's: a free intro call open to prospects
        public = SessionType.objects.create(name="Matrix intro", payment="free", is_public=True)
        public.coaches.add(coach)
        pk["publictype"] = public.pk
        soon = (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
        pk["booking"] = session_book(
            client=record, session_type=kind, coach=coach, starts_at=soon, by=coach
        ).pk
        pk["appointment"] = Booking.objects.get(pk=pk["booking"]).appointment_id
        pk["weeklyhours"] = WeeklyHours.objects.create(
            coach=coach, weekday=0, starts=dt.time(9), ends=dt.time(17)
        ).pk
        pk["timeoff"] = TimeOff.objects.create(
            coach=coach, starts_at=soon + dt.timedelta(days=5), ends_at=soon + dt.timedelta(days=6)
        ).pk
        pk["classappointment"] = class_schedule(
            session_type=group, coach=coach, starts_at=soon + dt.timedelta(hours=3), by=coach
        ).pk
        pk["waitlistentry"] = WaitlistEntry.objects.create(
            appointment_id=pk["classappointment"], client=record
        ).pk
        # Cleo's private calendar feed (scheduling.services.feeds): no sign-in, the token
        world.extra["feed_token"] = calendar_feed_get_or_create(user=client_user).token
        # messaging: Cleo's conversation with her coach, one message each way
        thread = client_thread_get_or_create(client=record, by=coach)
        pk["thread"] = thread.pk
        message_send(thread=thread, body="How was the run?", by=coach)
        pk["message"] = message_send(thread=thread, body="Easy 5 km 🙂", by=client_user).pk
        # a PDF Kai sent her, and his announcement to his clients (messaging)
        pk["attachment"] = (
            message_send(
                thread=thread,
                body="",
                by=coach,
                attachments=[ContentFile(b"%PDF-1.4\n%%EOF\n", name="plan.pdf")],
            )
            .attachments.get()
            .pk
        )
        pk["announcement"] = Announcement.objects.create(
            body="Studio closed Monday", created_by=coach, send_at=timezone.now()
        ).pk
        # notifications: one for Cleo, about her conversation
        pk["notification"] = notify(
            user=client_user,
            kind="message",
            title="Kai wrote",
            url=f"/messages/{thread.pk}/",
            key="matrix",
        ).pk
        pk["stripeevent"] = StripeEvent.objects.create(
            event_id="evt_matrix",
            type="invoice.paid",
            stripe_created=timezone.now(),
            payload={"id": "evt_matrix"},
        ).pk
        client_user.avatar.save("cleo.jpg", ContentFile(_jpeg()), save=True)
        # a file of the business's own (not a person's): the generic staff download
        world.extra["media_path"] = default_storage.save(
            "documents/price-list.txt", ContentFile(b"prices")
        )
    with schema_context("public"):
        from programs.catalog.models import CatalogExercise

        world.extra["catalog_image"] = (
            CatalogExercise.objects.exclude(images=[]).values_list("images", flat=True).first()
            or ["none.jpg"]
        )[0]
    with tenant_context(other_business):
        world.users["zen_owner"] = User.objects.get(email="owner@zen.test")
    return world


# --- the visitors ----------------------------------------------------------------------

TENANT_VISITORS = [
    "owner",
    "coach",  # coaches the client whose objects the rows open
    "other_coach",  # a coach of the same business who does not
    "client",
    "other_client",
    "norecord",  # a client login without a client record
    "archived",  # a client login whose record is archived
    "anonymous",
    "other_business",  # zen's owner's session, sent to acme's host
    "suspended",  # acme's owner while acme is suspended
]
PUBLIC_VISITORS = ["anonymous", "business_session"]


def _host(slug: str | None = None) -> str:
    return f"{slug}.{settings.BASE_DOMAIN}" if slug else settings.BASE_DOMAIN


def browsers_for(world: World) -> dict[str, Browser]:
    browsers = {}
    acme = _host(world.business.slug)
    for name in ("owner", "coach", "other_coach", "client", "other_client", "norecord", "archived"):
        browser = Browser(HTTP_HOST=acme, raise_request_exception=True)
        with tenant_context(world.business):
            browser.force_login(world.users[name])
        browsers[name] = browser
    browsers["anonymous"] = Browser(HTTP_HOST=acme, raise_request_exception=True)
    zen = Browser(HTTP_HOST=_host(world.other_business.slug))
    with tenant_context(world.other_business):
        zen.force_login(world.users["zen_owner"])
    browsers["other_business"] = Browser(HTTP_HOST=acme, raise_request_exception=True)
    browsers["other_business"].cookies = zen.cookies
    browsers["public:anonymous"] = Browser(HTTP_HOST=_host(), raise_request_exception=True)
    browsers["public:business_session"] = Browser(HTTP_HOST=_host(), raise_request_exception=True)
    # a copy: a cookie the public site sets must not replace the owner's
    browsers["public:business_session"].cookies = copy.deepcopy(browsers["owner"].cookies)
    return browsers


# --- one GET ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Crash:
    """A request that raised (the test client re-raises a view's exception): a 500."""

    error: str
    where: str

    def __str__(self):
        return f"500 {self.error} at {self.where}"


def outcome(browser: Browser, path: str):
    """Where a visitor ends up: a status, "login", a redirect target (its path), or a Crash.

    The back office's own sign-in redirect is followed for a signed-in visitor (it tells
    a client plainly that the area is for staff); for others it is "login" (where that
    page sends them: its own row checks it). Each GET
    runs in a savepoint that is rolled back, so a view that writes on GET changes
    nothing for the next visitor, and a database error cannot poison the crawl."""
    for _ in range(3):
        try:
            with transaction.atomic():
                response = browser.get(path)
                transaction.set_rollback(True)
        except Exception as exc:  # noqa: BLE001 (any exception is a server error here)
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{frame.filename.rsplit('/work/main/', 1)[-1]}:{frame.lineno}"
            return Crash(f"{type(exc).__name__}: {exc}"[:160], where)
        if response.status_code not in (301, 302, 303, 307, 308):
            return response.status_code
        location = urlsplit(response["Location"]).path
        if location == urlsplit(path).path + "change/":
            return CHANGE
        if location.startswith("/accounts/login/"):
            return "login"
        if not location.startswith("/admin/login/") or path.startswith("/admin/login/"):
            return location
        if settings.SESSION_COOKIE_NAME not in browser.cookies:
            return "login"
        path = response["Location"]
    raise AssertionError(f"redirect loop at {path}")


def crawl(world: World, requests: list[tuple[str, str, str]], timings: dict | None = None) -> dict:
    """GET each ``(key, visitor, path)``; returns ``{(key, visitor): outcome}``, and the
    seconds each took in ``timings`` when given.

    The "suspended" visitor's requests run first, with acme suspended for them (the
    route cache is emptied so the middleware sees the new status), signed in afresh."""
    browsers = browsers_for(world)
    try:
        return _crawl(world, browsers, requests, timings)
    finally:
        # the middleware left the connection on the last request's schema (kept from one
        # request to the next: a GET to the schema the connection is on sets no path)
        connection.set_schema_to_public()


def _crawl(world: World, browsers: dict, requests: list, timings: dict | None) -> dict:
    from mectofitness.testing import cache_clear
    from tenants.models import Business
    from tenants.routing import host_cache

    results = {}
    ordered = sorted(requests, key=lambda r: r[1] != "suspended")
    suspended = False
    for index, (key, visitor, path) in enumerate(ordered):
        if index % 100 == 0:
            # the crawl sends one visitor more API requests in a minute than the
            # per-person rate allows (120/min): it checks doors, not throttles
            cache_clear()
        if visitor == "suspended" and not suspended:
            Business.objects.filter(pk=world.business.pk).update(status="suspended")
            host_cache.clear()
            browsers["suspended"] = Browser(
                HTTP_HOST=_host(world.business.slug), raise_request_exception=True
            )
            with tenant_context(world.business):
                browsers["suspended"].force_login(world.users["owner"])
            suspended = True
        if visitor != "suspended" and suspended:
            Business.objects.filter(pk=world.business.pk).update(status=world.business.status)
            host_cache.clear()
            suspended = False
        started = time.perf_counter()
        results[(key, visitor)] = outcome(browsers[visitor], path)
        if timings is not None:
            timings[(key, visitor)] = time.perf_counter() - started
    if suspended:
        Business.objects.filter(pk=world.business.pk).update(status=world.business.status)
        host_cache.clear()
    return results


# --- filling parameters ------------------------------------------------------------------

# the object an API route's <pk> opens, by the router prefix
API_OBJECTS = {
    "tokens": "apitoken",
    "audit-entries": "auditentry",
    "clients": "client",
    "client-notes": "note",
    "questionnaires": "questionnaire",
    "responses": "response",
    "assignments": "assignment",
    "checkins": "checkin",
    "metrics": "metric",
    "measurements": "measurement",
    "progress-photos": "progressphoto",
    "program-assignments": "programassignment",
    "scheduled-workouts": "scheduledworkout",
    "programs": "program",
    "program-weeks": "programweek",
    "program-days": "programday",
    "program-blocks": "block",
    "prescriptions": "prescription",
    "habits": "habit",
    "habit-checks": "habitcheck",
    "workout-logs": "workoutlog",
    "foods": "food",
    "nutrition-targets": "nutritiontarget",
    "meal-plans": "mealplan",
    "food-log": "foodlogentry",
    "personal-records": "personalrecord",
    "products": "product",
    "purchases": "purchase",
    "payments": "payment",
    "invoices": "invoice",
    "tax-rates": "taxrate",
    "session-types": "sessiontype",
    "appointments": "appointment",
    "bookings": "booking",
    "waitlist": "waitlistentry",
    "weekly-hours": "weeklyhours",
    "time-off": "timeoff",
    "threads": "thread",
    "messages": "message",
    "announcements": "announcement",
    "notifications": "notification",
}
# the object a back-office route's id opens, when the model name is not the key
ADMIN_OBJECTS = {"user": "user", "response": "response"}
# parameters with the same meaning wherever they appear
BY_NAME = {
    "client_id": "client",
    "note_id": "note",
    "habit_id": "habit",
    "user_id": "user",
    "product_id": "product",
    "purchase_id": "purchase",
    "id": "user",
}


def values_for(route: Route, world: World, given: dict) -> dict:
    """Values for each parameter of ``route``: the row's own (object names from
    ``world.pk`` or literal strings), else the object of the model the route is about."""
    values = {}
    parts = route.route.split("/")
    for name in route.params:
        if name == "format":
            continue
        wanted = given.get(name)
        if wanted is None and name in BY_NAME:
            wanted = BY_NAME[name]
        if wanted is None and name in ("object_id", "pk"):
            if route.route.startswith("admin/") and len(parts) > 2:
                wanted = ADMIN_OBJECTS.get(parts[2], parts[2])
            elif route.route.startswith("api/v1/"):
                wanted = API_OBJECTS.get(parts[2])
        if wanted is None and name == "key" and route.route.startswith(("api/", "admin/")):
            wanted = "=exercise_key"
        if wanted is None:
            raise KeyError(f"{route.key}: say what fills <{name}> (row fill=...)")
        if isinstance(wanted, str) and wanted.startswith("="):
            values[name] = world.extra[wanted[1:]]
        elif isinstance(wanted, str) and wanted in world.pk:
            values[name] = world.pk[wanted]
        else:
            values[name] = wanted
    return values
