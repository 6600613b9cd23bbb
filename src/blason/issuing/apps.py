from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuingConfig(AppConfig):
    name = "blason.issuing"
    label = "issuing"
    verbose_name = _("Issuing")
