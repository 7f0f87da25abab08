from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "budgetcitoyen.api"
    label = "api"
    verbose_name = "API publique"
