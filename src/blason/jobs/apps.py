from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "blason.jobs"
    label = "jobs"
    verbose_name = _("Jobs and local offers")

    def ready(self) -> None:
        from blason.core import hooks as core_hooks
        from blason.issuing import hooks
        from blason.jobs.forms import OccupationsField, PlaceField
        from blason.jobs.places import place_name
        from blason.jobs.rome import label_of

        # The issuer's profile form picks its address with the places picker.
        if PlaceField not in core_hooks.PLACE_FIELD:
            core_hooks.PLACE_FIELD.append(PlaceField)
        # ... and names its commune in its OB 3.0 address.
        if place_name not in core_hooks.PLACE_NAMES:
            core_hooks.PLACE_NAMES.append(place_name)
        # The badge designer names a ROME occupation given by its code alone, and picks the
        # jobs a badge prepares for.
        if label_of not in hooks.ROME_LABELS:
            hooks.ROME_LABELS.append(label_of)
        if OccupationsField not in hooks.OCCUPATIONS_FIELD:
            hooks.OCCUPATIONS_FIELD.append(OccupationsField)
