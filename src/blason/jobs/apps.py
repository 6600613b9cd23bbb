from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "blason.jobs"
    label = "jobs"
    verbose_name = _("Jobs and local offers")

    def ready(self) -> None:
        from blason.issuing import hooks
        from blason.jobs.rome import label_of

        # The badge designer names a ROME occupation given by its code alone.
        if label_of not in hooks.ROME_LABELS:
            hooks.ROME_LABELS.append(label_of)
