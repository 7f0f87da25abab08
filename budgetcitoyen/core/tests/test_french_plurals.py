"""French takes the singular for 0 and 1: "0 projet", "1 projet", "2 projets"."""

from __future__ import annotations

import gettext
from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation import ngettext

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize(("count", "text"), [(0, "0 projet"), (1, "1 projet"), (2, "2 projets")])
def test_french_plurals_follow_french_rules(count, text):
    with translation.override("fr"):
        assert ngettext("%(count)d projet", "%(count)d projets", count) % {"count": count} == text
    with translation.override("en"):
        english = ngettext("%(count)d projet", "%(count)d projets", count) % {"count": count}
    assert english == f"{count} project" + ("" if count == 1 else "s")


def test_every_plural_of_the_site_has_its_french_entry():
    """Run scripts/french_plurals.py after makemessages when this fails."""
    english = polib.pofile(str(LOCALE / "en/LC_MESSAGES/django.po"))
    french = polib.pofile(str(LOCALE / "fr/LC_MESSAGES/django.po"))
    assert french.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    wanted = {(e.msgctxt, e.msgid, e.msgid_plural) for e in english if e.msgid_plural}
    present = {
        (e.msgctxt, e.msgid, e.msgid_plural)
        for e in french
        if e.msgstr_plural == {0: e.msgid, 1: e.msgid_plural}
    }
    assert wanted <= present, sorted(m[1] for m in wanted - present)
    # The compiled catalogue the site reads holds them too.
    with (LOCALE / "fr/LC_MESSAGES/django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for context, singular, plural in wanted:
        key = f"{context}\x04{singular}" if context else singular
        assert compiled.ngettext(key, plural, 0) == singular, singular
