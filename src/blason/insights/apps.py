from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "blason.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from blason.core import worker

        # Every worker round asks whether the facts are due for a refresh (cheap when not).
        path = "blason.insights.refresh.sweep"
        if path not in worker.SWEEPS:
            worker.SWEEPS.append(path)
