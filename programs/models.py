"""Training inside a business: its exercises, programs and their structure, assignment
to clients as dated workouts, logged sets, personal records, and nutrition.

A program is weeks -> days (workouts) -> blocks (straight sets, superset,
circuit) -> prescriptions. A prescription names one exercise, either from the
shared catalog (catalog.CatalogExercise) or the business's own (Exercise).
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone as djtz
from django.utils.translation import gettext_lazy as _

from programs.catalog.models import CatalogExercise, ExerciseFields, Measurement
from programs.sets import format_set

USER = settings.AUTH_USER_MODEL
CLIENT = "clients.Client"
# References to the shared catalog (public schema) carry no foreign key in the database:
# each one put two triggers on the catalog's table, per business, so every sign-up paid
# for all the businesses before it (5 keys: 1.7 ms with 40 businesses, 160 ms with 1,500)
# and every change to a catalog row ran them all. The catalog is never deleted from
# (its admin is read-only; loads and imports add and update), so nothing dangles.
CATALOG_CONSTRAINT = False


def catalog_exercise_reference() -> models.ForeignKey:
    """The catalog exercise a prescription, a set or a record is of (none: the business's
    own exercise, in ``exercise``)."""
    return models.ForeignKey(
        CatalogExercise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=CATALOG_CONSTRAINT,
    )


def _one_exercise(prefix: str = "") -> Q:
    """Exactly one of the two exercise references is set."""
    catalog, own = f"{prefix}catalog_exercise__isnull", f"{prefix}exercise__isnull"
    return Q(**{catalog: False, own: True}) | Q(**{catalog: True, own: False})


# --- the business's exercise library ----------------------------------------------------


class Exercise(ExerciseFields):
    """An exercise of this business: its own, or its edited copy of a catalog entry
    (which then replaces the catalog entry in this business's library)."""

    catalog = models.ForeignKey(
        CatalogExercise,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copied from"),
        db_constraint=CATALOG_CONSTRAINT,
    )
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=djtz.now)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalog"], condition=Q(catalog__isnull=False), name="exercise_one_copy"
            ),
            models.CheckConstraint(
                condition=Q(measurement__in=Measurement.values), name="exercise_measurement_known"
            ),
        ]

    @property
    def is_custom(self) -> bool:
        return self.catalog_id is None


class ExerciseHide(models.Model):
    """A catalog exercise this business does not want in its library."""

    catalog_exercise = models.ForeignKey(
        CatalogExercise,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=CATALOG_CONSTRAINT,
    )
    hidden_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    hidden_at = models.DateTimeField(default=djtz.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["catalog_exercise"], name="exercise_hide_once")
        ]

    def __str__(self):
        return f"hidden: {self.catalog_exercise_id}"


# --- programs --------------------------------------------------------------------------


class Program(models.Model):
    """A template, or a client's own copy (made when assigned). Changing a template
    never rewrites copies already assigned."""

    class Goal(models.TextChoices):
        STRENGTH = "strength", _("Strength")
        HYPERTROPHY = "hypertrophy", _("Muscle gain")
        FAT_LOSS = "fat_loss", _("Fat loss")
        ENDURANCE = "endurance", _("Endurance")
        GENERAL = "general", _("General fitness")
        MOBILITY = "mobility", _("Mobility")

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    goal = models.CharField(_("goal"), max_length=12, choices=Goal.choices, blank=True)
    level = models.CharField(
        _("level"),
        max_length=12,
        blank=True,
        choices=[
            ("beginner", _("Beginner")),
            ("intermediate", _("Intermediate")),
            ("advanced", _("Advanced")),
        ],
    )
    is_template = models.BooleanField(_("template"), default=True)
    client = models.ForeignKey(
        CLIENT, on_delete=models.CASCADE, null=True, blank=True, related_name="programs"
    )
    source = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copied from"),
    )
    length_weeks = models.PositiveSmallIntegerField(
        _("length (weeks)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_("The written weeks repeat, with progression, up to this length."),
    )
    generator_notes = models.JSONField(
        default=list, blank=True, help_text=_("Why the generator chose what it chose")
    )
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=djtz.now)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(is_template=True, client__isnull=False),
                name="program_template_has_no_client",
            ),
            models.CheckConstraint(
                condition=Q(length_weeks__gte=1, length_weeks__lte=52), name="program_length_sane"
            ),
        ]

    def __str__(self):
        return self.name


class ProgramWeek(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="weeks")
    number = models.PositiveSmallIntegerField()
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="program_week_unique")
        ]

    def __str__(self):
        return f"{self.program} · week {self.number}"


class ProgramDay(models.Model):
    """One workout of a week ("Upper A", "Long run")."""

    week = models.ForeignKey(ProgramWeek, on_delete=models.CASCADE, related_name="days")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("name"), max_length=80)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["week", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["week", "position"],
                name="program_day_position_unique",
                deferrable=models.Deferrable.DEFERRED,  # reordering swaps positions
            )
        ]

    def __str__(self):
        return self.name


class Block(models.Model):
    class Kind(models.TextChoices):
        STRAIGHT = "straight", _("Straight sets")
        SUPERSET = "superset", _("Superset")
        CIRCUIT = "circuit", _("Circuit")

    day = models.ForeignKey(ProgramDay, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STRAIGHT)
    rounds = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    rest_after_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["day", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "position"],
                name="block_position_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(
                condition=Q(rounds__gte=1, rounds__lte=20), name="block_rounds_sane"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.position}"


class Prescription(models.Model):
    """What to do with one exercise: sets x reps (or a range), a load (absolute, % of
    1RM, RPE or RIR), tempo, rest, or duration and distance for cardio."""

    class Load(models.TextChoices):
        NONE = "none", _("No load / bodyweight")
        KG = "kg", _("Weight (kg)")
        PERCENT_1RM = "percent_1rm", _("% of 1RM")
        RPE = "rpe", _("RPE")
        RIR = "rir", _("Reps in reserve")

    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="prescriptions")
    position = models.PositiveSmallIntegerField()
    catalog_exercise = catalog_exercise_reference()
    exercise = models.ForeignKey(
        Exercise, on_delete=models.PROTECT, null=True, blank=True, related_name="prescriptions"
    )
    sets = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    reps_min = models.PositiveSmallIntegerField(null=True, blank=True)
    reps_max = models.PositiveSmallIntegerField(null=True, blank=True)
    load_kind = models.CharField(max_length=12, choices=Load.choices, default=Load.NONE)
    load_value = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    tempo = models.CharField(max_length=12, blank=True, help_text=_("e.g. 3-1-1-0"))
    rest_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    distance_m = models.PositiveIntegerField(null=True, blank=True)
    notes = models.CharField(max_length=300, blank=True)
    # progression from week to week (see programs.progression)
    progression = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            'e.g. {"kind": "add_load", "step": 2.5} or {"kind": "wave", "percents": [70, 75, 80]}'
        ),
    )

    class Meta:
        ordering = ["block", "position"]
        constraints = [
            models.CheckConstraint(condition=_one_exercise(), name="prescription_one_exercise"),
            models.UniqueConstraint(
                fields=["block", "position"],
                name="prescription_position_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(
                condition=Q(sets__gte=1, sets__lte=20), name="prescription_sets_sane"
            ),
            models.CheckConstraint(
                condition=Q(reps_min__isnull=True) | Q(reps_min__gte=1, reps_min__lte=100),
                name="prescription_reps_sane",
            ),
            models.CheckConstraint(
                condition=Q(reps_max__isnull=True)
                | Q(reps_min__isnull=False, reps_max__gte=models.F("reps_min"), reps_max__lte=100),
                name="prescription_rep_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(load_value__isnull=True) | Q(load_value__gte=0, load_value__lte=1000),
                name="prescription_load_sane",
            ),
        ]

    def __str__(self):
        return f"{self.sets} x {self.reps_min or ''}"


# --- assignment and the calendar ----------------------------------------------------


class ProgramAssignment(models.Model):
    """A client following (their copy of) a program from ``start_date`` on the chosen
    weekdays. One active main program per client, plus optional extras."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    client = models.ForeignKey(CLIENT, on_delete=models.CASCADE, related_name="program_assignments")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="assignments")
    start_date = models.DateField(_("start date"))
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)]),
        help_text=_("Training days: 0 = Monday … 6 = Sunday"),
    )
    is_main = models.BooleanField(_("main program"), default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    paused_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=djtz.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(is_main=True, status="active"),
                name="assignment_one_active_main",
                violation_error_message=_("This client already follows an active main program."),
            ),
        ]

    def __str__(self):
        return f"{self.program} for {self.client}"


class ScheduledWorkout(models.Model):
    """One program day on one date for one client."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")

    assignment = models.ForeignKey(
        ProgramAssignment, on_delete=models.CASCADE, related_name="workouts"
    )
    client = models.ForeignKey(CLIENT, on_delete=models.CASCADE, related_name="scheduled_workouts")
    day = models.ForeignKey(ProgramDay, on_delete=models.PROTECT, related_name="scheduled")
    week_number = models.PositiveSmallIntegerField(help_text=_("Week of the program, from 1"))
    date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "week_number", "day"], name="scheduled_workout_once"
            )
        ]
        indexes = [models.Index(fields=["client", "date"], name="scheduled_client_date")]

    def __str__(self):
        return f"{self.day} on {self.date}"


# --- logging and records ------------------------------------------------------------


class WorkoutLog(models.Model):
    """A workout the client did (scheduled, or on their own). ``client_uuid`` is made
    on the device, so a retried offline sync never creates it twice."""

    client = models.ForeignKey(CLIENT, on_delete=models.CASCADE, related_name="workout_logs")
    scheduled = models.ForeignKey(
        ScheduledWorkout, on_delete=models.SET_NULL, null=True, blank=True, related_name="logs"
    )
    client_uuid = models.UUIDField(default=uuid.uuid4, unique=True)
    name = models.CharField(max_length=120, blank=True)
    started_at = models.DateTimeField(default=djtz.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    coach_comment = models.TextField(blank=True)
    commented_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    commented_at = models.DateTimeField(null=True, blank=True)
    # the client is told once: a badge until they open the workout, one e-mail
    comment_seen_at = models.DateTimeField(
        null=True, blank=True, help_text=_("The client opened the workout after the comment")
    )
    comment_mailed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("The client was e-mailed about the comment")
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["client", "-started_at"], name="workout_log_client")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    coach_comment="",
                    commented_at__isnull=True,
                    comment_seen_at__isnull=True,
                    comment_mailed_at__isnull=True,
                )
                | (~Q(coach_comment="") & Q(commented_at__isnull=False)),
                name="workout_log_comment_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.name or 'Workout'} {self.started_at:%Y-%m-%d}"

    @property
    def has_new_comment(self) -> bool:
        """A coach's comment the client has not opened yet."""
        return bool(self.coach_comment) and self.comment_seen_at is None


class SetLog(models.Model):
    """One logged set. The exercise is what was done (it may be a swap)."""

    workout = models.ForeignKey(WorkoutLog, on_delete=models.CASCADE, related_name="sets")
    prescription = models.ForeignKey(
        Prescription, on_delete=models.SET_NULL, null=True, blank=True, related_name="logged_sets"
    )
    catalog_exercise = catalog_exercise_reference()
    exercise = models.ForeignKey(
        Exercise, on_delete=models.PROTECT, null=True, blank=True, related_name="logged_sets"
    )
    client_uuid = models.UUIDField(default=uuid.uuid4, unique=True)
    set_number = models.PositiveSmallIntegerField()
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    load_kg = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    rpe = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    distance_m = models.PositiveIntegerField(null=True, blank=True)
    is_warmup = models.BooleanField(default=False)
    logged_at = models.DateTimeField(default=djtz.now)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["workout", "logged_at", "set_number"]
        constraints = [
            models.CheckConstraint(condition=_one_exercise(), name="set_log_one_exercise"),
            models.CheckConstraint(
                condition=Q(reps__isnull=True) | Q(reps__lte=1000), name="set_log_reps_sane"
            ),
            models.CheckConstraint(
                condition=Q(load_kg__isnull=True) | Q(load_kg__gte=0, load_kg__lte=1000),
                name="set_log_load_sane",
            ),
            models.CheckConstraint(
                condition=Q(rpe__isnull=True) | Q(rpe__gte=1, rpe__lte=10), name="set_log_rpe_sane"
            ),
        ]

    def __str__(self):
        return f"set {self.set_number}: {format_set(self)}"  # "set 1: 45 s", never "45 x None"


class PersonalRecord(models.Model):
    """A best a client set: estimated 1RM, heaviest load for a rep count, or the
    biggest volume of one exercise in a session. A new record adds a row; the
    current best is the latest row of its kind."""

    class Kind(models.TextChoices):
        E1RM = "e1rm", _("Estimated 1RM")
        REP_MAX = "rep_max", _("Heaviest for reps")
        SESSION_VOLUME = "volume", _("Session volume")
        MOST_REPS = "reps", _("Most reps")
        LONGEST_TIME = "time", _("Longest time")
        LONGEST_DISTANCE = "distance", _("Longest distance")
        FASTEST = "fastest", _("Fastest for a distance")

    client = models.ForeignKey(CLIENT, on_delete=models.CASCADE, related_name="personal_records")
    catalog_exercise = catalog_exercise_reference()
    exercise = models.ForeignKey(
        Exercise, on_delete=models.PROTECT, null=True, blank=True, related_name="records"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    reps = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("For rep maxes"))
    distance_m = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("For fastest times: the distance covered")
    )
    # kg for loads and volume, a count for most reps, seconds for times, metres for distances
    value = models.DecimalField(max_digits=9, decimal_places=2)
    set_log = models.ForeignKey(SetLog, on_delete=models.CASCADE, null=True, blank=True)
    workout = models.ForeignKey(WorkoutLog, on_delete=models.CASCADE, related_name="records")
    achieved_at = models.DateTimeField(default=djtz.now)
    is_seen = models.BooleanField(default=False, help_text=_("The client saw the celebration"))

    class Meta:
        ordering = ["-achieved_at"]
        constraints = [
            models.CheckConstraint(condition=_one_exercise(), name="record_one_exercise"),
            models.CheckConstraint(
                condition=~Q(kind="rep_max") | Q(reps__isnull=False), name="record_rep_max_has_reps"
            ),
            models.CheckConstraint(
                condition=~Q(kind="fastest") | Q(distance_m__isnull=False, distance_m__gt=0),
                name="record_fastest_has_distance",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "kind", "-achieved_at"], name="record_client_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"


# --- nutrition ------------------------------------------------------------------------


class NutritionTarget(models.Model):
    """Daily targets the coach sets, from ``starts_on`` until the next target."""

    client = models.ForeignKey(CLIENT, on_delete=models.CASCADE, related_name="nutrition_targets")
    starts_on = models.DateField(default=djtz.localdate)
    calories = models.PositiveIntegerField(validators=[MaxValueValidator(10000)])
    protein_g = models.PositiveSmallIntegerField(validators=[MaxValueValidator(1000)])
    carbs_g = models.PositiveSmallIntegerField(validators=[MaxValueValidator(2000)])
    fat_g = models.PositiveSmallIntegerField(validators=[MaxValueValidator(1000)])
    set_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["client", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "starts_on"], name="nutrition_target_per_day"
            ),
            models.CheckConstraint(
                condition=Q(calories__lte=10000), name="nutrition_calories_sane"
            ),
        ]

    def __str__(self):
        return f"{self.calories} kcal from {self.starts_on}"


class Food(models.Model):
    """A food of this business's list, with macros per 100 g."""

    name = models.CharField(max_length=120)
    brand = models.CharField(max_length=80, blank=True)
    kcal_100g = models.DecimalField(max_digits=6, decimal_places=1)
    protein_100g = models.DecimalField(max_digits=5, decimal_places=1)
    carbs_100g = models.DecimalField(max_digits=5, decimal_places=1)
    fat_100g = models.DecimalField(max_digits=5, decimal_places=1)
    serving_g = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, help_text=_("A usual portion")
    )
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kcal_100g__gte=0, kcal_100g__lte=900)
                & Q(protein_100g__gte=0, protein_100g__lte=100)
                & Q(carbs_100g__gte=0, carbs_100g__lte=100)
                & Q(fat_100g__gte=0, fat_100g__lte=100),
                name="food_macros_sane",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.brand})" if self.brand else self.name


class MealPlan(models.Model):
    """Days -> meals -> foods. A template (no client) or a client's plan."""

    name = models.CharField(max_length=120)
    client = models.ForeignKey(
        CLIENT, on_delete=models.CASCADE, null=True, blank=True, related_name="meal_plans"
    )
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=djtz.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class MealPlanDay(models.Model):
    plan = models.ForeignKey(MealPlan, on_delete=models.CASCADE, related_name="days")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "position"],
                name="meal_plan_day_position_unique",
                deferrable=models.Deferrable.DEFERRED,
            )
        ]

    def __str__(self):
        return self.name


class Meal(models.Model):
    day = models.ForeignKey(MealPlanDay, on_delete=models.CASCADE, related_name="meals")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["day", "position"]

    def __str__(self):
        return self.name


class MealItem(models.Model):
    meal = models.ForeignKey(Meal, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    food = models.ForeignKey(Food, on_delete=models.PROTECT, related_name="+")
    grams = models.DecimalField(max_digits=6, decimal_places=1)

    class Meta:
        ordering = ["meal", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grams__gt=0, grams__lte=5000), name="meal_item_grams_sane"
            ),
            models.UniqueConstraint(
                fields=["meal", "position"],
                name="meal_item_position_unique",
                deferrable=models.Deferrable.DEFERRED,  # moving swaps positions
            ),
        ]

    def __str__(self):
        return f"{self.grams} g {self.food}"


class FoodLogEntry(models.Model):
    """What a client ate: macros are copied at logging time, so editing a food later
    does not rewrite the diary."""

    client = models.ForeignKey(CLIENT, on_delete=models.CASCADE, related_name="food_log")
    date = models.DateField(default=djtz.localdate)
    meal_name = models.CharField(max_length=60, blank=True)
    food = models.ForeignKey(
        Food, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=120)
    grams = models.DecimalField(max_digits=6, decimal_places=1)
    kcal = models.DecimalField(max_digits=7, decimal_places=1)
    protein_g = models.DecimalField(max_digits=6, decimal_places=1)
    carbs_g = models.DecimalField(max_digits=6, decimal_places=1)
    fat_g = models.DecimalField(max_digits=6, decimal_places=1)
    client_uuid = models.UUIDField(default=uuid.uuid4, unique=True)
    logged_at = models.DateTimeField(default=djtz.now)

    class Meta:
        ordering = ["date", "logged_at"]
        verbose_name_plural = _("food log entries")
        indexes = [models.Index(fields=["client", "date"], name="food_log_client_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(grams__gt=0, grams__lte=5000) & Q(kcal__gte=0, kcal__lte=20000),
                name="food_log_sane",
            )
        ]

    def __str__(self):
        return f"{self.name} {self.grams} g"
