"""The demo imports every app; no app imports the demo (only tests and test helpers may)."""

from __future__ import annotations

from budgetcitoyen.testing.imports import PACKAGE_DIR, imports_under


def test_no_app_imports_the_demo():
    found = [
        str(i)
        for i in imports_under(PACKAGE_DIR, skip=("demo", "tests", "testing"))
        if i.package == "demo"
    ]
    assert found == [], "only the demo and tests may import budgetcitoyen.demo:\n" + "\n".join(
        found
    )
