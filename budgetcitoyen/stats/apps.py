from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "budgetcitoyen.stats"
    label = "stats"
    verbose_name = "Statistiques"

    def ready(self) -> None:
        from budgetcitoyen.results.signals import results_published
        from budgetcitoyen.stats.services import on_results_published

        results_published.connect(on_results_published, dispatch_uid="stats.freeze")

        # The archive (results, a lower layer) shows each edition's key figures, masked here.
        from budgetcitoyen.results.archive import register_statistics_reader
        from budgetcitoyen.stats.selectors import public_statistics

        register_statistics_reader(public_statistics)
