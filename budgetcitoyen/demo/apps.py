from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set and the ``budgetcitoyen demo`` command: the one app that imports every other."""

    name = "budgetcitoyen.demo"
    label = "demo"
