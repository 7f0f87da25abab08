"""HTTP responses shared by the apps."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404


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
