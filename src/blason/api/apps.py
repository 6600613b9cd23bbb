from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The Open Badges 3.0 API: other applications read and add badges in an earner's
    backpack, and read or update their profile, with the earner's consent (OAuth 2.0)."""

    name = "blason.api"
    label = "api"
    verbose_name = _("Connected applications")

    def ready(self) -> None:
        from blason.api import fragments
        from blason.core import fragments as core_fragments

        core_fragments.register("settings_page.after_password", fragments.connections)
