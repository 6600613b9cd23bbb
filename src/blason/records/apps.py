from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_site_signer(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """After each ``migrate`` (and a test database's flush), the site's signer exists: made
    once, with its keys, by ``services.site_signer_ensure``."""
    from django.db import connections

    from blason.records.models import SiteSigner
    from blason.records.services import site_signer_ensure

    tables = connections[using].introspection.table_names()
    if SiteSigner._meta.db_table in tables:
        site_signer_ensure()


class RecordsConfig(AppConfig):
    name = "blason.records"
    label = "records"
    verbose_name = _("Learner records")

    def ready(self) -> None:
        from blason.backpack import hooks

        post_migrate.connect(_ensure_site_signer, sender=self, dispatch_uid="records.signer")
        hooks.register_tool("records:home", _("My record and VAE files"))
