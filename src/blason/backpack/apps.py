from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackpackConfig(AppConfig):
    name = "blason.backpack"
    label = "backpack"
    verbose_name = _("Backpack")

    def ready(self) -> None:
        from blason.backpack import receivers  # noqa: F401 - follows allauth's e-mail signals
