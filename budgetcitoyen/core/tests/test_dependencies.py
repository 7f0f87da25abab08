"""``core`` is the leaf every app stands on: it imports no other package of the project.

Its tests may compose apps (a browser walk through the demo, an audited edition), so they are
left out; everything else (models, views, context processors, exports, admin, template tags,
migrations) is read.
"""

from __future__ import annotations

from budgetcitoyen.testing.imports import (
    PACKAGE_DIR,
    imports_under,
    parse_imports,
    project_packages,
)


def test_core_imports_no_other_package_of_the_project():
    others = project_packages() - {"core"}
    found = [
        str(i) for i in imports_under(PACKAGE_DIR / "core", skip=("tests",)) if i.package in others
    ]
    assert found == [], "core must not import another app:\n" + "\n".join(found)


def test_it_sees_every_form_of_import():
    source = """
import budgetcitoyen.voting.models
from budgetcitoyen.editions.selectors import current_edition
from budgetcitoyen import results
from ..labelling import services
from . import clock
from django.db import models

def late():
    from budgetcitoyen.dossiers.models import Dossier
"""
    found = {
        i.package for i in parse_imports(source, package="budgetcitoyen.core", filename="x.py")
    }
    assert found == {"voting", "editions", "results", "labelling", "core", None, "dossiers"}
