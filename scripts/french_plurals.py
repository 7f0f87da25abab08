"""Write the French catalogue, which holds only the plurals (run after makemessages).

The site is written in French: its msgids are the French text, so French needs no catalogue,
except for plurals. Without a French entry, gettext chooses between a msgid and its plural with
the rule of English (n != 1), which writes "0 projets"; French takes the singular for 0 and 1
(Plural-Forms: nplurals=2; plural=(n > 1)). This script copies every plural entry of the English
catalogue into ``locale/fr`` with the French text as its own translation, then compiles it::

    .venv/bin/python scripts/french_plurals.py

``core/tests/test_french_plurals.py`` fails while a plural of the English catalogue is missing.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "budgetcitoyen" / "locale"


def main() -> None:
    english = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    french = polib.POFile(wrapwidth=99)
    french.metadata = {
        "Project-Id-Version": "budgetcitoyen",
        "Language": "fr",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n > 1);",
    }
    for entry in english:
        if entry.obsolete or not entry.msgid_plural:
            continue
        french.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgid_plural=entry.msgid_plural,
                msgctxt=entry.msgctxt,
                msgstr_plural={0: entry.msgid, 1: entry.msgid_plural},
                flags=[flag for flag in entry.flags if flag != "fuzzy"],
                occurrences=entry.occurrences,
            )
        )
    target = LOCALE / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    french.save(str(target / "django.po"))
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(target / "django.mo"), str(target / "django.po")],
        check=True,
    )
    print(f"{len(french)} pluriels écrits dans {target / 'django.po'}")


if __name__ == "__main__":
    main()
