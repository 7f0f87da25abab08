"""``budgetcitoyen pb tally FILE --rule mes`` against pabutools, as whole processes (run by hand).

    .venv/bin/python bench/bench_pb_cli.py [--runs 3] [--file FILE.pb] [--rule mes|greedy]

Each run starts a new Python process for each side, alternating, and reads the CPU time it
used (user + system, from the operating system): start-up and imports, reading the file, the
rule, printing. pabutools' side is the program a recounting citizen would write (the one the
results page shows): ``parse_pabulib``, then its rule with cost satisfaction and our tie order
(lower cost, more votes, smaller id). Both sides must select the same projects. Target on
Łódź 2022 with ``mes``: ≥ 30 times less CPU than pabutools (docs/PERFORMANCE.md).

The processes run as installed: with their bytecode compiled once (a cache of the bench's
own), not compiled from source at each start as ``PYTHONDONTWRITEBYTECODE`` would make them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LODZ = ROOT / "budgetcitoyen/tally/tests/data/pabulib/Poland_Lodz_2022.pb"
PYCACHE = Path(tempfile.gettempdir()) / "budgetcitoyen-bench-pycache"

PABUTOOLS = """
import sys
from collections import Counter

from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

instance, profile = parse_pabulib(sys.argv[1])
votes = Counter()
for ballot in profile:
    for project in ballot:
        votes[project] += 1
numeric = all(p.name.isdigit() for p in instance)
tie = TieBreakingRule(lambda _i, _p, p: (p.cost, -votes[p], int(p.name) if numeric else p.name))
if sys.argv[2] == "mes":
    rule = method_of_equal_shares
else:
    rule = greedy_utilitarian_welfare
    for p in [p for p in instance if votes[p] == 0]:
        instance.remove(p)
funded = rule(instance, profile.as_multiprofile(), sat_class=Cost_Sat, tie_breaking=tie)
print(" ".join(sorted(p.name for p in funded)))
"""


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def timed(command: list[str]) -> tuple[float, str]:
    """CPU time (user + system) of a new process running ``command``, and what it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        command, cwd=ROOT, env=child_env(), capture_output=True, text=True, check=False
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        print(done.stderr)
        raise SystemExit(done.returncode)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return cpu, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", type=Path, default=LODZ)
    parser.add_argument("--rule", choices=["mes", "greedy"], default="mes")
    options = parser.parse_args()
    ours = [sys.executable, "-m", "budgetcitoyen", "pb", "tally", str(options.file)]
    ours += ["--rule", options.rule, "--format", "json"]
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as program:
        program.write(PABUTOOLS)
    theirs = [sys.executable, program.name, str(options.file), options.rule]
    try:
        print(f"pb tally {options.file.name} --rule {options.rule}, processus entiers (CPU)")
        timed(ours)  # compiles the bytecode once, as an installation does
        mine: list[float] = []
        pabutools: list[float] = []
        for attempt in range(1, options.runs + 1):
            cpu, out = timed(ours)
            mine.append(cpu)
            selected = sorted(json.loads(out)["selected"])
            their_cpu, their_out = timed(theirs)
            pabutools.append(their_cpu)
            same = "identique" if their_out.split() == selected else "DIFFÉRENTE"
            print(
                f"  essai {attempt} : Budget citoyen {cpu:5.2f} s, pabutools {their_cpu:6.2f} s "
                f"→ {their_cpu / cpu:4.1f} fois ; sélection {same} ({len(selected)} projets)"
            )
        middle = options.runs // 2
        ratio = sorted(pabutools)[middle] / sorted(mine)[middle]
        print(
            f"  médianes : Budget citoyen {sorted(mine)[middle]:.2f} s, pabutools "
            f"{sorted(pabutools)[middle]:.2f} s → {ratio:.1f} fois moins de CPU (cible ≥ 30)"
        )
    finally:
        os.unlink(program.name)


if __name__ == "__main__":
    main()
