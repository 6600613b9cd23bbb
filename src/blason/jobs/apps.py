from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "blason.jobs"
    label = "jobs"
    verbose_name = _("Jobs and local offers")

    def ready(self) -> None:
        # The issuer's profile form picks its address with the places picker.
        from blason.core import hooks
        from blason.jobs.forms import PlaceField

        if PlaceField not in hooks.PLACE_FIELD:
            hooks.PLACE_FIELD.append(PlaceField)
