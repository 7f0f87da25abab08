"""Emails: the plain-text part and the subject carry what people typed, unescaped."""

from __future__ import annotations

import pytest
from django.core import mail

from budgetcitoyen.core.mail import send_templated


@pytest.mark.django_db
def test_apostrophes_and_ampersands_reach_the_text_part_as_typed():
    from types import SimpleNamespace

    holder = SimpleNamespace(first_name="Zoé", email="zoe@exemple.fr")
    dossier = SimpleNamespace(
        holder=holder, reference="BC-2025-0001", title="L'atelier <vélo> & co", pk=1
    )
    decision = SimpleNamespace(reason="Hors champ de l'ESS & du Département")
    send_templated(
        to=["zoe@exemple.fr"],
        template="decision_not_labelled",
        context={"dossier": dossier, "decision": decision, "revised": False},
    )
    (message,) = mail.outbox
    assert "« L'atelier <vélo> & co »" in message.body
    assert "Hors champ de l'ESS & du Département" in message.body
    html = message.alternatives[0][0]
    assert "L&#x27;atelier &lt;vélo&gt; &amp; co" in html  # the HTML part stays escaped
