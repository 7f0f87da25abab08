from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "budgetcitoyen.opendata"
    label = "opendata"
    verbose_name = "Données ouvertes"
