"""A static accessibility check of a rendered page, fast enough to run on every page test.

It checks what can be decided from the HTML alone (RGAA 4 / WCAG 2.1): language set, a
non-empty title, exactly one h1, headings without gaps, every form field labelled, no
empty link or button, images with a text alternative, unique ids, in-page links that
land somewhere. The browser tests add axe-core on top (contrast, ARIA, focus).
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag


def _text(tag: Tag) -> str:
    parts = [tag.get_text(" ", strip=True)]
    parts += [str(img.get("alt", "")) for img in tag.find_all("img")]
    parts += [str(tag.get("aria-label", "")), str(tag.get("title", ""))]
    return " ".join(p for p in parts if p).strip()


def accessibility_problems(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    problems: list[str] = []

    root = soup.find("html")
    if not isinstance(root, Tag) or not root.get("lang"):
        problems.append("la langue de la page (html lang) n'est pas indiquée")
    title = soup.find("title")
    if not title or not title.get_text(strip=True):
        problems.append("la page n'a pas de titre")
    h1s = soup.find_all("h1")
    if len(h1s) != 1:
        problems.append(f"la page a {len(h1s)} titres h1 au lieu d'un seul")
    if not soup.find("main"):
        problems.append("la page n'a pas de zone principale (main)")

    previous = 0
    for heading in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        level = int(heading.name[1])
        if previous and level > previous + 1:
            problems.append(
                f"saut de niveau de titre : h{previous} puis h{level} ({_text(heading)!r})"
            )
        if not _text(heading):
            problems.append(f"titre h{level} vide")
        previous = level

    ids = [tag["id"] for tag in soup.find_all(id=True)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"identifiants en double : {duplicates}")

    labelled_for = {label.get("for") for label in soup.find_all("label") if label.get("for")}
    for field in soup.find_all(["input", "select", "textarea"]):
        if field.name == "input" and field.get("type") in (
            "hidden",
            "submit",
            "button",
            "reset",
            "image",
        ):
            continue
        has_label = (
            (field.get("id") and field["id"] in labelled_for)
            or field.get("aria-label")
            or field.get("aria-labelledby")
            or field.find_parent("label") is not None
        )
        if not has_label:
            problems.append(f"champ sans étiquette : {field.get('name') or field}")

    for link in soup.find_all("a"):
        if not link.get("href"):
            problems.append(f"lien sans destination : {link}")
        elif not _text(link):
            problems.append(f"lien vide : {link.get('href')}")
        elif (href := str(link["href"])).startswith("#") and len(href) > 1 and href[1:] not in ids:
            problems.append(f"lien interne vers une cible absente : {href}")
    for button in soup.find_all("button"):
        if not _text(button):
            problems.append("bouton sans intitulé")
    for image in soup.find_all("img"):
        if image.get("alt") is None:
            problems.append(f"image sans alternative : {image.get('src')}")
    for table in soup.find_all("table"):
        if not table.find("th"):
            problems.append("tableau de données sans en-têtes")
        region = table.find_parent(class_="table-scroll")
        scrolls = region is not None and (
            region.get("role") == "region"
            and region.get("tabindex") == "0"
            and bool(region.get("aria-label") or region.get("aria-labelledby") in ids)
        )
        if table.find_parent("main") is not None and not scrolls:
            problems.append(
                "tableau hors d'une zone défilante nommée (div.table-scroll, role=region, "
                f"tabindex=0) : il élargirait la page d'un téléphone ({_text(table)[:50]!r})"
            )

    # Hints and errors tied to their field: what a field names exists, what is drawn is named.
    described = set()
    for tag in soup.find_all(True):
        for ref in str(tag.get("aria-describedby") or "").split():
            described.add(ref)
            if ref not in ids:
                problems.append(f"aria-describedby vers un élément absent : {ref}")
    for ident in map(str, ids):
        if ident.endswith(("_helptext", "_error")) and ident not in described:
            problems.append(f"indication ou erreur non reliée à son champ : {ident}")
    return problems


def assert_accessible(html: str | bytes) -> None:
    if isinstance(html, bytes):
        html = html.decode()
    problems = accessibility_problems(html)
    assert not problems, "Problèmes d'accessibilité :\n- " + "\n- ".join(problems)
