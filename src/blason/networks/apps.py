from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    """Networks of issuers on a territory: members, signed lists of recognised issuers."""

    name = "blason.networks"
    label = "networks"
    verbose_name = _("Networks of issuers")

    def ready(self) -> None:
        from blason.core import worker
        from blason.verification import hooks as verification

        # The signed lists are renewed before they expire, on a worker's round.
        if "blason.networks.tasks.sweep" not in worker.SWEEPS:
            worker.SWEEPS.append("blason.networks.tasks.sweep")
        # A member (or the network) renamed or moved: its lists are signed again at once.
        from blason.core import hooks as core_hooks
        from blason.networks.services import lists_issuer_updated

        if lists_issuer_updated not in core_hooks.ISSUER_UPDATED:
            core_hooks.ISSUER_UPDATED.append(lists_issuer_updated)
        # Verifiers on this site read the lists of its networks from the database.
        from blason.networks.trust import local_lists

        if local_lists not in verification.LOCAL_LISTS:
            verification.LOCAL_LISTS.append(local_lists)
        # A member's copy of a shared badge names the network as its creator.
        from blason.issuing import hooks
        from blason.networks.sharing import network_creator

        if network_creator not in hooks.ACHIEVEMENT_CREATORS:
            hooks.ACHIEVEMENT_CREATORS.append(network_creator)
        # Given endorsements of a badge or an issuer go into new awards and its profile.
        from blason.networks.endorsements import badge_endorsements, issuer_endorsements

        if badge_endorsements not in hooks.ACHIEVEMENT_ENDORSEMENTS:
            hooks.ACHIEVEMENT_ENDORSEMENTS.append(badge_endorsements)
        if issuer_endorsements not in hooks.PROFILE_ENDORSEMENTS:
            hooks.PROFILE_ENDORSEMENTS.append(issuer_endorsements)
        # Their OB 2.0 form: hosted Endorsements linked from the OB 2.0 BadgeClass and Issuer.
        from blason.networks.endorsements import (
            ob2_badge_endorsements,
            ob2_issuer_endorsements,
            ob2_published,
        )

        if ob2_badge_endorsements not in hooks.OB2_BADGE_ENDORSEMENTS:
            hooks.OB2_BADGE_ENDORSEMENTS.append(ob2_badge_endorsements)
        if ob2_issuer_endorsements not in hooks.OB2_ISSUER_ENDORSEMENTS:
            hooks.OB2_ISSUER_ENDORSEMENTS.append(ob2_issuer_endorsements)
        hooks.PUBLISHED_DOCUMENTS["networks:endorsement_ob2"] = ob2_published
        # A badge's public page says which network designed it and who endorsed it; an
        # issuer's, its networks and endorsements (a network's: its members).
        from blason.core import fragments
        from blason.networks.pages import badge_part, issuer_part

        fragments.register("badge_public.after_text", badge_part)
        fragments.register("issuer_public.before_badges", issuer_part)
