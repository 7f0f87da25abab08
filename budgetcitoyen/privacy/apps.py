from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "budgetcitoyen.privacy"
    label = "privacy"
    verbose_name = "Données personnelles"
