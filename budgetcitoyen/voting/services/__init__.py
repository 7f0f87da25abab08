"""Every rule of the vote, one module per concern; this package exports them all.

- ``eligibility``: the vote window, the sworn identity and its checks, the declaration;
- ``casting``: the edition's projects, checking and casting a ballot online (locks, record);
- ``paper``: paper ballots typed in by agents;
- ``receipts``: receipt codes and their look-up;
- ``reviews``: reviews of multiple votes, and the lock publication takes.

Signing in with a one-time code is ``accounts.signin``.
"""

from budgetcitoyen.voting.catalogue import option_of
from budgetcitoyen.voting.services.casting import (
    ballot_cast,
    ballot_check,
    ballot_of,
    options_of,
    published_projects,
)
from budgetcitoyen.voting.services.eligibility import (
    IDENTITY_FIELDS,
    check_eligible,
    check_vote_open,
    declaration_of,
    declaration_save,
    identity_errors,
)
from budgetcitoyen.voting.services.paper import (
    PaperSheet,
    check_paper_agent,
    check_paper_window,
    paper_ballot_enter,
    paper_ballots_enter,
)
from budgetcitoyen.voting.services.receipts import (
    RECEIPT_ALPHABET,
    RECEIPT_LENGTH,
    ballot_key,
    format_receipt,
    line_id_of,
    new_receipt_code,
    normalise_receipt,
    receipt_hash,
    receipt_lookup,
)
from budgetcitoyen.voting.services.reviews import (
    check_review_open,
    check_staff,
    lock_unpublished,
    results_published,
    review_decide,
)

__all__ = [
    "IDENTITY_FIELDS",
    "RECEIPT_ALPHABET",
    "RECEIPT_LENGTH",
    "PaperSheet",
    "ballot_cast",
    "ballot_check",
    "ballot_key",
    "ballot_of",
    "check_eligible",
    "check_paper_agent",
    "check_paper_window",
    "check_review_open",
    "check_staff",
    "check_vote_open",
    "declaration_of",
    "declaration_save",
    "format_receipt",
    "identity_errors",
    "line_id_of",
    "lock_unpublished",
    "new_receipt_code",
    "normalise_receipt",
    "option_of",
    "options_of",
    "paper_ballot_enter",
    "paper_ballots_enter",
    "published_projects",
    "receipt_hash",
    "receipt_lookup",
    "results_published",
    "review_decide",
]
