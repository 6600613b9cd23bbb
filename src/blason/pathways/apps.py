from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "blason.pathways"
    label = "pathways"
    verbose_name = _("Pathways")

    def ready(self) -> None:
        from blason.core import fragments as core_fragments
        from blason.core import hooks, sms
        from blason.jobs import hooks as jobs_hooks
        from blason.pathways import fragments, receivers, selectors
        from blason.pathways import sms as pathway_sms

        # Issuing and the backpack tell core; core tells us (they never import pathways).
        hooks.AWARDS_CHANGED.append(receivers.awards_changed)
        hooks.HOLDINGS_CHANGED.append(receivers.holdings_changed)
        core_fragments.register("backpack.list", fragments.backpack_list)
        core_fragments.register("backpack.public_profile", fragments.public_profile)
        core_fragments.register("badge_public.aside", fragments.badge_public)
        jobs_hooks.PERSON_OCCUPATIONS.append(selectors.occupations_headed_for)
        sms.RENDERERS[pathway_sms.RENDERER] = "blason.pathways.sms.render"
