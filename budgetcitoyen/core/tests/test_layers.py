"""The project's packages stand in layers, and every import points down (or sideways into a
pure leaf): nothing imports a package of a higher layer, so no two apps import each other.

Tests, the testing helpers and migrations are left out (tests may compose apps).
"""

from __future__ import annotations

from budgetcitoyen.testing.imports import PACKAGE_DIR, imports_under, project_packages

# Lowest first. A package may import any package of a lower layer, never one of its own layer
# or a higher one. ``core`` is the leaf; ``tally`` (the counting engine) and ``ballots`` (the
# ballot rules) are pure and import only ``core``; ``demo`` fills every app.
LAYERS: list[set[str]] = [
    {"core"},
    {"tally", "ballots", "territories"},
    {"accounts"},
    {"editions"},
    {"comptoirs"},
    {"dossiers"},
    {"labelling"},
    {"voting"},
    {"results"},
    {"followup"},
    {"privacy"},
    {"stats"},
    {"opendata"},
    {"api"},
    {"demo"},
]
LAYER_OF = {package: rank for rank, layer in enumerate(LAYERS) for package in layer}
SKIP = ("tests", "migrations")


def test_every_package_of_the_project_has_a_layer():
    missing = project_packages() - set(LAYER_OF) - {"testing", "locale", "static", "templates"}
    assert missing == set(), f"give these packages a layer in LAYERS: {sorted(missing)}"


def test_every_import_points_to_a_lower_layer():
    wrong = []
    for package, rank in LAYER_OF.items():
        directory = PACKAGE_DIR / package
        if not directory.is_dir():
            continue
        for found in imports_under(directory, skip=SKIP):
            target = found.package
            if target is None or target == package or target not in LAYER_OF:
                continue
            if LAYER_OF[target] >= rank:
                wrong.append(str(found))
    assert wrong == [], "imports that point up or sideways:\n" + "\n".join(wrong)
