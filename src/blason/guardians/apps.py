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

        # Sign-up asks the year of birth and holds a child's account until a parent agrees;
        # a held account goes through the sign-in checks, to its own waiting page.
        from blason.accounts import hooks
        from blason.guardians import forms, selectors, services

        if not any(name == "birth_year" for name, _make in hooks.SIGNUP_FIELDS):
            hooks.SIGNUP_FIELDS.append(("birth_year", forms.birth_year_field))
        if services.account_hold_at_signup not in hooks.SIGNED_UP:
            hooks.SIGNED_UP.append(services.account_hold_at_signup)
        if selectors.is_held not in hooks.HELD:
            hooks.HELD.append(selectors.is_held)
        if selectors.held_with_phone not in hooks.USERS_BY_PHONE:
            hooks.USERS_BY_PHONE.append(selectors.held_with_phone)
        if "blason.guardians.stages.HeldAccountStage" not in hooks.LOGIN_STAGES:
            hooks.LOGIN_STAGES.append("blason.guardians.stages.HeldAccountStage")
