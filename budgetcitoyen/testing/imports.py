"""The project's imports of its own packages, read from the source with ``ast``.

Dependency tests use it to keep the arrows pointing one way: ``core`` imports no other package
of the project, and only ``demo`` imports ``demo``. Every form counts: ``import a.b``,
``from a.b import c``, ``from a import b`` and relative imports, at module level or inside a
function.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import budgetcitoyen

PROJECT = budgetcitoyen.__name__
PACKAGE_DIR = Path(budgetcitoyen.__file__).resolve().parent


@dataclass(frozen=True)
class Import:
    where: str  # "budgetcitoyen/core/views.py:12"
    module: str  # the absolute name of the imported module, e.g. "budgetcitoyen.editions.models"

    @property
    def package(self) -> str | None:
        """The project package imported (``"editions"``), or None outside the project."""
        parts = self.module.split(".")
        return parts[1] if parts[0] == PROJECT and len(parts) > 1 else None

    def __str__(self) -> str:
        return f"{self.where} imports {self.module}"


def project_packages() -> set[str]:
    """The project's packages (``core``, ``editions``, ``tally``…), not its plain modules."""
    return {path.parent.name for path in PACKAGE_DIR.glob("*/__init__.py")}


def parse_imports(source: str, *, package: str, filename: str) -> Iterator[Import]:
    """The modules ``source`` imports; ``package`` is the package it belongs to (for ``..x``)."""
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(f"{filename}:{node.lineno}", alias.name)
        elif isinstance(node, ast.ImportFrom):
            relative = "." * node.level + (node.module or "")
            base = importlib.util.resolve_name(relative, package) if node.level else relative
            yield Import(f"{filename}:{node.lineno}", base)
            if base == PROJECT:  # `from budgetcitoyen import editions` imports a package
                for alias in node.names:
                    yield Import(f"{filename}:{node.lineno}", f"{base}.{alias.name}")


def imports_under(directory: Path, *, skip: tuple[str, ...] = ()) -> Iterator[Import]:
    """The imports of every Python module under ``directory`` but the folders named in ``skip``."""
    root = PACKAGE_DIR.parent
    for path in sorted(directory.rglob("*.py")):
        relative = path.relative_to(root)
        if any(part in skip for part in relative.parts[:-1]):
            continue
        # A module's package is its folder; an __init__.py's is its own folder too.
        package = ".".join(relative.parts[:-1])
        yield from parse_imports(
            path.read_text(encoding="utf-8"), package=package, filename=relative.as_posix()
        )
