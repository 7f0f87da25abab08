"""Reads of the follow-up: public."""

from __future__ import annotations

__all__: list[str] = []
