"""Progress photos: checked, cleaned, stored privately; thumbnails made in the worker.

An upload is refused before decoding when it is larger than 20 MB, and before
decoding pixels when its header declares too many of them (decompression
bombs). The type comes from the content, never from the file name or the
browser's content type. What we keep is a fresh JPEG: decoded, turned upright
(EXIF orientation), downscaled to at most 2560 px, saved without any metadata
(no EXIF, no GPS, no XMP; the colour profile stays). Stored names are random,
and files are served only by ``clients.views.photos`` after a permission check.
"""

import datetime
import io
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from accounts.models import User
from mectofitness.core.images import MAX_PIXELS
from mectofitness.core.quotas import storage_check, storage_counted
from mectofitness.core.tasks import enqueue_on_commit

from ..models import Client, ProgressPhoto
from .measurements import EARLIEST_DATE, client_today
from .records import client_touch

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_SIDE = 2560
THUMB_SIDE = 480
JPEG_QUALITY = 85
THUMB_QUALITY = 80

try:  # HEIC (iPhone photos) only when a HEIF plugin for Pillow is installed here
    import pillow_heif  # type: ignore[import-not-found]

    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover - depends on the machine
    pass

# MPO is how Pillow names the JPEGs many phones write (a JPEG with a depth map)
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "HEIF", "HEIC"}


def heic_supported() -> bool:
    Image.init()
    return any(fmt in Image.OPEN for fmt in ("HEIF", "HEIC"))


def accepted_types_text() -> str:
    return _("JPEG, PNG, WebP or HEIC") if heic_supported() else _("JPEG, PNG or WebP")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def photo_image_clean(upload) -> ContentFile:
    """Check ``upload`` by its content and re-encode it as a clean JPEG.

    Raises ValidationError({"image": ...}) with a message for a person."""

    def refuse(message: str):
        return ValidationError({"image": message})

    if upload is None:
        raise refuse(_("Choose a photo to upload."))
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise refuse(
            _("This file is %(size)s MB; photos can be at most 20 MB.") % {"size": _megabytes(size)}
        )
    if size == 0:
        raise refuse(_("This file is empty."))
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:  # the size the browser claimed was wrong
        raise refuse(_("This file is larger than 20 MB, the most a photo can be."))
    unreadable = _("This file is not a photo we can read. Upload a %(types)s image.") % {
        "types": accepted_types_text()
    }
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise refuse(unreadable)
            if probe.width * probe.height > MAX_PIXELS:
                raise refuse(
                    _(
                        "This image is %(w)s × %(h)s pixels, more than we accept. "
                        "Upload a photo of at most 40 megapixels."
                    )
                    % {"w": probe.width, "h": probe.height}
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            icc = image.info.get("icc_profile")
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            upright = _rgb(upright)
            out = io.BytesIO()
            options = {"quality": JPEG_QUALITY, "optimize": True, "progressive": True}
            if icc:
                options["icc_profile"] = icc
            upright.save(out, "JPEG", **options)
    except ValidationError:
        raise
    except Image.DecompressionBombError:  # Pillow's own limit, far above ours
        raise refuse(
            _("This image has more pixels than we accept. Upload a photo of at most 40 megapixels.")
        ) from None
    except Exception:  # UnidentifiedImageError, OSError, SyntaxError: a malformed file
        raise refuse(unreadable) from None  # can upset a decoder in many ways
    return ContentFile(out.getvalue(), name=f"{secrets.token_urlsafe(18)}.jpg")


def _rgb(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: flatten onto white rather than black."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    if image.mode not in ("RGB", "L"):
        return image.convert("RGB")
    return image


def _check_fields(*, pose: str, taken_on: datetime.date | None, today: datetime.date) -> None:
    errors = {}
    if pose not in ProgressPhoto.Pose.values:
        errors["pose"] = _("Choose front, side or back.")
    if taken_on is None:
        errors["taken_on"] = _("Enter the date the photo was taken, like 2025-03-14.")
    elif taken_on > today:
        errors["taken_on"] = _("The date cannot be in the future.")
    elif taken_on < EARLIEST_DATE:
        errors["taken_on"] = _("Enter a date after 1900.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def photo_upload(
    *,
    client: Client,
    upload,
    pose: str,
    taken_on: datetime.date | None,
    by: User | None,
    today: datetime.date | None = None,
    cleaned: ContentFile | None = None,
) -> ProgressPhoto:
    """Store a cleaned copy of ``upload`` as ``client``'s progress photo and queue its
    thumbnail. Nothing is saved when anything is wrong, or when the photo would take
    the business past its plan's storage. ``cleaned``: the result of
    ``photo_image_clean(upload)`` when a form has already made it."""
    if today is None:
        today = client_today(client=client)
    errors = {}
    try:
        _check_fields(pose=pose, taken_on=taken_on, today=today)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    clean = cleaned
    if clean is None:
        try:
            clean = photo_image_clean(upload)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    storage_check(adding_bytes=clean.size, field="image")  # the plan's storage, before saving
    photo = ProgressPhoto(client=client, pose=pose, taken_on=taken_on, uploaded_by=by)
    photo.image.save(clean.name, clean, save=False)
    path = photo.image.name
    try:
        photo.save()
    except Exception:
        # the row failed: the file must not stay behind. (Should an enclosing
        # transaction roll back later, the file stays orphaned: its random name is
        # unreachable through any view.)
        photo.image.storage.delete(path)
        raise
    # by its registered name: the task module imports this one
    enqueue_on_commit("clients.tasks.photos.progress_photo_thumbnail_task", photo_id=photo.pk)
    storage_counted(added_bytes=clean.size)
    if by is not None and client.user_id == by.pk:
        client_touch(client=client)
    return photo


def photo_thumbnail_make(*, photo: ProgressPhoto) -> ProgressPhoto:
    """Make the small copy lists and comparisons show (in the worker)."""
    if not photo.image:
        return photo
    with photo.image.open("rb") as stored, Image.open(stored) as image:
        image.load()
        image.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
        image = _rgb(image)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=THUMB_QUALITY, optimize=True)
    old = photo.thumbnail.name if photo.thumbnail else ""
    photo.thumbnail.save(
        f"{secrets.token_urlsafe(18)}.jpg", ContentFile(out.getvalue()), save=False
    )
    ProgressPhoto.objects.filter(pk=photo.pk).update(thumbnail=photo.thumbnail.name)
    if old:
        photo.thumbnail.storage.delete(old)
    return photo


@transaction.atomic
def photo_update(
    *, photo: ProgressPhoto, pose: str, taken_on: datetime.date | None, by: User | None
) -> ProgressPhoto:
    """Correct the pose or date of a photo."""
    _check_fields(pose=pose, taken_on=taken_on, today=client_today(client=photo.client))
    photo.pose, photo.taken_on = pose, taken_on
    photo.save(update_fields=["pose", "taken_on"])
    return photo


@transaction.atomic
def photo_delete(*, photo: ProgressPhoto, by: User | None) -> None:
    """Delete a photo and, once that is committed, its files."""
    storage = photo.image.storage
    paths = [name for name in (photo.image.name, photo.thumbnail.name) if name]
    ProgressPhoto.objects.filter(pk=photo.pk).delete()

    def remove_files():
        for path in paths:
            storage.delete(path)

    transaction.on_commit(remove_files)
