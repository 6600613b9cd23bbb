from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "blason.verification"
    label = "verification"
    verbose_name = _("Verification")

    def ready(self) -> None:
        from blason.core import fragments as core_fragments
        from blason.verification import fragments

        core_fragments.register("award_verify.verdict", fragments.award_verdict)
