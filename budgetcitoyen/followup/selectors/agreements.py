"""Reads of the follow-up: agreements."""

from __future__ import annotations

__all__: list[str] = []
