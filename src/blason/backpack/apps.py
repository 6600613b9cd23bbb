from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackpackConfig(AppConfig):
    name = "blason.backpack"
    label = "backpack"
    verbose_name = _("Backpack")

    def ready(self) -> None:
        from blason.backpack import fragments as backpack_fragments
        from blason.backpack import receivers  # noqa: F401 - follows allauth's e-mail signals
        from blason.core import fragments

        # On the page of a claim made through a claim link: the ways to keep the badge.
        fragments.register("claim_status.keep", backpack_fragments.keep_badge)
