from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComptoirsConfig(AppConfig):
    name = "budgetcitoyen.comptoirs"
    label = "comptoirs"
    verbose_name = _("Comptoirs à initiatives citoyennes")
