from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "budgetcitoyen.results"
    label = "results"
    verbose_name = _("Résultats")

    def ready(self) -> None:
        # The catalogue (labelling, a lower layer) shows each project's outcome once published.
        from budgetcitoyen.labelling.selectors import register_result_reader
        from budgetcitoyen.results.selectors import project_outcomes

        register_result_reader(project_outcomes)
