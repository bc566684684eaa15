"""Images for articles: checked by content, not by name, and kept in the database."""

import io
import secrets
from pathlib import PurePath

from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from sqlalchemy import select

from articles.models import Image
from articles.slugs import slugify
from portal.extensions import db
from portal.models import User

FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
MAX_PIXELS = 40_000_000


class ImageError(ValueError):
    """An upload that is not an acceptable image."""


def store_image(data: bytes, filename: str, uploader: User | None, max_bytes: int) -> Image:
    """Check and keep an uploaded image; raise ImageError saying what is wrong. Caller commits."""
    if not data:
        raise ImageError("empty")
    if len(data) > max_bytes:
        raise ImageError("too_large")
    try:
        with PILImage.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
            if width * height > MAX_PIXELS:
                raise ImageError("too_many_pixels")
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, PILImage.DecompressionBombError):
        raise ImageError("not_an_image") from None
    if kind not in FORMATS:
        raise ImageError("unsupported_type")
    content_type = FORMATS[kind]
    stem = slugify(PurePath(filename or "bild").stem, max_length=60) or "bild"
    image = Image(
        key=secrets.token_urlsafe(12),
        filename=f"{stem}.{EXTENSIONS[content_type]}",
        content_type=content_type,
        data=data,
        size=len(data),
        width=width,
        height=height,
        uploaded_by_id=uploader.id if uploader else None,
    )
    db.session.add(image)
    return image


def image_by_key(key: str) -> Image | None:
    return db.session.scalar(select(Image).where(Image.key == key))


def recent_images(limit: int = 50) -> list[Image]:
    return list(db.session.scalars(select(Image).order_by(Image.created_at.desc()).limit(limit)))
