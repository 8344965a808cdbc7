"""Believable clients for the demo business, so the back office and portal look alive.

Idempotent: runs inside the demo business's schema and does nothing twice.
Fixed random seed, so every demo looks the same.
"""

import datetime as dt
import io
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User

from .models import (
    Assignment,
    CheckInPlan,
    Client,
    ClientNote,
    ClientStatusChange,
    Measurement,
    Metric,
    ProgressPhoto,
    Questionnaire,
    Response,
    Tag,
    normalise,
)
from .selectors_intake import questionnaire_current_version
from .services.intake_questionnaires import questionnaire_from_starter
from .services.photos import photo_upload

PEOPLE = [
    # first, last, status, tags, goals, injuries, medical, source
    (
        "Amara",
        "Okafor",
        "active",
        ["Online"],
        "Run a sub-25 minute 5k by spring",
        "",
        "",
        "referral",
    ),
    (
        "Ben",
        "Hartley",
        "active",
        ["In person", "Strength"],
        "Deadlift 200 kg",
        "Lower back tweak in 2023, fully recovered",
        "",
        "website",
    ),
    (
        "Sofia",
        "Rossi",
        "active",
        ["Online", "Nutrition"],
        "Lose 6 kg before her wedding in June",
        "",
        "",
        "social",
    ),
    (
        "Mateo",
        "García",
        "onboarding",
        ["In person"],
        "Get back to football fitness",
        "Right ankle sprain (March)",
        "",
        "walk_in",
    ),
    (
        "Hannah",
        "Schmidt",
        "active",
        ["Strength"],
        "First pull-up",
        "",
        "Asthma: inhaler before hard sessions",
        "referral",
    ),
    ("Liam", "O'Connor", "paused", ["In person"], "Build muscle", "", "", "website"),
    (
        "Zoë",
        "Ångström",
        "active",
        ["Online", "Mobility"],
        "Touch toes, sit cross-legged without pain",
        "Hypermobile shoulders",
        "",
        "social",
    ),
    (
        "Priya",
        "Natarajan",
        "lead",
        [],
        "Postnatal strength",
        "",
        "Six months postpartum, cleared by GP",
        "website",
    ),
    (
        "Tom",
        "Becker",
        "lead",
        [],
        "Lose weight, feel less tired",
        "",
        "Type 2 diabetes (metformin)",
        "social",
    ),
    (
        "Grace",
        "Kim",
        "active",
        ["Online", "Running"],
        "Half marathon in October",
        "Shin splints history",
        "",
        "referral",
    ),
    ("Noah", "Williams", "archived", ["In person"], "Summer shred", "", "", "walk_in"),
    (
        "Ella",
        "Martin",
        "active",
        ["Strength", "Nutrition"],
        "Compete in a powerlifting meet",
        "",
        "",
        "referral",
    ),
    (
        "Lucas",
        "Moreau",
        "onboarding",
        ["Online"],
        "Stay fit while travelling for work",
        "",
        "",
        "website",
    ),
    (
        "Mia",
        "Kowalski",
        "active",
        ["In person", "Mobility"],
        "Pain-free squats",
        "Left knee ACL reconstruction 2022",
        "",
        "referral",
    ),
    ("Oliver", "Brown", "active", ["Strength"], "Bench 100 kg", "", "", "social"),
    (
        "Isla",
        "Fraser",
        "lead",
        [],
        "Feel strong at 50",
        "",
        "High blood pressure, managed",
        "website",
    ),
    ("Yusuf", "Demir", "active", ["Online", "Running"], "Marathon under 3:30", "", "", "referral"),
    ("Chiara", "Bianchi", "paused", ["Online"], "Tone up", "", "", "social"),
    (
        "Jack",
        "Thompson",
        "active",
        ["In person"],
        "Rugby pre-season",
        "Shoulder dislocation 2021",
        "",
        "walk_in",
    ),
    (
        "Aisha",
        "Rahman",
        "onboarding",
        ["Nutrition"],
        "Better energy, fewer sugar cravings",
        "",
        "",
        "website",
    ),
    (
        "Finn",
        "Larsen",
        "active",
        ["Strength"],
        "Consistency: three sessions a week",
        "",
        "",
        "referral",
    ),
    (
        "Léa",
        "Dubois",
        "active",
        ["Online", "Mobility"],
        "Yoga-style flexibility and core",
        "",
        "",
        "social",
    ),
    ("Samuel", "Adeyemi", "lead", [], "Lose 10 kg", "", "", "social"),
    (
        "Nora",
        "Lindqvist",
        "active",
        ["In person", "Running"],
        "Trail ultra in September",
        "Plantar fasciitis (managed)",
        "",
        "referral",
    ),
]

# A fuller roster for the demo (``clients_demo_roster_seed``): a coach's 50-odd clients,
# so the client list, Today and the queues show what a busy week looks like.
# first, last, status, tags, goals, injuries
ROSTER = [
    ("Aiden", "Walsh", "active", ["In person", "Strength"], "Squat his body weight", ""),
    ("Beatriz", "Costa", "active", ["Online"], "Feel fitter after two kids", ""),
    ("Callum", "Reid", "active", ["Strength"], "First strongman comp", "Tennis elbow (right)"),
    ("Dana", "Levi", "active", ["Online", "Running"], "10k under 50 minutes", ""),
    ("Emeka", "Obi", "active", ["In person"], "Lose 8 kg", ""),
    ("Freya", "Nilsson", "active", ["Online", "Mobility"], "Desk-job back pain gone", "Low back"),
    ("Gabriel", "Silva", "active", ["Strength"], "Bench 120 kg", ""),
    ("Harriet", "Cole", "active", ["Online", "Nutrition"], "Steady energy through the day", ""),
    ("Ivan", "Petrov", "active", ["In person", "Strength"], "Deadlift 250 kg", ""),
    ("Jasmine", "Ali", "active", ["Online"], "Tone up for the summer", ""),
    ("Kofi", "Mensah", "active", ["Running"], "Marathon in April", "Achilles tightness"),
    ("Laura", "Fischer", "active", ["Online", "Strength"], "Strong and pain-free at 45", ""),
    ("Marco", "Ricci", "active", ["In person"], "Get back in shape after injury", "Knee (MCL)"),
    ("Nadia", "Haddad", "active", ["Online", "Nutrition"], "Lose 5 kg, keep the muscle", ""),
    ("Owen", "Price", "active", ["Strength"], "Ten strict pull-ups", ""),
    ("Paula", "Novak", "active", ["Online", "Mobility"], "Hike the Tour du Mont Blanc", ""),
    ("Quentin", "Roux", "active", ["In person"], "Play five-a-side without cramps", ""),
    ("Rosa", "Jiménez", "active", ["Online"], "Consistency: four workouts a week", ""),
    ("Stefan", "Horvat", "active", ["Strength"], "Overhead press 70 kg", "Shoulder impingement"),
    ("Tara", "Quinn", "active", ["Online", "Running"], "Parkrun PB", ""),
    ("Umar", "Sheikh", "active", ["In person", "Nutrition"], "Lose 12 kg by the wedding", ""),
    ("Vera", "Sokolova", "active", ["Online", "Strength"], "First powerlifting meet", ""),
    ("Will", "Turner", "onboarding", ["In person"], "Build a habit", ""),
    ("Xenia", "Papadopoulou", "onboarding", ["Online"], "Postnatal core and strength", ""),
    ("Yara", "Saleh", "onboarding", ["Online", "Nutrition"], "Healthier eating", ""),
    ("Zane", "Murphy", "paused", ["In person"], "Rugby off-season strength", ""),
    ("Alice", "Dupont", "paused", ["Online"], "Stay active while travelling", ""),
    ("Bruno", "Keller", "lead", [], "Get fit at 60", "Hip replacement (2024)"),
    ("Carla", "Mendez", "lead", [], "Run my first 5k", ""),
    ("Dev", "Patel", "archived", ["Online"], "Summer shred", ""),
]


NOTES = [
    "First session done: good movement, needs work on hip hinge.",
    "Prefers early mornings (6:30). Travels the last week of each month.",
    "Asked about creatine; sent the evidence summary.",
    "Missed two sessions: work deadline. Check in on Friday.",
    "Hit a PR today and was thrilled. Keep the momentum.",
    "Agreed to log food three days a week, not every day.",
]


def _phone(rng: random.Random) -> str:
    return f"+44 7{rng.randrange(100, 999)} {rng.randrange(100000, 999999)}"


@transaction.atomic
def clients_demo_seed(*, coaches: list[User], owner: User, client_user: User | None) -> int:
    """Add the demo clients once. Returns how many were added."""
    if Client.objects.exists():
        return 0
    rng = random.Random(2026)
    now = timezone.now()
    tags = {name: Tag.objects.get_or_create(name=name)[0] for p in PEOPLE for name in p[3]}
    created = 0
    for index, (first, last, status, tag_names, goals, injuries, medical, source) in enumerate(
        PEOPLE
    ):
        joined = now - dt.timedelta(days=rng.randrange(20, 400))
        client = Client.objects.create(
            first_name=first,
            last_name=last,
            email=normalise(f"{first}.{last}").replace("'", "").replace(" ", "") + "@example.com",
            phone=_phone(rng),
            date_of_birth=dt.date(
                rng.randrange(1965, 2003), rng.randrange(1, 13), rng.randrange(1, 28)
            ),
            goals=goals,
            injuries=injuries,
            medical_notes=medical,
            experience_level=rng.choice(["beginner", "intermediate", "advanced"]),
            emergency_contact_name=rng.choice(["Partner", "Parent", "Sibling"]),
            emergency_contact_phone=_phone(rng),
            source=source,
            status=status,
            status_changed_at=joined + dt.timedelta(days=7),
            created_at=joined,
            primary_coach=coaches[index % len(coaches)],
            last_activity_at=(
                None
                if status in ("lead", "archived")
                else now - dt.timedelta(hours=rng.randrange(2, 24 * 40))
            ),
        )
        client.tags.set([tags[name] for name in tag_names])
        if index % 5 == 0 and len(coaches) > 1:
            client.coaches.add(coaches[(index + 1) % len(coaches)])
        ClientStatusChange.objects.create(
            client=client, from_status="", to_status="lead", changed_at=joined
        )
        if status != "lead":
            ClientStatusChange.objects.create(
                client=client,
                from_status="lead",
                to_status=status,
                changed_by=owner,
                changed_at=joined + dt.timedelta(days=7),
            )
        for offset, body in enumerate(rng.sample(NOTES, k=rng.randrange(0, 3))):
            ClientNote.objects.create(
                client=client,
                author=client.primary_coach,
                body=body,
                is_pinned=offset == 0 and index % 4 == 0,
                created_at=now - dt.timedelta(days=rng.randrange(1, 60)),
            )
        created += 1
    if client_user is not None:
        chloe = Client.objects.create(
            user=client_user,
            first_name=client_user.first_name,
            last_name=client_user.last_name,
            email=client_user.email,
            phone="+44 7700 900456",
            goals="Get stronger and run a 10k without stopping",
            injuries="Old left wrist fracture: careful with front squats",
            experience_level="intermediate",
            source="referral",
            status="active",
            primary_coach=coaches[0],
            created_at=now - dt.timedelta(days=120),
            status_changed_at=now - dt.timedelta(days=110),
            last_activity_at=now - dt.timedelta(hours=3),
        )
        chloe.tags.set([tags["Online"], tags["Strength"]])
        ClientStatusChange.objects.create(client=chloe, from_status="", to_status="active")
        ClientNote.objects.create(
            client=chloe,
            author=coaches[0],
            body="Great progress on squats. Next block: add a Saturday run.",
            is_pinned=True,
        )
        created += 1
        others = list(Client.objects.filter(status="active").exclude(pk=chloe.pk)[:8])
        progress_demo_seed(client=chloe, coach=coaches[0], others=others)
        leads = list(Client.objects.filter(status="lead"))
        forms_demo_seed(owner=owner, coach=coaches[0], client=chloe, leads=leads)
    return created


# --- measurements, photos, forms and check-ins ----------------------------------------


def progress_demo_seed(*, client: Client, coach: User, others: list[Client]) -> None:
    """Sixteen weeks of weigh-ins and monthly tape measurements for the demo client
    (and a few weigh-ins for the others), plus front and side photos a quarter apart."""

    if Measurement.objects.exists():
        return
    rng = random.Random(7)
    metrics = {metric.key: metric for metric in Metric.objects.all()}
    today = timezone.localdate()
    rows = []
    for week in range(16, -1, -1):
        day = today - dt.timedelta(days=7 * week + 1)
        weight = 72.4 - (16 - week) * 0.3 + rng.uniform(-0.3, 0.3)
        rows.append(
            Measurement(
                client=client,
                metric=metrics["weight"],
                value=Decimal(f"{weight:.1f}"),
                measured_on=day,
                recorded_by=client.user,
            )
        )
        if week % 4 == 0:
            fat = 29.5 - (16 - week) * 0.25
            waist = 78.0 - (16 - week) * 0.35
            rows.append(
                Measurement(
                    client=client,
                    metric=metrics["body_fat"],
                    value=Decimal(f"{fat:.1f}"),
                    measured_on=day,
                    recorded_by=coach,
                )
            )
            rows.append(
                Measurement(
                    client=client,
                    metric=metrics["waist"],
                    value=Decimal(f"{waist:.1f}"),
                    measured_on=day,
                    recorded_by=coach,
                )
            )
            rows.append(
                Measurement(
                    client=client,
                    metric=metrics["hips"],
                    value=Decimal(f"{99 - (16 - week) * 0.2:.1f}"),
                    measured_on=day,
                    recorded_by=coach,
                )
            )
    for other in others:
        start = rng.uniform(58, 104)
        trend = rng.choice((-0.35, -0.2, 0.1, 0.15))
        for week in range(8, -1, -2):
            rows.append(
                Measurement(
                    client=other,
                    metric=metrics["weight"],
                    value=Decimal(f"{start + (8 - week) * trend:.1f}"),
                    measured_on=today - dt.timedelta(days=7 * week + 2),
                    recorded_by=coach,
                )
            )
    Measurement.objects.bulk_create(rows)
    if not ProgressPhoto.objects.filter(client=client).exists():
        for weeks_ago, shape in ((12, 1.0), (0, 0.9)):
            for pose in ("front", "side"):
                photo_upload(
                    client=client,
                    upload=_silhouette(pose=pose, width_factor=shape),
                    pose=pose,
                    taken_on=today - dt.timedelta(days=7 * weeks_ago),
                    by=client.user,
                    today=today,
                )


def _silhouette(*, pose: str, width_factor: float):
    """A stand-in progress photo: a figure on a studio backdrop (no real person)."""

    width, height = 600, 800
    image = Image.new("RGB", (width, height), (226, 222, 216))
    draw = ImageDraw.Draw(image)
    for y in range(height):  # a soft backdrop
        shade = 232 - y // 20
        draw.line([(0, y), (width, y)], fill=(shade, shade - 4, shade - 9))
    centre, body = width // 2, (110 if pose == "front" else 70) * width_factor
    colour = (120, 84, 66)
    draw.ellipse([centre - 45, 90, centre + 45, 200], fill=colour)  # head
    draw.rounded_rectangle([centre - body, 215, centre + body, 480], radius=40, fill=colour)
    leg = 38 * width_factor
    draw.rounded_rectangle(
        [centre - body + 10, 460, centre - body + 10 + 2 * leg, 760], radius=30, fill=colour
    )
    draw.rounded_rectangle(
        [centre + body - 10 - 2 * leg, 460, centre + body - 10, 760], radius=30, fill=colour
    )
    if pose == "front":
        for side in (-1, 1):
            x = centre + side * (body + 22)
            draw.rounded_rectangle([x - 20, 225, x + 20, 470], radius=20, fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return SimpleUploadedFile(f"{pose}.jpg", out.getvalue(), content_type="image/jpeg")


def forms_demo_seed(*, owner: User, coach: User, client: Client, leads: list[Client]) -> None:
    """The PAR-Q, goals and weekly check-in forms, the demo client's answers and eight
    weeks of check-ins (the latest waiting for the coach), and a lead's intake."""

    if Questionnaire.objects.exists():
        return
    parq = questionnaire_from_starter(by=owner, starter="parq")
    goals = questionnaire_from_starter(by=owner, starter="goals")
    weekly = questionnaire_from_starter(by=owner, starter="weekly_checkin")
    Questionnaire.objects.filter(pk=parq.pk).update(is_public=True)
    now = timezone.now()
    today = timezone.localdate()
    parq_version = questionnaire_current_version(questionnaire=parq)
    consent = next(f for f in parq_version.fields if f["type"] == "consent")
    no_to_all = {f["key"]: False for f in parq_version.fields if f["type"] == "yes_no"}
    signed = {"agreed": True, "text": consent.get("consent_text", "")}
    answered = Response.objects.create(
        version=parq_version,
        client=client,
        answers={**no_to_all, "consent": signed},
        status="submitted",
        started_at=now - dt.timedelta(days=118),
        submitted_at=now - dt.timedelta(days=118),
    )
    Assignment.objects.create(
        questionnaire=parq, client=client, assigned_by=coach, response=answered
    )
    Assignment.objects.create(questionnaire=goals, client=client, assigned_by=coach)
    for lead in leads[:2]:
        Response.objects.create(
            version=parq_version,
            client=lead,
            answers={
                **no_to_all,
                "bone_joint": True,
                "details": "Sore knee after long runs.",
                "consent": signed,
            },
            status="submitted",
            submitted_at=now - dt.timedelta(days=2),
        )
    plan = CheckInPlan.objects.create(
        questionnaire=weekly, period_days=7, starts_on=today - dt.timedelta(days=7 * 8)
    )
    version = questionnaire_current_version(questionnaire=weekly)
    rng = random.Random(11)
    replies = [
        "Solid week. Keep the protein up on rest days.",
        "Great consistency! Let's add the Saturday run next week.",
        "Sleep dipped: try the phone-off-at-10 rule.",
        "Brilliant squat numbers. Proud of you.",
    ]
    for week in range(8, 0, -1):
        period = plan.starts_on + dt.timedelta(days=7 * (8 - week))
        sent = timezone.make_aware(dt.datetime.combine(period + dt.timedelta(days=6), dt.time(19)))
        reviewed = week > 1
        reply_at = sent + dt.timedelta(hours=14) if reviewed else None
        demo_checkin_row(
            version=version,
            client=client,
            period=period,
            sent=sent,
            answers={
                "energy": rng.randrange(6, 10),
                "sleep": rng.randrange(5, 9),
                "adherence": rng.choice(["All of them", "Most of them", "Most of them"]),
                "wins": rng.choice(["Hit every session", "New squat PR", "Meal-prepped Sunday"]),
                "struggles": rng.choice(["", "Late nights at work", "Sore hamstrings"]),
            },
            reply_at=reply_at,
            coach=coach,
            comment=replies[week % len(replies)],
        ).save(force_insert=True)


def demo_checkin_row(
    *, version, client: Client, period, sent, answers: dict, reply_at, coach: User, comment: str
) -> Response:
    """A submitted weekly check-in, unsaved: answered at ``sent`` and, unless
    ``reply_at`` is None (still waiting for the coach), reviewed then with ``comment``; a
    reply of the demo's past was read long ago (no badge, no e-mail)."""
    return Response(
        version=version,
        client=client,
        period_start=period,
        answers=answers,
        status="submitted",
        started_at=sent,
        submitted_at=sent,
        reviewed_at=reply_at,
        reviewed_by=coach if reply_at else None,
        coach_comment=comment if reply_at else "",
        replied_at=reply_at,
        reply_seen_at=reply_at,
        reply_mailed_at=reply_at,
    )


# --- the fuller roster ------------------------------------------------------------------


def roster_email(first: str, last: str) -> str:
    return normalise(f"{first}.{last}").replace(" ", "") + "@example.com"


@transaction.atomic
def clients_demo_roster_seed(*, coaches: list[User], owner: User) -> list[Client]:
    """Add the roster's thirty clients once (the first one's e-mail marks it) with their
    last three weekly check-ins, the newest of a few still to review. Returns the
    roster's active clients (for the programs they follow), or [] when already there."""
    if Client.objects.filter(email=roster_email(*ROSTER[0][:2])).exists():
        return []
    rng = random.Random(2027)
    now = timezone.now()
    tags = {t.name: t for t in Tag.objects.all()}
    active = []
    for index, (first, last, status, tag_names, goals, injuries) in enumerate(ROSTER):
        joined = now - dt.timedelta(days=rng.randrange(30, 500))
        client = Client.objects.create(
            first_name=first,
            last_name=last,
            email=roster_email(first, last),
            phone=_phone(rng),
            goals=goals,
            injuries=injuries,
            experience_level=rng.choice(["beginner", "intermediate", "advanced"]),
            source=rng.choice(["referral", "website", "social", "walk_in"]),
            status=status,
            status_changed_at=joined + dt.timedelta(days=5),
            created_at=joined,
            primary_coach=coaches[index % len(coaches)],
            last_activity_at=(
                None
                if status in ("lead", "archived")
                else now - dt.timedelta(hours=rng.randrange(2, 24 * 45))
            ),
        )
        client.tags.set(
            [tags.get(name) or Tag.objects.get_or_create(name=name)[0] for name in tag_names]
        )
        ClientStatusChange.objects.create(
            client=client, from_status="", to_status=status, changed_at=joined
        )
        if status == Client.Status.ACTIVE:
            active.append(client)
    _roster_checkins(clients=active, coach=coaches[0], rng=rng)
    return active


def _roster_checkins(*, clients: list[Client], coach: User, rng: random.Random) -> None:
    """The last three weekly check-ins of most of ``clients``; every fourth client's
    newest one waits for the coach."""
    plan = CheckInPlan.objects.select_related("questionnaire").first()
    if plan is None:
        return
    version = questionnaire_current_version(questionnaire=plan.questionnaire)
    today = timezone.localdate()
    latest = plan.starts_on + dt.timedelta(
        days=plan.period_days * max(0, ((today - plan.starts_on).days // plan.period_days) - 1)
    )
    rows = []
    for index, client in enumerate(clients):
        if index % 7 == 6:  # a few never answer
            continue
        for weeks_back in range(3):
            period = latest - dt.timedelta(days=plan.period_days * weeks_back)
            sent = timezone.make_aware(
                dt.datetime.combine(period + dt.timedelta(days=6), dt.time(rng.randrange(7, 22)))
            )
            waiting = weeks_back == 0 and index % 4 == 0
            reply_at = None if waiting else sent + dt.timedelta(hours=rng.randrange(2, 30))
            rows.append(
                demo_checkin_row(
                    version=version,
                    client=client,
                    period=period,
                    sent=sent,
                    answers={
                        "energy": rng.randrange(4, 10),
                        "sleep": rng.randrange(4, 9),
                        "adherence": rng.choice(["All of them", "Most of them", "Some of them"]),
                        "wins": rng.choice(["Hit every session", "Slept better", "New PR"]),
                        "struggles": rng.choice(["", "Busy week at work", "Sore knees"]),
                    },
                    reply_at=reply_at,
                    coach=coach,
                    comment="Thanks: good week. Keep it going.",
                )
            )
    Response.objects.bulk_create(rows)
