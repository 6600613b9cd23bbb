from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuardiansConfig(AppConfig):
    name = "blason.guardians"
    label = "guardians"
    verbose_name = _("Parents and guardians")

    def ready(self) -> None:
        from blason.core import worker

        # Held accounts never confirmed, and guardianships of children now of age, go away
        # on a worker's round (at most every ``tasks.SWEEP_EVERY``).
        worker.SWEEPS.append("blason.guardians.tasks.sweep")
