"""What the results tell the layers above them (which the results app must not import)."""

from django.dispatch import Signal

# Sent inside the publication's transaction, once the snapshot is published and its laureates
# marked, with ``snapshot`` and ``by`` (None for the automatic publication): a receiver that
# fails rolls the publication back. The statistics are kept from it (``stats.services``).
results_published = Signal()
