"""Pages of the dossiers: the holder's space, the steps, submission, receipt, files, staff list.

Confidentiality: every URL naming a dossier answers 404 to whoever may not see it
(anonymous visitors included), so nobody learns that a dossier exists.

The pages are split by who uses them: ``holder`` (the holder's space and the steps),
``documents`` (files, printable, PDF, shared by holder, committee and staff) and ``staff``.
"""

from budgetcitoyen.dossiers.views.documents import (
    attachment,
    by_reference,
    pdf,
    photo,
    printable,
)
from budgetcitoyen.dossiers.views.holder import (
    attachment_remove,
    delete_draft,
    my_dossiers,
    overview,
    photo_remove,
    receipt,
    start,
    step,
    summary,
    withdraw,
)
from budgetcitoyen.dossiers.views.staff import export_csv, export_xlsx, staff_detail, staff_list

__all__ = [
    "attachment",
    "attachment_remove",
    "by_reference",
    "delete_draft",
    "export_csv",
    "export_xlsx",
    "my_dossiers",
    "overview",
    "pdf",
    "photo",
    "photo_remove",
    "printable",
    "receipt",
    "staff_detail",
    "staff_list",
    "start",
    "step",
    "summary",
    "withdraw",
]
