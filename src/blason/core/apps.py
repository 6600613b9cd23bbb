from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "blason.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from blason.core import outbox, sms, worker

        # SMS go through the durable outbox, delivered by its round.
        outbox.CHANNELS[sms.KIND] = sms
        # A worker's round starts with the core's own recovery, before the apps' sweeps; its
        # courier delivers the outbox.
        own = ["blason.core.outbox.recover", "blason.core.tasks.relay_sweep"]
        worker.SWEEPS[:0] = [path for path in own if path not in worker.SWEEPS]
        if "blason.core.outbox.deliver_due" not in worker.DELIVERIES:
            worker.DELIVERIES.append("blason.core.outbox.deliver_due")
