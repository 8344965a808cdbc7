"""Files sent with a message: photos and PDFs, checked, cleaned, stored privately.

- A photo goes through the same cleaning as a progress photo
  (``clients.services.photos.photo_image_clean``): recognised by its content, at most
  20 MB and 40 megapixels, decoded, turned upright and saved as a fresh JPEG without
  any metadata (no EXIF, no GPS).
- A PDF is recognised by its first bytes (``%PDF-``), whatever its name or the type
  the browser claims, and is at most ``PDF_MAX_BYTES``. It is kept as sent.
- Anything else is refused with a message for a person; so is a message with more than
  ``MAX_FILES`` files. Video links are text: paste the link.
- Files are stored under the business's prefix with random names (``tenants.storage``)
  and count against the plan's storage; they are served only by
  ``messaging.views_files``, to people who may open the conversation.
- A deleted message loses its files (from storage once the deletion commits).
"""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image

from clients.services.photos import MAX_UPLOAD_BYTES as IMAGE_MAX_BYTES
from clients.services.photos import accepted_types_text, photo_image_clean
from mectofitness.core.quotas import storage_check, storage_counted
from mectofitness.core.uploads import FORM_SLACK_BYTES

from .models import ATTACHMENT_NAME_MAX_CHARS, Attachment, Message

MAX_FILES = 5
PDF_MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
FIELD = "attachments"


@dataclass(frozen=True)
class CleanFile:
    """A file ready to store: what it is, its bytes, the name people see."""

    kind: str
    content: ContentFile
    content_type: str
    name: str
    width: int = 0
    height: int = 0


def _shown_name(upload, *, extension: str) -> str:
    """The sender's file name, made safe to show and to offer as a download name."""
    base = re.split(r"[\\/]", getattr(upload, "name", "") or "")[-1]
    try:
        name = get_valid_filename(base).lstrip(".")
    except Exception:  # SuspiciousFileOperation: nothing usable left
        name = ""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem[: ATTACHMENT_NAME_MAX_CHARS - len(extension) - 1] or "file"
    return f"{stem}.{extension}"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def _pdf_clean(upload, head: bytes) -> CleanFile:
    size = getattr(upload, "size", None)
    if size is not None and size > PDF_MAX_BYTES:
        raise ValidationError(
            {
                FIELD: _("%(name)s is %(size)s MB; a PDF can be at most %(max)s MB.")
                % {
                    "name": _shown_name(upload, extension="pdf"),
                    "size": _megabytes(size),
                    "max": PDF_MAX_BYTES // (1024 * 1024),
                }
            }
        )
    upload.seek(0)
    data = upload.read(PDF_MAX_BYTES + 1)
    if len(data) > PDF_MAX_BYTES:  # the size the browser claimed was wrong
        raise ValidationError(
            {FIELD: _("A PDF can be at most %(max)s MB.") % {"max": PDF_MAX_BYTES // 1048576}}
        )
    return CleanFile(
        kind=Attachment.Kind.PDF,
        content=ContentFile(data, name=f"{secrets.token_urlsafe(18)}.pdf"),
        content_type="application/pdf",
        name=_shown_name(upload, extension="pdf"),
    )


def _image_clean(upload) -> CleanFile:
    try:
        content = photo_image_clean(upload)
    except ValidationError as exc:
        raise ValidationError({FIELD: exc.message_dict["image"]}) from None
    with Image.open(io.BytesIO(content.read())) as image:
        width, height = image.size
    content.seek(0)
    return CleanFile(
        kind=Attachment.Kind.IMAGE,
        content=content,
        content_type="image/jpeg",
        name=_shown_name(upload, extension="jpg"),
        width=width,
        height=height,
    )


def attachment_clean(upload) -> CleanFile:
    """Check one uploaded file by its content: a photo (cleaned like a progress photo)
    or a PDF. Raises ValidationError({"attachments": ...}) for anything else."""
    size = getattr(upload, "size", None)
    if size == 0:
        raise ValidationError({FIELD: _("This file is empty.")})
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head == PDF_MAGIC:
        return _pdf_clean(upload, head)
    if size is not None and size > IMAGE_MAX_BYTES:
        raise ValidationError(
            {
                FIELD: _("This file is %(size)s MB; a photo can be at most 20 MB.")
                % {"size": _megabytes(size)}
            }
        )
    try:
        return _image_clean(upload)
    except ValidationError as exc:
        # say what we take: not only "not a photo" when it was a Word file
        if head and not _looks_like_image(head):
            raise ValidationError(
                {
                    FIELD: _("Send a photo (%(types)s) or a PDF; this file is neither.")
                    % {"types": accepted_types_text()}
                }
            ) from None
        raise exc


def _looks_like_image(head: bytes) -> bool:
    return head.startswith((b"\xff\xd8", b"\x89PNG", b"RIFF", b"\x00\x00\x00"))


def attachments_clean(uploads: Sequence) -> list[CleanFile]:
    """Check every file of a message (at most ``MAX_FILES``), before anything is
    stored. The first refusal is raised, naming the file."""
    files = [upload for upload in uploads if upload is not None]
    if len(files) > MAX_FILES:
        raise ValidationError(
            {FIELD: _("Send at most %(n)s files with one message.") % {"n": MAX_FILES}}
        )
    return [attachment_clean(upload) for upload in files]


def attachments_save(*, message: Message, files: Sequence[CleanFile]) -> list[Attachment]:
    """Store ``files`` with ``message`` (inside its sending transaction): checks the
    plan's storage first, then writes each file under the business's prefix."""
    if not files:
        return []
    total = sum(clean.content.size for clean in files)
    storage_check(adding_bytes=total, field=FIELD)
    saved = []
    for clean in files:
        attachment = Attachment(
            message=message,
            kind=clean.kind,
            content_type=clean.content_type,
            size=clean.content.size,
            width=clean.width,
            height=clean.height,
            name=clean.name,
        )
        attachment.file.save(clean.content.name, clean.content, save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.storage.delete(attachment.file.name)
            raise
        saved.append(attachment)
    Message.objects.filter(pk=message.pk).update(has_attachments=True)
    message.has_attachments = True
    storage_counted(added_bytes=total)
    return saved


def attachments_remove(*, message: Message) -> int:
    """Delete ``message``'s files: the rows now, the stored files once this commits;
    the caller saves ``message.has_attachments`` (False) with the emptied text.
    Returns how many there were."""
    rows = list(Attachment.objects.filter(message_id=message.pk))
    if not rows:
        return 0
    storage = rows[0].file.storage
    names = [row.file.name for row in rows if row.file.name]
    Attachment.objects.filter(message_id=message.pk).delete()
    message.has_attachments = False  # saved by the caller with the emptied text
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return len(rows)


# the most a message with files may weigh on the wire (mectofitness.core.uploads): five
# photos of the largest size; anything larger is refused (413) before it is read
MESSAGE_BODY_MAX_BYTES = MAX_FILES * IMAGE_MAX_BYTES + FORM_SLACK_BYTES
