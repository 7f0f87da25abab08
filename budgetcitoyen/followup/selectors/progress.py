"""Reads of the follow-up: progress."""

from __future__ import annotations

__all__: list[str] = []
