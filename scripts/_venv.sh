# Shared by scripts/demo and scripts/test: create .venv with Python 3.11 and install the project.
# Usage: . scripts/_venv.sh "extras"   (extras: "", "test", or "test,dev" for the lint tools too)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then PYTHON="$candidate"; break; fi
  done
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
  echo "Budget citoyen a besoin de Python 3.11 (trouvé : $("$PYTHON" --version 2>&1)). Indiquez-le avec PYTHON=/chemin/python3.11." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
target="."
[ -n "${1:-}" ] && target=".[$1]"
# uv installs the same packages as pip from the same index, in seconds instead of more than a
# minute; pip remains the fallback where uv cannot be had.
if [ ! -x .venv/bin/uv ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check uv >/dev/null 2>&1 || true
fi
if [ -x .venv/bin/uv ]; then
  .venv/bin/uv pip install --quiet --python .venv/bin/python -e "$target"
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$target"
fi
# The dossier PDF is drawn by WeasyPrint, which needs Pango (a system library).
if ! ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installation de Pango (dossiers en PDF)…"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; } \
      || echo "Pango n'a pas pu être installé : le téléchargement des dossiers en PDF sera indisponible." >&2
  else
    echo "Pango est absent : installez libpango-1.0-0 et libpangoft2-1.0-0 pour les dossiers en PDF." >&2
  fi
fi
