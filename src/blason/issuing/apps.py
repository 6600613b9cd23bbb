from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuingConfig(AppConfig):
    name = "blason.issuing"
    label = "issuing"
    verbose_name = _("Issuing")

    def ready(self) -> None:
        from blason.core import health, hooks, outbox, sms, worker
        from blason.issuing.signing.keys import issuer_keys_create

        # By name: importing ``awarding`` here would choose the task backend too early.
        outbox.RENDERERS["issuing.award"] = "blason.issuing.awarding.emails.render_award_email"
        sms.RENDERERS["issuing.award_sms"] = "blason.issuing.awarding.sms.render"
        worker.SWEEPS.append("blason.issuing.awarding.batches.recover_batches")
        worker.SWEEPS.append("blason.issuing.awarding.batch_files.sweep_orphan_files")
        health.WORK_REPORTS.append("blason.issuing.awarding.batches.health_report")
        # Every issuer gets its signing keys in the transaction that creates it.
        if issuer_keys_create not in hooks.ISSUER_CREATED:
            hooks.ISSUER_CREATED.append(issuer_keys_create)
