"""Images for articles: checked by content, not by name, and kept in the database."""

import secrets
from pathlib import PurePath

from sqlalchemy import select

from articles.models import Image
from articles.slugs import slugify
from portal.extensions import db
from portal.imaging import inspect, without_metadata
from portal.models import User

EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}


def store_image(
    data: bytes, filename: str, uploader: User | None, max_bytes: int, max_pixels: int
) -> Image:
    """Check an uploaded image and keep it re-encoded without its metadata (a phone photo's
    EXIF names the place it was taken); raise ImageError saying what is wrong. Caller commits."""
    inspect(data, max_bytes, max_pixels)
    data, _, _ = without_metadata(data)
    content_type, width, height = inspect(data, max_bytes, max_pixels)  # re-encoding may grow it
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
