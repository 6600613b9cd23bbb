from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "blason.pathways"
    label = "pathways"
    verbose_name = _("Pathways")

    def ready(self) -> None:
        from blason.core import hooks
        from blason.pathways import fragments, receivers

        # Issuing and the backpack tell core; core tells us (they never import pathways).
        hooks.AWARDS_CHANGED.append(receivers.awards_changed)
        hooks.HOLDINGS_CHANGED.append(receivers.holdings_changed)
        hooks.slot_register("backpack.list", fragments.backpack_list)
        hooks.slot_register("backpack.public_profile", fragments.public_profile)
        hooks.slot_register("issuing.badge_public", fragments.badge_public)
