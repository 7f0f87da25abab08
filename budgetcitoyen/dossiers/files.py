"""Uploaded files: their real type, read from their content (never from their name), and hash.

A photo must be a JPEG or PNG image that Pillow can decode; an attachment a PDF, JPEG or
PNG. A file renamed to ``.pdf`` is judged on its bytes, so a disguised file is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from budgetcitoyen.core.errors import InvalidInput
from budgetcitoyen.dossiers.rules import MAX_FILE_SIZE

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    sha256: str


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


def _is_decodable_image(file: IO[bytes]) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        file.seek(0)
        with Image.open(file) as image:
            image.verify()
        return True
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    finally:
        file.seek(0)


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
    if content_type in (JPEG, PNG) and not _is_decodable_image(upload):
        content_type = None
    if content_type not in allowed:
        kinds = ", ".join(LABELS[t] for t in allowed)
        raise InvalidInput(
            errors={
                field: _(
                    "Le fichier « %(name)s » n'est pas un fichier accepté (%(kinds)s), quel que soit son nom."
                )
                % {"name": name, "kinds": kinds}
            }
        )
    return CheckedFile(name=name, content_type=content_type, size=size, sha256=sha256_of(upload))
