"""The stack's ceiling: a minimal Django project whose one view inserts one row (bench only)."""
