"""Uploaded files: their real type, read from their content (never from their name), and hash.

A photo must be a JPEG or PNG image that Pillow can decode; an attachment a PDF, JPEG or
PNG. A file renamed to ``.pdf`` is judged on its bytes, so a disguised file is refused.
Images go through ``core.images``: what is stored (and hashed, and listed in the snapshot) is
the re-encoded image, without any metadata, never the bytes sent; an image of more than
``IMAGE_MAX_PIXELS`` pixels is refused before it is decoded. PDFs are stored as sent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from budgetcitoyen.core import images
from budgetcitoyen.core.errors import InvalidInput
from budgetcitoyen.dossiers.rules import MAX_FILE_SIZE

PDF = "application/pdf"
JPEG = images.JPEG
PNG = images.PNG
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    sha256: str
    # The bytes to store instead of the upload's (a re-encoded image); None: the upload itself.
    content: bytes | None = None
    # An image's size in pixels (pages give it to the browser, which then lays the page out
    # before the image arrives); None for a PDF.
    width: int | None = None
    height: int | None = None


def _head(file: IO[bytes], size: int = 1024) -> bytes:
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head


def sniff(file: IO[bytes]) -> str | None:
    """The type of ``file`` from its first bytes: PDF, JPEG, PNG, or None."""
    head = _head(file)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    # The PDF header may follow a little junk, within the first 1024 bytes (ISO 32000).
    if b"%PDF-" in head:
        return PDF
    return None


def sha256_of(file: IO[bytes]) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(65536), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def check_upload(upload: Any, *, allowed: tuple[str, ...], field: str) -> CheckedFile:
    """Refuse a file that is too large or not of an allowed type; return what it really is."""
    name = str(getattr(upload, "name", "") or "fichier")[-255:]
    size = int(upload.size)
    if size == 0:
        raise InvalidInput(errors={field: _("Le fichier « %(name)s » est vide.") % {"name": name}})
    if size > MAX_FILE_SIZE:
        raise InvalidInput(
            errors={
                field: _("Le fichier « %(name)s » pèse %(size)s Mo : 10 Mo au plus par fichier.")
                % {"name": name, "size": f"{size / 1024 / 1024:.1f}".replace(".", ",")}
            }
        )
    content_type = sniff(upload)
    if content_type not in allowed:
        raise InvalidInput(errors={field: _not_accepted(name, allowed)})
    if content_type in (JPEG, PNG):
        return _reencoded(upload, name=name, allowed=allowed, field=field)
    return CheckedFile(name=name, content_type=content_type, size=size, sha256=sha256_of(upload))


def _not_accepted(name: str, allowed: tuple[str, ...]) -> str:
    kinds = ", ".join(LABELS[t] for t in allowed)
    return _(
        "Le fichier « %(name)s » n'est pas un fichier accepté (%(kinds)s), quel que soit son nom."
    ) % {"name": name, "kinds": kinds}


def _reencoded(upload: Any, *, name: str, allowed: tuple[str, ...], field: str) -> CheckedFile:
    """The image decoded and encoded again, without metadata: what is stored."""
    limit = settings.IMAGE_MAX_PIXELS
    try:
        image = images.reencode(upload, max_pixels=limit)
    except images.TooManyPixels as exc:
        raise InvalidInput(
            errors={
                field: _(
                    "L'image « %(name)s » est trop grande : %(max)s millions de pixels au plus. "
                    "Réduisez-la avant de l'envoyer."
                )
                % {"name": name, "max": f"{limit / 1_000_000:g}".replace(".", ",")}
            }
        ) from exc
    except images.NotAnImage as exc:
        raise InvalidInput(errors={field: _not_accepted(name, allowed)}) from exc
    finally:
        upload.seek(0)
    return CheckedFile(
        name=name,
        content_type=image.content_type,
        size=len(image.content),
        sha256=hashlib.sha256(image.content).hexdigest(),
        content=image.content,
        width=image.width,
        height=image.height,
    )
