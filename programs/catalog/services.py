"""Filling the shared catalog: the authored entries (``catalog_load``) and imports in the
free-exercise-db format (``import_exercises``). Both run in the public schema, both are
idempotent and merge by normalised name, so the catalog never holds two entries that
search alike."""

from __future__ import annotations

import io
import json
import posixpath
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from mectofitness.core.images import image_reencode

from .measurement import measurement_infer
from .models import CatalogExercise, CatalogWord
from .text import EQUIPMENT, MUSCLES, normalise, search_text_for, variant_key, words_of
from .vocabulary import catalog_vocabulary_reset

AUTHORED_PATH = Path(__file__).resolve().parent / "data" / "authored.json"
IMAGE_PREFIX = "public/catalog"
# the only images the catalog keeps (and serves): by the name's extension, then
# proved by decoding; stored re-encoded in that format under that extension
IMAGE_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
IMAGE_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
IMAGE_CONTENT_TYPES = {"image/jpeg", "image/png", "image/webp"}
IMAGE_MAX_SIDE = 1600
FETCH_TIMEOUT = 30
AUTHORED = "mectofitness"
FREE_EXERCISE_DB = "free-exercise-db"
DESCRIPTIVE = (
    "name", "aliases", "category", "movement_pattern", "primary_muscles", "secondary_muscles",
    "equipment", "mechanics", "force", "level", "instructions", "cues",
)  # fmt: skip
CATEGORY_FROM_FEDB = {"plyometrics": "plyometric", "olympic weightlifting": "olympic"}


@dataclass
class Summary:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    images_copied: int = 0
    images_missing: int = 0
    images_refused: int = 0
    notes: list[str] = field(default_factory=list)
    # (imported name, the entry it went into) for names that are another's variant
    merged: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"added {self.added}, updated {self.updated}, skipped {self.skipped}"
        if self.images_copied or self.images_missing or self.images_refused:
            text += f"; images copied {self.images_copied}, missing {self.images_missing}"
            if self.images_refused:
                text += f", refused {self.images_refused} (not a JPEG, PNG or WebP image)"
        if self.merged:
            text += f"; merged {len(self.merged)} into an entry of another spelling:"
            text += "".join(f"\n  {name} -> {into}" for name, into in self.merged)
        return text


def _models(apps=None):
    if apps is None:
        return CatalogExercise, CatalogWord
    return apps.get_model("catalog", "CatalogExercise"), apps.get_model("catalog", "CatalogWord")


def _has_measurement(model) -> bool:
    return any(f.name == "measurement" for f in model._meta.get_fields())


def _set_keys(row) -> None:
    row.search_name = normalise(row.name)[:120]
    row.search_text = search_text_for(row.name, list(row.aliases or []))


def _index(exercises) -> dict[str, object]:
    """Every normalised name and alias -> its row (names win over aliases)."""
    index: dict[str, object] = {}
    rows = list(exercises.objects.all())
    for row in rows:
        for alias in row.aliases or []:
            index.setdefault(normalise(alias), row)
    for row in rows:
        index[row.search_name] = row
    return index


def catalog_words_refresh(*, apps=None) -> int:
    """Rebuild the typo dictionary from the catalog's names and aliases (one pass)."""
    exercises, words = _models(apps)
    vocabulary: set[str] = set()
    for name, aliases in exercises.objects.values_list("name", "aliases"):
        vocabulary |= words_of(name, *(aliases or []))
    vocabulary = {word[:120] for word in vocabulary}
    existing = set(words.objects.values_list("word", flat=True))
    words.objects.filter(word__in=existing - vocabulary).delete()
    words.objects.bulk_create([words(word=w) for w in sorted(vocabulary - existing)])
    with connection.cursor() as cursor:  # fresh planner statistics after a bulk change
        cursor.execute(f"ANALYZE {exercises._meta.db_table}, {words._meta.db_table}")

    catalog_vocabulary_reset()
    return len(vocabulary)


@transaction.atomic
def catalog_load(*, path: Path = AUTHORED_PATH, apps=None) -> Summary:
    """Create or update the authored entries by slug. An imported entry with the same
    normalised name (or one of the authored aliases) becomes the authored one, keeping
    its images, so loading after an import never duplicates."""
    exercises, _words = _models(apps)
    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    summary = Summary()
    by_slug = {row.slug: row for row in exercises.objects.all()}
    index = _index(exercises)
    now = timezone.now()
    for entry in entries:
        row = by_slug.get(entry["slug"])
        if row is None:
            keys = [normalise(entry["name"]), *(normalise(a) for a in entry["aliases"])]
            row = next((index[k] for k in keys if k in index), None)
            if row is not None and row.source == AUTHORED and row.slug != entry["slug"]:
                summary.notes.append(f"{entry['name']}: same name as {row.name}, skipped")
                summary.skipped += 1
                continue
        created = row is None
        if created:
            row = exercises(slug=entry["slug"], source=AUTHORED)
        changed = created or row.source != AUTHORED or row.slug != entry["slug"]
        for name in DESCRIPTIVE:
            value = entry.get(name, [] if name in ("aliases", "instructions", "cues") else "")
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        if _has_measurement(exercises):  # not in the migration that first loads the catalog
            kind = entry.get("measurement") or measurement_infer(
                name=entry["name"], category=entry["category"], equipment=entry["equipment"]
            )
            if row.measurement != kind:
                row.measurement = kind
                changed = True
        if not changed:
            summary.skipped += 1
            continue
        row.slug, row.source, row.updated_at = entry["slug"], AUTHORED, now
        _set_keys(row)
        row.save()
        index[row.search_name] = row
        if created:
            summary.added += 1
        else:
            summary.updated += 1
    catalog_words_refresh(apps=apps)
    return summary


# --- free-exercise-db --------------------------------------------------------------------


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def read_source(source: str) -> bytes:
    """The bytes of a local file or an http(s) URL; ValidationError when unreachable."""
    try:
        if is_url(source):
            with urllib.request.urlopen(source, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
                return response.read()
        return Path(source).read_bytes()
    except (OSError, urllib.error.URLError, ValueError) as exc:
        raise ValidationError({"source": f"Cannot read {source}: {exc}"}) from exc


def parse_free_exercise_db(raw: bytes, *, source: str = "input") -> list[dict]:
    """Parse and check the JSON: a list of objects with at least ``name`` (clear errors)."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError({"source": f"{source} is not valid JSON: {exc}"}) from exc
    if not isinstance(data, list):
        raise ValidationError(
            {"source": f"{source}: expected a list of exercises, got {type(data).__name__}"}
        )
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            raise ValidationError({"source": f"{source}: exercise #{number} has no name"})
    return data


def _choice(value, allowed: tuple[str, ...]) -> str:
    return value if value in allowed else ""


def _from_fedb(item: dict) -> dict:
    equipment = item.get("equipment")
    muscles = [m for m in item.get("primaryMuscles") or [] if m in MUSCLES]
    category = item.get("category") or "strength"
    category = CATEGORY_FROM_FEDB.get(category, category)
    if category not in {
        "strength", "cardio", "mobility", "stretching", "plyometric", "olympic",
        "powerlifting", "strongman", "core",
    }:  # fmt: skip
        category = "strength"
    name = str(item["name"]).strip()[:120]
    gear = [equipment] if equipment in EQUIPMENT else []
    return {
        "name": name,
        "category": category,
        "measurement": measurement_infer(name=name, category=category, equipment=gear),
        "primary_muscles": muscles,
        "secondary_muscles": [m for m in item.get("secondaryMuscles") or [] if m in MUSCLES],
        "equipment": gear,
        "mechanics": _choice(item.get("mechanic"), ("compound", "isolation")),
        "force": _choice(item.get("force"), ("push", "pull", "static")),
        "level": _choice(item.get("level"), ("beginner", "intermediate", "expert")),
        "instructions": [str(s).strip() for s in item.get("instructions") or [] if str(s).strip()],
    }  # fmt: skip


class ImageSource:
    """Where the images named in the JSON live: a directory or a URL prefix."""

    def __init__(self, base: str):
        self.base = base

    def read(self, relative: str) -> bytes | None:
        relative = posixpath.normpath(relative).lstrip("/")
        if relative.startswith(".."):
            return None
        try:
            if is_url(self.base):
                url = self.base.rstrip("/") + "/" + relative
                with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
                    return response.read()
            path = Path(self.base) / relative
            return path.read_bytes() if path.is_file() else None
        except (OSError, urllib.error.URLError, ValueError):
            return None


def default_image_source(source: str) -> ImageSource:
    """``images/`` next to the JSON (the layout of ../shared/data/free-exercise-db)."""
    if is_url(source):
        return ImageSource(source.rsplit("/", 1)[0] + "/images")
    return ImageSource(str(Path(source).resolve().parent / "images"))


def _copy_images(item: dict, images: ImageSource | None, summary: Summary) -> list[str]:
    """Copy an entry's images into public storage, each decoded and re-encoded as
    people's photos are (mectofitness.core.images): served from our domains, an image must
    be nothing but an image. Anything else (SVG, HTML, a broken file) is refused."""

    stored = []
    folder = normalise(str(item.get("id") or item["name"])).replace(" ", "-") or "exercise"
    for relative in item.get("images") or []:
        stem, extension = posixpath.splitext(posixpath.basename(str(relative)))
        fmt = IMAGE_FORMATS.get(extension.lower())
        if fmt is None or not stem:
            summary.images_refused += 1
            continue
        name = f"{IMAGE_PREFIX}/{folder}/{stem}.{IMAGE_EXTENSIONS[fmt]}"
        if default_storage.exists(name):
            stored.append(name)
            continue
        content = images.read(str(relative)) if images else None
        if content is None:
            summary.images_missing += 1
            continue
        try:
            clean = image_reencode(io.BytesIO(content), max_side=IMAGE_MAX_SIDE, fmt=fmt)
        except ValueError:
            summary.images_refused += 1
            continue
        default_storage.save(name, clean)
        summary.images_copied += 1
        stored.append(name)
    return stored


@transaction.atomic
def catalog_import(*, data: list[dict], images: ImageSource | None = None) -> Summary:
    """Merge free-exercise-db entries into the catalog by normalised name.

    A name that matches an authored entry (its name or one of its aliases) keeps the
    authored text and only lends its images and id; a name that matches an earlier
    import updates it; a name that differs from an entry's name or alias only by plural,
    hyphen, spaces or punctuation ("Pushups", "Seated Cable Rows") becomes an alias of
    that entry and is reported in ``Summary.merged``; anything else is added. Spelling
    stays significant ("Dumbell Curl" stays apart from "Dumbbell Curl")."""

    summary = Summary()
    index = _index(CatalogExercise)
    variants = {variant_key(key): row for key, row in index.items()}
    for row in set(index.values()):  # an entry's own name wins over another's alias
        variants[variant_key(row.search_name)] = row
    slugs = set(CatalogExercise.objects.values_list("slug", flat=True))
    now = timezone.now()
    for item in data:
        fields = _from_fedb(item)
        key = normalise(fields["name"])
        if not key:
            summary.skipped += 1
            continue
        source_id = str(item.get("id") or "")[:140]
        row = index.get(key) or variants.get(variant_key(key))
        stored = _copy_images(item, images, summary)
        if row is None:
            slug = key.replace(" ", "-")[:130]
            if slug in slugs:
                slug = f"{slug}-fedb"[:140]
            row = CatalogExercise(
                slug=slug, source=FREE_EXERCISE_DB, source_id=source_id, images=stored, **fields
            )
            row.updated_at = now
            row.save()
            slugs.add(slug)
            index[key] = row
            variants.setdefault(variant_key(key), row)
            summary.added += 1
            continue
        changed = False
        if row.search_name != key:  # a variant or an alias: the entry keeps its own text
            summary.merged.append((fields["name"], row.name))
            if key not in {normalise(alias) for alias in row.aliases or []}:
                row.aliases = [*(row.aliases or []), fields["name"]]
                changed = True
            index[key] = row
        elif row.source == FREE_EXERCISE_DB:
            for name, value in fields.items():
                if getattr(row, name) != value:
                    setattr(row, name, value)
                    changed = True
        if stored and row.images != stored and (row.source == FREE_EXERCISE_DB or not row.images):
            row.images = stored
            changed = True
        if source_id and not row.source_id:
            row.source_id = source_id
            changed = True
        if changed:
            row.updated_at = now
            row.save()
            summary.updated += 1
        else:
            summary.skipped += 1
    catalog_words_refresh()
    return summary
