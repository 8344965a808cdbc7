"""The exercise catalog every business shares, in the public schema.

Businesses add their own exercises and hide catalog entries in their own
schema (programs.Exercise, programs.ExerciseHide); prescriptions point at a
catalog entry or at a business's exercise."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .text import normalise, search_text_for


class Category(models.TextChoices):
    STRENGTH = "strength", _("Strength")
    CARDIO = "cardio", _("Cardio")
    MOBILITY = "mobility", _("Mobility")
    STRETCHING = "stretching", _("Stretching")
    PLYOMETRIC = "plyometric", _("Plyometric")
    OLYMPIC = "olympic", _("Olympic weightlifting")
    POWERLIFTING = "powerlifting", _("Powerlifting")
    STRONGMAN = "strongman", _("Strongman")
    CORE = "core", _("Core")


class Pattern(models.TextChoices):
    SQUAT = "squat", _("Squat")
    HINGE = "hinge", _("Hinge")
    LUNGE = "lunge", _("Lunge / single leg")
    HORIZONTAL_PUSH = "horizontal_push", _("Horizontal push")
    VERTICAL_PUSH = "vertical_push", _("Vertical push")
    HORIZONTAL_PULL = "horizontal_pull", _("Horizontal pull")
    VERTICAL_PULL = "vertical_pull", _("Vertical pull")
    CARRY = "carry", _("Carry")
    ROTATION = "rotation", _("Rotation / anti-rotation")
    CORE = "core", _("Core flexion / stability")
    ISOLATION = "isolation", _("Isolation")
    GAIT = "gait", _("Gait / locomotion")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    EXPERT = "expert", _("Expert")


class Mechanics(models.TextChoices):
    COMPOUND = "compound", _("Compound")
    ISOLATION = "isolation", _("Isolation")


class Measurement(models.TextChoices):
    """What a set of the exercise records: the logger's columns, the prescription's
    defaults and the kind of records follow it."""

    REPS_LOAD = "reps_load", _("Reps and load")
    REPS = "reps", _("Reps only")
    TIME = "time", _("Time")
    DISTANCE = "distance", _("Distance")
    TIME_DISTANCE = "time_distance", _("Time and distance")


class Force(models.TextChoices):
    PUSH = "push", _("Push")
    PULL = "pull", _("Pull")
    STATIC = "static", _("Static")


def _list():
    return []


class ExerciseFields(models.Model):
    """The description of an exercise, shared by catalog entries and a business's own.

    Muscles and equipment use the vocabulary of free-exercise-db (e.g.
    "quadriceps", "lower back", "barbell", "body only")."""

    name = models.CharField(_("name"), max_length=120)
    aliases = ArrayField(models.CharField(max_length=120), default=_list, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    movement_pattern = models.CharField(
        _("movement pattern"), max_length=16, choices=Pattern.choices, blank=True
    )
    primary_muscles = ArrayField(models.CharField(max_length=40), default=_list, blank=True)
    secondary_muscles = ArrayField(models.CharField(max_length=40), default=_list, blank=True)
    equipment = ArrayField(models.CharField(max_length=40), default=_list, blank=True)
    mechanics = models.CharField(
        _("mechanics"), max_length=10, choices=Mechanics.choices, blank=True
    )
    force = models.CharField(_("force"), max_length=8, choices=Force.choices, blank=True)
    measurement = models.CharField(
        _("measured by"),
        max_length=14,
        choices=Measurement.choices,
        default=Measurement.REPS_LOAD,
        help_text=_("What a set records: reps and load, reps only, time, distance or both."),
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, blank=True)
    instructions = ArrayField(models.TextField(), default=_list, blank=True)
    cues = ArrayField(models.CharField(max_length=200), default=_list, blank=True)
    images = ArrayField(models.CharField(max_length=200), default=_list, blank=True)
    video_url = models.URLField(_("video"), blank=True)
    # normalised (lower case, no accents, no punctuation): name and aliases, for search
    search_name = models.CharField(max_length=120, editable=False, default="", db_collation="C")
    search_text = models.TextField(editable=False, default="", db_collation="C")

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_search_keys()
        super().save(*args, **kwargs)

    def refresh_search_keys(self) -> None:
        """Derive ``search_name`` and ``search_text`` from the name and aliases
        (``bulk_create``/``update`` skip ``save``: call this first)."""

        self.search_name = normalise(self.name)[:120]
        self.search_text = search_text_for(self.name, list(self.aliases or []))

    @property
    def muscles(self) -> list[str]:
        return [*self.primary_muscles, *self.secondary_muscles]

    @property
    def image_urls(self) -> list[str]:
        """Where the browser fetches the images: catalog images are public and cacheable."""

        return [reverse("library_image", args=[name]) for name in self.images]


class CatalogExercise(ExerciseFields):
    """One exercise of the shared catalog: authored for MectoFitness or imported."""

    class Source(models.TextChoices):
        AUTHORED = "mectofitness", _("MectoFitness")
        FREE_EXERCISE_DB = "free-exercise-db", _("free-exercise-db")

    slug = models.SlugField(max_length=140, unique=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    source_id = models.CharField(max_length=140, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("catalog exercise")
        constraints = [
            models.UniqueConstraint(fields=["search_name"], name="catalog_exercise_name_unique"),
            models.CheckConstraint(
                condition=models.Q(measurement__in=Measurement.values),
                name="catalog_exercise_measurement_known",
            ),
        ]
        indexes = [
            GinIndex(OpClass("search_text", name="gin_trgm_ops"), name="catalog_search_trgm"),
            GinIndex(fields=["primary_muscles"], name="catalog_primary_muscles"),
            GinIndex(fields=["equipment"], name="catalog_equipment"),
            models.Index(fields=["category"], name="catalog_category"),
        ]


class CatalogWord(models.Model):
    """Every word of every catalog name and alias, once (a couple of thousand rows): the
    dictionary a misspelt search ("squatt", "dumbell") is corrected against with one
    trigram-indexed query. Rebuilt by ``catalog_words_refresh`` after loads and imports."""

    word = models.CharField(max_length=120, primary_key=True, db_collation="C")

    class Meta:
        indexes = [GinIndex(OpClass("word", name="gin_trgm_ops"), name="catalog_word_trgm")]

    def __str__(self):
        return self.word
