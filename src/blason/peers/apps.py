from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeersConfig(AppConfig):
    """Peer recognition: joining a community by link or QR code, and the collective badge
    design workshop (atelier)."""

    name = "blason.peers"
    label = "peers"
    verbose_name = _("Peer recognition")

    def ready(self) -> None:
        # A badge designed in a workshop names its co-designers in the credentials it is in.
        from blason.core import sms
        from blason.issuing import hooks
        from blason.peers import request_sms
        from blason.peers.credentials import co_design_creator

        # The daily digest of badge requests, by SMS, is written when it is sent.
        sms.RENDERERS[request_sms.RENDERER] = "blason.peers.request_sms.render"

        if co_design_creator not in hooks.ACHIEVEMENT_CREATORS:
            hooks.ACHIEVEMENT_CREATORS.append(co_design_creator)
        # What it adds to the pages of other apps (``blason.core.fragments``), in page order.
        from blason.core import fragments
        from blason.peers import fragments as peer_fragments

        fragments.register("award_page.after_narrative", peer_fragments.peer_endorsements)
        fragments.register("badge_page.aside", peer_fragments.badge_workshops)
        fragments.register("badge_page.aside", peer_fragments.ask_for_badge)
        fragments.register("badge_public.aside", peer_fragments.ask_for_badge)
        fragments.register("badge_public.aside", peer_fragments.co_designers)
        fragments.register("dashboard.top", peer_fragments.waiting_requests)
