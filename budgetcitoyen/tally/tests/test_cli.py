"""``budgetcitoyen pb tally``: the command-line contract, its output and its errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction as F
from pathlib import Path

import pytest

from budgetcitoyen.tally import cli, output
from budgetcitoyen.tally.model import Outcome, Project, TraceEvent
from budgetcitoyen.tally.money import NARROW
from budgetcitoyen.tally.tests.test_pabulib import BASE, DATA, FILES, broken, load

ROOT = Path(__file__).resolve().parents[3]
KEYS = [
    "rule",
    "budget",
    "selected",
    "total_cost",
    "leftover",
    "voters",
    "spending",
    "moves",
    "projects",
    "trace",
]


def tally(capsys, *argv: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def line_of(path: Path, start: str) -> int:
    """The 1-based line of the file that begins with ``start``."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return next(n for n, text in enumerate(lines, start=1) if text.startswith(start))


def amsterdam_envelopes() -> list[str]:
    """One envelope per category, from the file's own META (categories, budget_per_category)."""
    meta = load("amsterdam").meta
    categories = meta["categories"].split(",")
    amounts = meta["budget_per_category"].split(",")
    return [f"--envelope={c}={a}" for c, a in zip(categories, amounts, strict=True)]


# --- JSON --------------------------------------------------------------------------------------


def test_json_on_lodz_gives_the_official_selection_in_order(capsys):
    code, out, err = tally(capsys, DATA / FILES["lodz"], "--rule", "greedy", "--format", "json")
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert list(result) == KEYS
    assert result["rule"] == "greedy"
    assert result["budget"] == "6112868" and result["total_cost"] == "6112868"
    assert result["leftover"] == "0" and result["voters"] == 90_494
    assert result["selected"] == load("lodz").official_selected()
    assert result["spending"] == {} and result["moves"] == []
    first = result["projects"][0]
    assert first == {
        "id": "L010",
        "name": "Strefa21 - boisko wielofunkcyjne i skwer wypoczynkowy przy Kopernika 2",
        "category": None,
        "cost": "1603000",
        "score": 16904,
        "selected": True,
    }
    assert len(result["projects"]) == 160 and len(result["trace"]) == 160
    assert list(result["trace"][0]) == ["project_id", "selected", "code", "params", "text"]
    assert result["trace"][0]["code"] == "funded" and result["trace"][0]["params"]["cost"]
    assert result["trace"][0]["project_id"] == "L010" and result["trace"][0]["selected"] is True


def test_json_key_order_is_exactly_the_contract(capsys):
    code, out, _ = tally(capsys, DATA / FILES["dieppe"], "--rule", "mes", "--format", "json")
    assert code == 0
    assert out.lstrip().startswith('{\n  "rule": "mes",\n  "budget": "180000",\n  "selected": [')
    assert list(json.loads(out)) == KEYS


def test_amounts_are_exact_decimal_strings(tmp_path, capsys):
    path = tmp_path / "arras.pb"
    path.write_text(BASE.replace("budget;1000", "budget;1200.75"), encoding="utf-8")
    code, out, _ = tally(capsys, path, "--rule", "greedy", "--format", "json")
    assert code == 0
    result = json.loads(out)
    # Scores 1→2, 2→1, 3→1; ties go to the cheaper: 1 (500), 2 (300), then 3 (400.50) fits.
    assert result["selected"] == ["1", "2", "3"]
    assert result["budget"] == "1200.75" and result["total_cost"] == "1200.5"
    assert result["leftover"] == "0.25"
    assert [p["cost"] for p in result["projects"]] == ["500", "300", "400.5"]


def test_outcome_to_dict_is_plain_json_data():
    projects = [Project("a", F(10), "Sport", None, "Stade"), Project("b", F(5, 2))]
    outcome = Outcome(
        rule="envelopes",
        budget=F(15),
        selected=["b", "a"],
        costs={"a": F(10), "b": F(5, 2)},
        scores={"a": 3, "b": 4},
        trace=[
            TraceEvent("b", True, "funded", {"votes": 4, "cost": F(5, 2), "remaining": F(25, 2)})
        ],
        spending={"Sport": F(10), "Culture": F(5, 2)},
        moves=[("Culture", "Sport", F(1, 2))],
    )
    data = output.outcome_to_dict(outcome, projects, 7)
    assert data == {
        "rule": "envelopes",
        "budget": "15",
        "selected": ["b", "a"],
        "total_cost": "12.5",
        "leftover": "2.5",
        "voters": 7,
        "spending": {"Sport": "10", "Culture": "2.5"},
        "moves": [{"from": "Culture", "to": "Sport", "amount": "0.5"}],
        "projects": [
            {
                "id": "a",
                "name": "Stade",
                "category": "Sport",
                "cost": "10",
                "score": 3,
                "selected": True,
            },
            {"id": "b", "name": "", "category": None, "cost": "2.5", "score": 4, "selected": True},
        ],
        "trace": [
            {
                "project_id": "b",
                "selected": True,
                "code": "funded",
                "params": {"votes": 4, "cost": "2.5", "remaining": "12.5"},
                "text": "4 voix : financé (2,50\u00a0€), reste 12,50\u00a0€",
            }
        ],
    }
    assert json.loads(json.dumps(data)) == data
    stored = output.outcome_to_dict(outcome, projects, 7, text=False)
    assert "text" not in stored["trace"][0]


# --- Text --------------------------------------------------------------------------------------


def test_text_is_the_default_and_shows_the_table(capsys):
    code, out, err = tally(capsys, DATA / FILES["lodz"], "--rule", "greedy")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Règle : greedy"
    assert lines[1] == f"Votants : 90{NARROW}494"
    header = lines[3].split()
    assert header[:3] == ["Rang", "Projet", "Nom"] and header[-2:] == ["Voix", "Financé"]
    first = lines[4].split()
    assert first[:3] == ["1", "L010", "Strefa21"] and first[-1] == "oui"
    assert f"1{NARROW}603{NARROW}000" in lines[4] and f"16{NARROW}904" in lines[4]
    assert "…" in lines[4]  # long names are cut
    assert sum(line.endswith(" oui") for line in lines) == 16
    assert f"Budget : 6{NARROW}112{NARROW}868\u00a0PLN" in lines
    assert f"Total financé : 6{NARROW}112{NARROW}868\u00a0PLN (16 projets)" in lines
    assert "Reste : 0\u00a0PLN" in lines


def test_text_of_points_ballots_and_of_envelopes(capsys):
    code, out, _ = tally(capsys, DATA / FILES["toulouse"], "--rule", "greedy")
    assert code == 0 and "Points" in out.splitlines()[3] and "\u00a0€" in out
    code, out, _ = tally(
        capsys, DATA / FILES["amsterdam"], "--rule", "envelopes", *amsterdam_envelopes()
    )
    assert code == 0
    assert "Dépense par catégorie :" in out and "Transferts de reliquat :" in out
    assert "  Armoede → Eenzaamheid : 1\u202f474\u00a0€" in out.splitlines()


def test_outcome_to_text_for_the_platform():
    projects = [Project("1", F(1250), "Sport", None, "Un très long nom de projet " * 3)]
    outcome = Outcome("greedy", F(2000), ["1"], {"1": F(1250)}, {"1": 12}, [])
    text = output.outcome_to_text(outcome, projects, 12)
    assert f"1{NARROW}250" in text and "Coût (€)" in text and "…" in text
    assert "Reste : 750\u00a0€" in text and "(1 projet)" in text
    assert "Coût  " in output.outcome_to_text(outcome, projects, 12, currency=None)


# --- envelopes --------------------------------------------------------------------------------


def test_envelopes_on_amsterdam_with_its_own_envelopes(capsys):
    envelopes = amsterdam_envelopes()
    code, out, err = tally(
        capsys, DATA / FILES["amsterdam"], "--rule", "envelopes", *envelopes, "--format", "json"
    )
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["rule"] == "envelopes"
    election = load("amsterdam")
    assert result["budget"] == "250000" == election.meta["budget"]
    categories = election.meta["categories"].split(",")
    assert list(result["spending"]) == categories  # in the priority order given
    cost = {p.id: p.cost for p in election.projects}
    category = {p.id: p.category for p in election.projects}
    for name in categories:
        spent = sum((cost[i] for i in result["selected"] if category[i] == name), F(0))
        assert F(result["spending"][name]) == spent
    total = sum((cost[i] for i in result["selected"]), F(0))
    assert F(result["total_cost"]) == total <= 250_000
    assert F(result["leftover"]) == 250_000 - total
    # What a category spent beyond its envelope came from the others' leftovers, and no
    # unselected project would still fit in what is left.
    limits = dict(zip(categories, election.meta["budget_per_category"].split(","), strict=True))
    for move in result["moves"]:
        assert F(result["spending"][move["to"]]) > F(limits[move["to"]])
    assert result["moves"]
    left = F(result["leftover"])
    assert all(cost[p.id] > left for p in election.projects if p.id not in result["selected"])


def test_a_category_without_envelope_names_the_line_of_its_first_project(capsys):
    path = DATA / FILES["amsterdam"]
    envelopes = [e for e in amsterdam_envelopes() if "Sportactiviteiten" not in e]
    code, out, err = tally(capsys, path, "--rule", "pas-de-calais", *envelopes)
    first = next(p for p in load("amsterdam").projects if p.category == "Sportactiviteiten")
    line = line_of(path, first.id + ";")
    assert (code, out) == (2, "")
    assert err == (
        f"{path}:{line}: le projet {first.id} est dans la catégorie « Sportactiviteiten », "
        "qui n'a pas d'enveloppe\n"
    )


# --- Errors: exit 2, one line naming the file (and the line when there is one) -----------------


def test_a_malformed_file_names_its_line(tmp_path, capsys):
    path = tmp_path / "abime.pb"
    path.write_text(broken(21, "b;1,9"), encoding="utf-8")
    code, out, err = tally(capsys, path, "--rule", "greedy")
    assert (code, out) == (2, "")
    assert err == f"{path}:21: VOTES : votant b : projet inconnu « 9 »\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rule", "greedy", "--threshold", "-3"], "seuil invalide « -3 »"),
        (["--rule", "greedy", "--threshold", "beaucoup"], "seuil invalide « beaucoup »"),
        (["--rule", "mes", "--threshold", "3"], "--threshold ne s'applique qu'aux règles"),
        (["--rule", "pas-de-calais", "--envelope", "Nature"], "--envelope « Nature » : attendu"),
        (["--rule", "pas-de-calais", "--envelope", "Nature=beaucoup"], "attendu CATÉGORIE=MONTANT"),
        (["--rule", "pas-de-calais", "--envelope", "=12"], "attendu CATÉGORIE=MONTANT"),
        (
            ["--rule", "pas-de-calais", "--envelope", "Nature=1", "--envelope", "Nature=2"],
            "deux enveloppes pour « Nature »",
        ),
        (
            ["--rule", "greedy", "--envelope", "Nature=1"],
            "ne s'applique qu'à la règle envelopes",
        ),
        (["--rule", "pas-de-calais"], "demande une enveloppe par catégorie"),
    ],
)
def test_bad_requests_name_the_file(tmp_path, capsys, args, message):
    path = tmp_path / "arras.pb"
    path.write_text(BASE, encoding="utf-8")
    code, out, err = tally(capsys, path, *args)
    assert (code, out) == (2, "")
    assert err.startswith(f"{path}: ") and message in err
    assert err.count("\n") == 1


def test_mes_on_points_ballots_names_the_vote_type_line(capsys):
    path = DATA / FILES["toulouse"]
    code, out, err = tally(capsys, path, "--rule", "mes-add1")
    assert (code, out) == (2, "")
    assert err == (
        f"{path}:{line_of(path, 'vote_type;')}: la règle mes-add1 ne s'applique qu'aux bulletins "
        "d'approbation, pas à un vote cumulative (ici des points)\n"
    )


def test_an_unreadable_file_is_one_line(tmp_path, capsys):
    code, out, err = tally(capsys, tmp_path / "absent.pb", "--rule", "greedy")
    assert (code, out, err) == (2, "", f"{tmp_path / 'absent.pb'}: fichier introuvable\n")


def test_usage_errors_exit_2_and_help_exits_0(capsys):
    code, out, err = tally(capsys, DATA / FILES["dieppe"])
    assert code == 2 and err.startswith("utilisation : budgetcitoyen pb tally")
    assert "budgetcitoyen pb tally : erreur : arguments obligatoires manquants : --rule" in err
    code, _, err = tally(capsys, DATA / FILES["dieppe"], "--rule", "au-hasard")
    assert code == 2 and "argument --rule : « au-hasard » inconnu (au choix : " in err
    code, out, _ = tally(capsys, "--help")
    assert code == 0 and "budgetcitoyen pb tally" in out and "affiche cette aide" in out
    assert "CATÉGORIE=MONTANT" in out


def test_the_threshold_leaves_out_the_less_supported(tmp_path, capsys):
    path = tmp_path / "arras.pb"
    path.write_text(BASE.replace("budget;1000", "budget;5000"), encoding="utf-8")
    code, out, _ = tally(capsys, path, "--rule", "greedy", "--threshold", "2", "--format", "json")
    assert code == 0 and json.loads(out)["selected"] == ["1"]


# --- The console script, without Django --------------------------------------------------------


def _bare_environment() -> dict[str, str]:
    """The environment of a user's shell with no Django configuration at all."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")
        and not k.startswith("BUDGETCITOYEN")
    }
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_the_console_script_runs_without_django_settings(tmp_path):
    path = DATA / FILES["dieppe"]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "budgetcitoyen",
            "pb",
            "tally",
            str(path),
            "--rule",
            "greedy",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=_bare_environment(),
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    result = json.loads(done.stdout)
    assert list(result)[:4] == ["rule", "budget", "selected", "total_cost"]
    assert result["budget"] == "180000"

    broken_file = tmp_path / "abime.pb"
    broken_file.write_text(broken(9, "budget;1000,50"), encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "budgetcitoyen",
            "pb",
            "tally",
            str(broken_file),
            "--rule",
            "greedy",
        ],
        capture_output=True,
        text=True,
        env=_bare_environment(),
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        f"{broken_file}:9: META : budget invalide « 1000,50 » : le séparateur décimal est le "
        "point (1000.50)\n"
    )


def test_pb_tally_never_imports_django():
    script = (
        "import sys\n"
        "from budgetcitoyen.__main__ import main\n"
        f"sys.argv = ['budgetcitoyen', 'pb', 'tally', {str(DATA / FILES['dieppe'])!r}, '--rule', 'mes']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    assert done.code == 0, done.code\n"
        "print('django' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=_bare_environment(),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "False"


def test_the_former_name_pas_de_calais_still_counts_with_envelopes(capsys):
    envelopes = amsterdam_envelopes()
    path = DATA / FILES["amsterdam"]
    _code, former, _err = tally(
        capsys, path, "--rule", "pas-de-calais", *envelopes, "--format", "json"
    )
    _code, current, _err = tally(
        capsys, path, "--rule", "envelopes", *envelopes, "--format", "json"
    )
    assert json.loads(former) == json.loads(current)
    code, out, _err = tally(capsys, "--help")
    assert code == 0 and "pas-de-calais pour envelopes" in " ".join(out.split())
