"""Template filters of the site's form rendering (``templates/django/forms/``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def fields_in_error(form: Any) -> list[BoundField]:
    """The visible fields of ``form`` that have an error, in the form's order: the error
    summary names and links each one."""
    if not getattr(form, "is_bound", False) or not form.errors:
        return []
    return [field for field in form.visible_fields() if field.errors]
