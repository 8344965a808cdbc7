"""The people a business coaches: records, pipeline, notes, intake forms,
measurements, progress photos and check-ins. One set of tables per schema."""

import secrets
import unicodedata

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Reverse
from django.utils import timezone as djtz
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


def normalise(text: str) -> str:
    """Lower case without accents: "Zoë Ångström" -> "zoe angstrom" (search keys)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def digits(text: str) -> str:
    return "".join(c for c in text or "" if c.isdigit())


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=40)
    colour = models.CharField(_("colour"), max_length=7, default="#c2410c")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_unique_ci")]

    def __str__(self):
        return self.name


class Client(models.Model):
    """A person the business coaches: a lead without a login yet, or a portal user."""

    class Status(models.TextChoices):
        LEAD = "lead", _("Lead")
        ONBOARDING = "onboarding", _("Onboarding")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ARCHIVED = "archived", _("Archived")

    # What "active clients" counts everywhere (the home page, the plan's limit, the
    # platform admin): clients being onboarded or coached, not leads or paused ones.
    ACTIVE_STATUSES = (Status.ONBOARDING, Status.ACTIVE)

    class Level(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class Source(models.TextChoices):
        REFERRAL = "referral", _("Referral")
        WEBSITE = "website", _("Website")
        SOCIAL = "social", _("Social media")
        WALK_IN = "walk_in", _("Walk-in")
        INTAKE = "intake", _("Intake form")
        IMPORT = "import", _("Import")
        INVITATION = "invitation", _("Invitation")
        OTHER = "other", _("Other")

    user = models.OneToOneField(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="client_record",
        verbose_name=_("portal login"),
    )
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=40, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    experience_level = models.CharField(
        _("experience"), max_length=12, choices=Level.choices, blank=True
    )
    injuries = models.TextField(
        _("injuries"), blank=True, help_text=_("Shown to coaches wherever training is planned.")
    )
    medical_notes = models.TextField(
        _("medical notes"),
        blank=True,
        help_text=_("Conditions and medication. Shown to coaches wherever training is planned."),
    )
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=120, blank=True)
    emergency_contact_phone = models.CharField(
        _("emergency contact phone"), max_length=32, blank=True
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, blank=True, help_text=_("Empty: the business's.")
    )
    units = models.CharField(
        _("units"),
        max_length=2,
        blank=True,
        choices=[("kg", _("Metric (kg, cm)")), ("lb", _("Imperial (lb, in)"))],
        help_text=_("Empty: the business's units."),
    )
    primary_coach = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="primary_clients",
        limit_choices_to={"is_staff": True, "is_active": True},
        verbose_name=_("primary coach"),
    )
    coaches = models.ManyToManyField(
        USER,
        blank=True,
        related_name="shared_clients",
        limit_choices_to={"is_staff": True, "is_active": True},
        verbose_name=_("other coaches"),
        help_text=_("Coaches who share this client with the primary coach."),
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="clients", verbose_name=_("tags"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.LEAD
    )
    status_changed_at = models.DateTimeField(_("status since"), default=djtz.now)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    created_at = models.DateTimeField(_("added"), default=djtz.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # search keys, kept by save(): normalised (lower case, no accents)
    # (byte order: a btree serves both prefix LIKE and ORDER BY)
    search_first = models.CharField(max_length=80, editable=False, default="", db_collation="C")
    search_last = models.CharField(max_length=80, editable=False, default="", db_collation="C")
    search_email = models.CharField(max_length=254, editable=False, default="", db_collation="C")
    search_phone = models.CharField(max_length=32, editable=False, default="", db_collation="C")
    search_name = models.CharField(max_length=170, editable=False, default="", db_collation="C")

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        permissions = [
            ("export_client", _("Can export clients and their data")),
            ("erase_client", _("Can erase a client's data")),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="client_email_unique_ci",
                violation_error_message=_("Another client already uses this e-mail address."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["lead", "onboarding", "active", "paused", "archived"]),
                name="client_status_valid",
            ),
            models.CheckConstraint(condition=~Q(first_name=""), name="client_first_name_set"),
        ]
        indexes = [
            GinIndex(OpClass("search_name", name="gin_trgm_ops"), name="client_name_trgm"),
            GinIndex(OpClass("search_email", name="gin_trgm_ops"), name="client_email_trgm"),
            GinIndex(OpClass("search_phone", name="gin_trgm_ops"), name="client_phone_trgm"),
            models.Index(fields=["search_last", "search_first"], name="client_last_first"),
            models.Index(fields=["search_first", "search_last"], name="client_first_last"),
            models.Index(fields=["search_email"], name="client_email_order"),
            models.Index(fields=["search_name"], name="client_name_order"),
            models.Index(fields=["search_phone"], name="client_phone_prefix"),
            models.Index(Reverse("search_phone"), name="client_phone_suffix"),
            models.Index(fields=["status", "last_name"], name="client_status"),
            models.Index(fields=["last_activity_at"], name="client_last_activity"),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.refresh_search_keys()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "search_first",
                "search_last",
                "search_email",
                "search_phone",
                "search_name",
            }
        super().save(*args, **kwargs)

    def refresh_search_keys(self) -> None:
        self.email = (self.email or "").strip().lower()
        self.search_first = normalise(self.first_name)
        self.search_last = normalise(self.last_name)
        self.search_email = self.email
        self.search_phone = digits(self.phone)
        self.search_name = f"{self.search_first} {self.search_last}".strip()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def has_health_flag(self) -> bool:
        """Injuries or medical notes a coach must see before planning training."""
        return bool(self.injuries.strip() or self.medical_notes.strip())

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED


class SearchWord(models.Model):
    """Every word of every client's first and last name, once: the dictionary that
    misspelt searches are matched against (a few thousand rows, where the
    clients may be a hundred thousand). Filled by a database trigger on
    clients_client, so bulk loads keep it too; words of renamed clients stay
    and simply match nobody."""

    word = models.CharField(max_length=80, primary_key=True, db_collation="C")

    class Meta:
        indexes = [GinIndex(OpClass("word", name="gin_trgm_ops"), name="search_word_trgm")]

    def __str__(self):
        return self.word


class ClientStatusChange(models.Model):
    """One step through the pipeline, kept so the history of a client is never lost."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=Client.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Client.Status.choices)
    changed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    changed_at = models.DateTimeField(default=djtz.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["client", "-changed_at"], name="status_change_client")]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


class ClientNote(models.Model):
    """A line on the client's timeline. Pinned notes stay on top."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    body = models.TextField(_("note"))
    is_pinned = models.BooleanField(_("pinned"), default=False)
    created_at = models.DateTimeField(default=djtz.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_pinned", "-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="note_body_set")]

    def __str__(self):
        return self.body[:60]


class AuditEntry(models.Model):
    """Who did something that matters to privacy (export, erasure, import), and when."""

    class Action(models.TextChoices):
        EXPORT = "export", _("Data export")
        ERASE = "erase", _("Erasure")
        IMPORT = "import", _("CSV import")
        LIST_EXPORT = "list_export", _("List export")

    action = models.CharField(max_length=12, choices=Action.choices)
    client_id_ref = models.IntegerField(null=True, blank=True, help_text=_("The client's id then"))
    subject = models.CharField(max_length=200, blank=True, help_text=_("Who or what it concerned"))
    actor = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    actor_email = models.CharField(max_length=254, blank=True)
    at = models.DateTimeField(default=djtz.now)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.get_action_display()}: {self.subject}"


# --- intake forms and check-in questionnaires --------------------------------------


def _public_token() -> str:
    return secrets.token_urlsafe(16)


class Questionnaire(models.Model):
    """A form the owner builds: an intake form or a check-in questionnaire.

    Its questions live in versions; a published version never changes, so
    every answer is kept with the exact questions it answered."""

    class Kind(models.TextChoices):
        INTAKE = "intake", _("Intake form")
        CHECKIN = "checkin", _("Check-in")

    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.INTAKE)
    description = models.TextField(_("description"), blank=True)
    public_token = models.CharField(max_length=32, unique=True, default=_public_token)
    is_public = models.BooleanField(
        _("shareable link"), default=False, help_text=_("Anyone with the link can answer.")
    )
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=djtz.now)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("form")
        verbose_name_plural = _("forms")

    def __str__(self):
        return self.title


class QuestionnaireVersion(models.Model):
    """The questions of a form as published. ``fields`` is a list of
    ``{"key", "label", "type", "required", "help", "choices", "min", "max", "consent_text"}``."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    fields = models.JSONField(default=list)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=djtz.now)

    class Meta:
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="questionnaire_version_unique"
            )
        ]

    def __str__(self):
        return f"{self.questionnaire} v{self.number}"


class Response(models.Model):
    """Answers to one version of a questionnaire: by a client in the portal, by a
    lead through the shareable link, or a check-in for one period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses"
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, null=True, blank=True, related_name="responses"
    )
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    started_at = models.DateTimeField(default=djtz.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # check-ins: the period this answers, and the coach's review
    period_start = models.DateField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    coach_comment = models.TextField(_("coach's reply"), blank=True)
    # the client is told of a reply once: a badge until they open check-ins, one e-mail
    replied_at = models.DateTimeField(null=True, blank=True)
    reply_seen_at = models.DateTimeField(null=True, blank=True)
    reply_mailed_at = models.DateTimeField(null=True, blank=True)
    # the shareable link, answered with the e-mail address of a client we know: held
    # off that client's record (``client`` empty) until the address confirms by e-mail
    # or a coach merges it; anyone may type anyone's address into an open form
    match = models.ForeignKey(
        Client,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="held_responses",
        verbose_name=_("possible match"),
    )
    # who the shareable link says answered: {"first_name", "last_name", "email", "phone"}
    contact = models.JSONField(_("contact details given"), default=dict, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-started_at"]
        verbose_name = _("answers")
        verbose_name_plural = _("answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="response_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=Q(match__isnull=True) | Q(client__isnull=True, status="submitted"),
                name="response_held_is_sent_and_unattached",
            ),
            models.UniqueConstraint(
                fields=["client", "version", "period_start"],
                condition=Q(period_start__isnull=False),
                name="checkin_once_per_period",
            ),
            models.CheckConstraint(
                condition=Q(
                    coach_comment="",
                    replied_at__isnull=True,
                    reply_seen_at__isnull=True,
                    reply_mailed_at__isnull=True,
                )
                | (~Q(coach_comment="") & Q(replied_at__isnull=False)),
                name="response_reply_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["submitted_at"],
                condition=Q(reviewed_at__isnull=True, period_start__isnull=False),
                name="checkin_unreviewed",
            )
        ]

    def __str__(self):
        return f"{self.version} — {self.client or 'lead'}"

    @property
    def is_held(self) -> bool:
        """Sent through the shareable link with a known client's e-mail address and
        not yet confirmed or merged: not that client's answers (yet)."""
        return self.match_id is not None


class ResponseFile(models.Model):
    """A file uploaded as the answer to a file question. Private."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="files")
    field_key = models.CharField(max_length=40)
    file = models.FileField(upload_to="intake/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    def __str__(self):
        return self.original_name


class Assignment(models.Model):
    """A questionnaire a client is asked to fill in the portal."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="assignments"
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assignments")
    assigned_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    assigned_at = models.DateTimeField(default=djtz.now)
    response = models.OneToOneField(
        Response, on_delete=models.SET_NULL, null=True, blank=True, related_name="assignment"
    )

    class Meta:
        ordering = ["-assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "client"], name="assignment_once_per_client"
            )
        ]

    def __str__(self):
        return f"{self.questionnaire} → {self.client}"


class CheckInPlan(models.Model):
    """Every ``period_days`` days, active clients are asked to answer a check-in."""

    questionnaire = models.OneToOneField(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="checkin_plan",
        limit_choices_to={"kind": "checkin"},
    )
    period_days = models.PositiveSmallIntegerField(
        _("every (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    starts_on = models.DateField(_("first period starts"), default=djtz.localdate)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("check-in schedule")
        verbose_name_plural = _("check-in schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_days__gte=1, period_days__lte=90), name="checkin_period_sane"
            )
        ]

    def __str__(self):
        return f"{self.questionnaire} every {self.period_days} days"


# --- measurements ---------------------------------------------------------------------


class Metric(models.Model):
    """Something measured over time. Built-ins (weight, body fat, circumferences) and
    the trainer's own. Values are stored in SI units (kg, cm, %)."""

    class Kind(models.TextChoices):
        MASS = "mass", _("Mass (kg / lb)")
        LENGTH = "length", _("Length (cm / in)")
        PERCENT = "percent", _("Percent")
        OTHER = "other", _("Other (own unit)")

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=16, blank=True, help_text=_("For 'Other' only"))
    higher_is_better = models.BooleanField(_("higher is better"), null=True, blank=True)
    is_builtin = models.BooleanField(default=False, editable=False)
    position = models.PositiveSmallIntegerField(default=100)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="metric_name_unique_ci")]

    def __str__(self):
        return self.name


class Measurement(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="measurements")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="measurements")
    value = models.DecimalField(_("value (SI)"), max_digits=10, decimal_places=3)
    measured_on = models.DateField(_("date"), default=djtz.localdate)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=djtz.now)

    class Meta:
        ordering = ["-measured_on", "metric__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "metric", "measured_on"], name="measurement_once_per_day"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="measurement_not_negative"),
        ]
        indexes = [models.Index(fields=["client", "metric", "measured_on"], name="measurement_ts")]

    def __str__(self):
        return f"{self.metric} {self.value} on {self.measured_on}"


# --- progress photos --------------------------------------------------------------------


class ProgressPhoto(models.Model):
    """A private photo: served only to the client and their coaches, by a checked view."""

    class Pose(models.TextChoices):
        FRONT = "front", _("Front")
        SIDE = "side", _("Side")
        BACK = "back", _("Back")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="photos")
    pose = models.CharField(_("pose"), max_length=5, choices=Pose.choices)
    taken_on = models.DateField(_("date"), default=djtz.localdate)
    image = models.ImageField(upload_to="progress/", width_field="width", height_field="height")
    thumbnail = models.ImageField(upload_to="progress/thumbs/", blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=djtz.now)

    class Meta:
        ordering = ["-taken_on", "pose"]
        indexes = [models.Index(fields=["client", "pose", "taken_on"], name="photo_client_pose")]

    def __str__(self):
        return f"{self.client} {self.pose} {self.taken_on}"


# --- habits ------------------------------------------------------------------------------


def _every_day():
    return [0, 1, 2, 3, 4, 5, 6]


class Habit(models.Model):
    """A daily habit the coach assigns ("8k steps", "3 litres of water"), on some
    weekdays; the client ticks it off in the portal and builds a streak."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="habits")
    name = models.CharField(_("habit"), max_length=80)
    target = models.DecimalField(_("target"), max_digits=8, decimal_places=1, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("e.g. steps, litres"))
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)]),
        default=_every_day,
        help_text=_("0 = Monday … 6 = Sunday"),
    )
    starts_on = models.DateField(_("from"), default=djtz.localdate)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=djtz.now)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["client", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="habit_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gt=0), name="habit_target_positive"
            ),
        ]

    def __str__(self):
        return self.name


class HabitCheck(models.Model):
    habit = models.ForeignKey(Habit, on_delete=models.CASCADE, related_name="checks")
    date = models.DateField()
    value = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    is_done = models.BooleanField(default=True)
    checked_at = models.DateTimeField(default=djtz.now)

    class Meta:
        ordering = ["habit", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["habit", "date"], name="habit_check_once_a_day"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="habit_check_value_sane"
            ),
        ]

    def __str__(self):
        return f"{self.habit} {self.date}"
