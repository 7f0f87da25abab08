from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetcitoyen.voting.identity import age_band, age_on, identity_key, name_parts

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
    assert name_parts("D'Artagnan-Le Gall") == ["dartagnan", "le", "gall"]


# --- Property: equivalent spellings give the same key -------------------------------------------

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8)
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
        (11, "0-17"),
        (17, "0-17"),
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
