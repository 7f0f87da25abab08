"""The ``budgetcitoyen`` console script: Django's manage.py under the project's name.

``budgetcitoyen pb tally FILE.pb --rule RULE`` is the exception: it counts a pabulib file with
the pure-Python engine and never imports Django (no settings, secret key or database needed);
so does ``budgetcitoyen pb find-ballot FILE.pb --receipt CODE``, which finds a voter's line.
"""

import os
import sys


def main() -> None:
    if sys.argv[1:3] == ["pb", "tally"]:
        from budgetcitoyen.tally.cli import main as tally

        sys.exit(tally(sys.argv[3:]))
    if sys.argv[1:3] == ["pb", "find-ballot"]:
        from budgetcitoyen.voting.ballotlines import main as find_ballot

        sys.exit(find_ballot(sys.argv[3:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budgetcitoyen.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
