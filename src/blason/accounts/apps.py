from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "blason.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from blason.accounts import receivers  # noqa: F401 - connects allauth's signals
