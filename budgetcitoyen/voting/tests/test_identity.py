from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetcitoyen.territories.normalize import fold_letters
from budgetcitoyen.voting.identity import (
    PARTICLES,
    age_band,
    age_on,
    identity_key,
    identity_letters,
    name_parts,
)

BORN = date(1990, 7, 14)


@pytest.mark.parametrize(
    "spelling",
    [
        "Martin-Dupont",
        "martin dupont",
        "DUPONT MARTIN",
        "Dupont-Martin",
        "  Martin   Dupont ",
        "Mârtin–Dupônt",
    ],
)
def test_compound_last_names_fold_to_one_key(spelling):
    assert identity_key(spelling, "Élodie", BORN) == identity_key("Martin-Dupont", "Elodie", BORN)


@pytest.mark.parametrize(
    "spelling", ["D'Artagnan", "d’artagnan", "Dartagnan", "D Artagnan", "D-Artagnan"]
)
def test_apostrophes_and_lone_letters_join(spelling):
    assert identity_key(spelling, "Charles", BORN) == identity_key("Dartagnan", "Charles", BORN)


def test_first_given_name_only_and_its_compound_parts_in_any_order():
    key = identity_key("Dupont", "Jean-Pierre", BORN)
    assert identity_key("Dupont", "Pierre Jean", BORN) == key
    assert identity_key("Dupont", "jean pierre, Marcel", BORN) == key
    assert identity_key("Dupont", "Jean", BORN) != key


def test_ligatures_fold():
    assert identity_key("Lœuillet", "Lætitia", BORN) == identity_key("Loeuillet", "Laetitia", BORN)


def test_different_birth_dates_or_names_differ():
    assert identity_key("Dupont", "Camille", BORN) != identity_key(
        "Dupont", "Camille", date(1990, 7, 15)
    )
    assert identity_key("Dupont", "Camille", BORN) != identity_key("Dupond", "Camille", BORN)


def test_name_parts():
    assert name_parts("D'Artagnan-Le Gall") == ["dartagnan", "legall"]


# --- Property: equivalent spellings give the same key -------------------------------------------

# A part of a name; particles join the word after them, so they are not parts that move.
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8).filter(
    lambda word: word not in PARTICLES
)
ACCENTED = {"a": "àâä", "e": "éèêë", "i": "îï", "o": "ôö", "u": "ùûü", "c": "ç"}


@st.composite
def respelled(draw, words):  # type: ignore[no-untyped-def]
    """The same name written differently: order, case, accents, separators."""
    words = draw(st.permutations(words))
    written = []
    for word in words:
        letters = []
        for ch in word:
            if ch in ACCENTED and draw(st.booleans()):
                ch = draw(st.sampled_from(ACCENTED[ch]))
            if draw(st.booleans()):
                ch = ch.upper()
            letters.append(ch)
        written.append("".join(letters))
    separators = [draw(st.sampled_from([" ", "-", "  ", " - ", "–"])) for _ in written[1:]]
    text = written[0]
    for separator, word in zip(separators, written[1:], strict=True):
        text += separator + word
    return draw(st.sampled_from(["", " "])) + text + draw(st.sampled_from(["", " "]))


@given(
    last=st.lists(WORD, min_size=1, max_size=3),
    first=st.lists(WORD, min_size=1, max_size=2),
    data=st.data(),
)
def test_equivalent_spellings_give_the_same_key(last, first, data):
    reference = identity_key(" ".join(last), " ".join(first), BORN)
    assert identity_key(data.draw(respelled(last)), data.draw(respelled(first)), BORN) == reference


@given(
    particle=st.sampled_from("dlDL"),
    word=WORD,
    apostrophe=st.sampled_from(["'", "’", " ", "", "-"]),
)
def test_particles_written_any_way_give_the_same_key(particle, word, apostrophe):
    assert identity_key(particle + apostrophe + word, "Anne", BORN) == identity_key(
        particle.lower() + word, "Anne", BORN
    )


# --- Age --------------------------------------------------------------------------------------------


def test_age_counts_the_birthday_itself():
    born = date(2014, 9, 1)
    assert age_on(born, date(2025, 8, 31)) == 10
    assert age_on(born, date(2025, 9, 1)) == 11


def test_born_on_29_february_turns_older_on_1_march_in_common_years():
    born = date(2012, 2, 29)
    assert age_on(born, date(2023, 2, 28)) == 10
    assert age_on(born, date(2023, 3, 1)) == 11
    assert age_on(born, date(2024, 2, 29)) == 12


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (11, "11-14"),
        (14, "11-14"),
        (15, "15-17"),
        (17, "15-17"),
        (18, "18-24"),
        (24, "18-24"),
        (25, "25-39"),
        (60, "60-74"),
        (75, "75+"),
        (103, "75+"),
    ],
)
def test_age_bands(age, band):
    assert age_band(age) == band


# --- Look-alike and invisible characters ------------------------------------------------------------

BORN_1980 = date(1980, 5, 2)

# The eight spellings of one person found voting eight times: one key for all of them.
EIGHT_SPELLINGS = [
    "Dupont",
    "DUPONT",
    "Dup\u043ent",  # Cyrillic о
    "Du\u200bpont",  # zero-width space
    "Du Pont",
    "Du-Pont",
    "du pont",
    "Du\u00adpont",  # soft hyphen
]


@pytest.mark.parametrize("spelling", EIGHT_SPELLINGS)
def test_the_eight_spellings_of_one_name_give_one_key(spelling):
    assert identity_key(spelling, "Jean", BORN_1980) == identity_key("Dupont", "Jean", BORN_1980)


# Letters of other scripts that look Latin, as an attacker would type them.
LOOK_ALIKES = {
    "a": "аα",
    "c": "с",
    "e": "е",
    "i": "іι",
    "j": "ј",
    "o": "оο",
    "p": "рρ",
    "s": "ѕ",
    "x": "х",
    "y": "у",
    "A": "АΑ",
    "B": "ВΒ",
    "C": "С",
    "E": "ЕΕ",
    "H": "НΗ",
    "I": "ІΙ",
    "J": "Ј",
    "K": "КΚ",
    "M": "МΜ",
    "N": "Ν",
    "O": "ОΟ",
    "P": "РΡ",
    "S": "Ѕ",
    "T": "ТΤ",
    "X": "ХΧ",
    "Y": "УΥ",
    "Z": "Ζ",
}
INVISIBLES = [
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u2060",  # word joiner
    "\u00ad",  # soft hyphen
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\ufeff",  # byte-order mark
    "\u034f",  # combining grapheme joiner
    "\ufe0f",  # variation selector 16
    "\u3164",  # Hangul filler
]
SEPARATORS = [" ", "-", "–", "—", "\u2011", "\u2010", "\u00a0", "\u2009", "\u3000", " - ", "  "]


@st.composite
def disguised(draw, words):  # type: ignore[no-untyped-def]
    """The same name, disguised: case, accents, look-alikes, full-width forms, invisible
    characters anywhere, any dash or space between its parts, in any order."""
    written = []
    for word in draw(st.permutations(words)):
        letters = []
        for ch in word:
            if ch in ACCENTED and draw(st.booleans()):
                ch = draw(st.sampled_from(ACCENTED[ch]))
            if draw(st.booleans()):
                ch = ch.upper()
            how = draw(st.sampled_from(["plain", "look-alike", "full-width"]))
            if how == "look-alike" and ch in LOOK_ALIKES:
                ch = draw(st.sampled_from(LOOK_ALIKES[ch]))
            elif how == "full-width" and ch.isascii():
                ch = chr(ord(ch) + 0xFEE0)
            if draw(st.integers(0, 3)) == 0:
                ch += draw(st.sampled_from(INVISIBLES))
            letters.append(ch)
        written.append("".join(letters))
    text = written[0]
    for word in written[1:]:
        text += draw(st.sampled_from(SEPARATORS)) + word
    return draw(st.sampled_from(["", " ", "\u200b"])) + text


@given(
    last=st.lists(WORD, min_size=1, max_size=3),
    first=st.lists(WORD, min_size=1, max_size=2),
    data=st.data(),
)
def test_disguised_spellings_give_the_same_key(last, first, data):
    reference = identity_key(" ".join(last), " ".join(first), BORN)
    assert identity_key(data.draw(disguised(last)), data.draw(disguised(first)), BORN) == reference


@given(
    particle=st.sampled_from(sorted(PARTICLES)),
    word=WORD,
    separator=st.sampled_from(["", " ", "-", "'", "’", "\u00a0", "\u200b", "–"]),
    capitalised=st.booleans(),
)
def test_a_particle_joined_or_apart_gives_the_same_key(particle, word, separator, capitalised):
    written = (particle.capitalize() if capitalised else particle) + separator + word.capitalize()
    assert identity_key(written, "Anne", BORN) == identity_key(particle + word, "Anne", BORN)


def test_latin_letters_fold_as_the_place_names_do():
    """Every Latin letter that ``fold_letters`` turns into ASCII gives the same letters here."""
    for code in range(0x20, 0x250):
        letter = chr(code)
        folded = fold_letters(letter)
        if letter.isalpha() and folded.isascii():
            assert identity_letters(letter) == folded, letter


@pytest.mark.parametrize(
    ("written", "letters"),
    [
        ("Łukasz", "lukasz"),
        ("Øst", "ost"),
        ("Ðorđe", "dorde"),
        ("ІVAN", "ivan"),
        ("ЅОРНІЕ", "sophie"),
        ("Ｄupont", "dupont"),
        ("𝐃upont", "dupont"),
        ("Dup0nt", "dupont"),
    ],
)
def test_look_alikes_fold_to_the_latin_letters_they_imitate(written, letters):
    assert identity_letters(written) == letters


def test_a_name_in_another_script_keeps_its_letters():
    assert name_parts("王小明") == ["王小明"]
    assert identity_key("王", "小明", BORN) != identity_key("李", "小明", BORN)
    assert identity_key("Παπαδόπουλος", "Νίκος", BORN) != identity_key("Π", "Ν", BORN)


def test_different_names_still_differ():
    assert identity_key("Dupont", "Jean", BORN) != identity_key("Dupond", "Jean", BORN)
    assert identity_key("Martin", "Jean", BORN) != identity_key("Martins", "Jean", BORN)
    assert identity_key("Marie", "Anne", BORN) != identity_key("Aimer", "Anne", BORN)
