"""Helpers shared by the forms of every app."""

from __future__ import annotations

from django import forms

from budgetcitoyen.core.errors import DomainError, InvalidInput


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form: per field when it names fields, else at the top."""
    if isinstance(error, InvalidInput) and error.errors:
        for field, message in error.errors.items():
            form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, error.message)
