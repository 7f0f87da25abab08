from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "budgetcitoyen.stats"
    label = "stats"
    verbose_name = "Statistiques"

    def ready(self) -> None:
        from budgetcitoyen.results.signals import results_published
        from budgetcitoyen.stats.services import on_results_published

        results_published.connect(on_results_published, dispatch_uid="stats.freeze")
