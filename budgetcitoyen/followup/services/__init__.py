"""Every write of the follow-up, one module per concern; this package exports them all."""

from budgetcitoyen.followup.services.agreements import *  # noqa: F403
from budgetcitoyen.followup.services.documents import *  # noqa: F403
from budgetcitoyen.followup.services.progress import *  # noqa: F403
