from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "budgetcitoyen.stats"
    label = "stats"
    verbose_name = "Statistiques"
