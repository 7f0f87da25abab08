"""HTTP responses shared by the apps."""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import quote

from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename

FALLBACK_FILENAME = "export"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """The ``Content-Disposition`` of a download, whatever its name was built from.

    The name keeps letters, digits, ``-``, ``_`` and ``.`` (spaces become ``_``); anything else,
    a quote, a slash, a line break, is dropped, so a query string can neither break the header
    nor close the name. A name with letters beyond ASCII gets an ASCII fallback (accents
    removed) and its exact UTF-8 form as RFC 5987's ``filename*``, as RFC 6266 recommends.
    """
    try:
        name = get_valid_filename(filename)
    except SuspiciousFileOperation:  # nothing usable left
        name = FALLBACK_FILENAME
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    fallback = get_valid_filename(fallback) if fallback.strip("._") else FALLBACK_FILENAME
    header = f'{"inline" if inline else "attachment"}; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def file_response(
    field_file: Any, content_type: str, filename: str, *, inline: bool
) -> FileResponse:
    """Stream a private file: never sniffed, never run, never cached."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not inline, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
