"""Only your own badges (issue 13, point 5).

Until now a phone number counted as a person's once they claimed, with its code, a badge
awarded to it (``Phone``), and every other badge awarded to that number then went into their
backpack by itself. Holding a code on paper proves nothing about a number: it may have changed
hands, or been mistyped. From now on a number counts once the account typed back a code sent to
it by SMS (``User.phone_verified``, through allauth).

So, honestly, for the data already there: the numbers proven only by a claim code are *not*
verified (they are not carried over), and each badge that went into a backpack by itself because
of such a number (not with its own claim code) is given back: the award is free again for its
recipient (who still has its code), and the item stays in the backpack marked "issued to someone
else" (private) until the person verifies the number. Each one given back is written in the
audit log (``backpack.award.released``).
"""

from typing import Any

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


def release_unproven(apps: Any, schema_editor: Any) -> None:
    Phone = apps.get_model("backpack", "Phone")
    Award = apps.get_model("issuing", "Award")
    Item = apps.get_model("backpack", "Item")
    AuditEntry = apps.get_model("core", "AuditEntry")
    for phone in Phone.objects.all().iterator():
        awards = Award.objects.filter(
            recipient_kind="phone", recipient_phone=phone.number, claimed_by_id=phone.user_id
        )
        for award in awards.iterator():
            with_code = AuditEntry.objects.filter(
                action="backpack.award.claimed",
                target_type="issuing.award",
                target_id=str(award.uuid),
                actor_id=phone.user_id,
            ).exists()
            if with_code:
                continue
            Award.objects.filter(pk=award.pk).update(claimed_by=None, claimed_at=None)
            Item.objects.filter(owner_id=phone.user_id, award_id=award.pk).update(
                recipient="other", public=False
            )
            AuditEntry.objects.create(
                action="backpack.award.released",
                target_type="issuing.award",
                target_id=str(award.uuid),
                data={"reason": "collected through a phone number proven only by a claim code"},
            )


class Migration(migrations.Migration):

    dependencies = [
        ('backpack', '0004_item_once_per_owner_and_issuer'),
        ('issuing', '0007_status_list_revision'),
        ('core', '0004_outbox_pending_tasks_worker_heartbeats'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(release_unproven, migrations.RunPython.noop),
        migrations.CreateModel(
            name='AwardQuestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('answer', models.CharField(blank=True, choices=[('', 'Not answered yet'), ('yes', 'Yes, it is mine'), ('no', 'No, it is not me')], default='', max_length=3)),
                ('asked_at', models.DateTimeField(auto_now_add=True)),
                ('answered_at', models.DateTimeField(blank=True, null=True)),
                ('award', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='issuing.award')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='award_questions', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'question about a badge',
                'verbose_name_plural': 'questions about badges',
                'ordering': ['asked_at', 'id'],
            },
        ),
        migrations.DeleteModel(
            name='Phone',
        ),
        migrations.AddConstraint(
            model_name='awardquestion',
            constraint=models.UniqueConstraint(fields=('user', 'award'), name='backpack_question_once'),
        ),
    ]
