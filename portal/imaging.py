"""Uploaded images, judged by their content rather than their name, for every feature."""

import io

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
MAX_PIXELS = 40_000_000


class ImageError(ValueError):
    """An upload that is not an acceptable image; the message is a code for the caller."""


def inspect(data: bytes, max_bytes: int, formats: dict[str, str] = FORMATS) -> tuple[str, int, int]:
    """Return content type, width and height of an acceptable image, or raise ImageError."""
    if not data:
        raise ImageError("empty")
    if len(data) > max_bytes:
        raise ImageError("too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
            if width * height > MAX_PIXELS:
                raise ImageError("too_many_pixels")
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ImageError("not_an_image") from None
    if kind not in formats:
        raise ImageError("unsupported_type")
    return formats[kind], width, height


def without_metadata(data: bytes) -> tuple[bytes, int, int]:
    """Re-encode a checked image, upright, without EXIF (location, camera) or text chunks."""
    with Image.open(io.BytesIO(data)) as original:
        kind = original.format
        upright = ImageOps.exif_transpose(original)
        if kind == "JPEG" and upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        buffer = io.BytesIO()
        upright.save(buffer, format=kind, **({"quality": 88} if kind == "JPEG" else {}))
        return buffer.getvalue(), upright.width, upright.height
