"""Images people upload: checked by content, decoded, re-encoded clean."""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000  # well above any phone photo; stops decompression bombs


def image_reencode(upload, *, max_side: int, fmt: str) -> ContentFile:
    """Decode ``upload`` as a real image and re-encode it (no metadata, upright, at
    most ``max_side`` px). Raises ValueError with a message for a person."""
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ValueError("Upload a PNG, JPEG or WebP image.")
            if probe.width * probe.height > MAX_PIXELS:
                raise ValueError("This image has too many pixels.")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((max_side, max_side))
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, fmt)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise ValueError("This file is not an image we can read.") from None
    extension = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}[fmt]
    return ContentFile(out.getvalue(), name=f"image.{extension}")
