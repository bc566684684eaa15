"""Uploaded images, judged by their content rather than their name, for every feature."""

import io

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}


class ImageError(ValueError):
    """An upload that is not an acceptable image; the message is a code for the caller."""


def inspect(
    data: bytes, max_bytes: int, max_pixels: int, formats: dict[str, str] = FORMATS
) -> tuple[str, int, int]:
    """Return content type, width and height of an acceptable image, or raise ImageError.

    The pixels are counted from the header (every frame of an animation), before anything is
    decoded: a small file can claim a picture that fills the memory once decoded."""
    if not data:
        raise ImageError("empty")
    if len(data) > max_bytes:
        raise ImageError("too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
            if width * height * getattr(probe, "n_frames", 1) > max_pixels:
                raise ImageError("too_many_pixels")
            probe.verify()
    except Image.DecompressionBombError:
        raise ImageError("too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ImageError("not_an_image") from None
    if kind not in formats:
        raise ImageError("unsupported_type")
    return formats[kind], width, height


def without_metadata(data: bytes) -> tuple[bytes, int, int]:
    """Re-encode a checked image, upright, without EXIF (location, camera) or text chunks;
    an animation keeps its frames."""
    with Image.open(io.BytesIO(data)) as original:
        kind = original.format
        if getattr(original, "is_animated", False):
            buffer = io.BytesIO()
            timing = {
                key: original.info[key] for key in ("duration", "loop") if key in original.info
            }
            original.info.clear()  # comments, XMP and EXIF ride along in it
            original.save(buffer, format=kind, save_all=True, exif=b"", **timing)
            return buffer.getvalue(), original.width, original.height
        upright = ImageOps.exif_transpose(original)
        if kind == "JPEG" and upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        buffer = io.BytesIO()
        upright.save(buffer, format=kind, **({"quality": 88} if kind == "JPEG" else {}))
        return buffer.getvalue(), upright.width, upright.height
