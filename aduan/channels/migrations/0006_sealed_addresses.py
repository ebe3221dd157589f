"""Channel addresses and raw provider payloads sealed at rest; the outbox's uniqueness
moves to a keyed digest of the recipient (a sealed value never equals another)."""

import aduan.lib.sealed
from django.db import migrations, models


def seal_existing(apps, schema_editor):
    from django.db.models import TextField
    from django.db.models.functions import Cast

    from aduan.lib import vault
    from aduan.lib.reseal import reseal

    message = apps.get_model("channels", "OutboundMessage")
    digest_field = message._meta.get_field("recipient_digest")
    rows = message.objects.annotate(_raw=Cast("recipient", TextField())).order_by("pk")
    last = 0
    while page := list(rows.filter(pk__gt=last).values_list("pk", "_raw")[:1000]):
        label = "channels.OutboundMessage.recipient"
        message.objects.bulk_update(
            [message(pk=pk, recipient_digest=digest_field.digest_of(vault.open_sealed(raw, label)))
             for pk, raw in page], ["recipient_digest"])
        last = page[-1][0]
    for model, field in (("Contact", "address"), ("InboundMessage", "sender"),
                         ("InboundMessage", "payload"), ("OutboundMessage", "recipient")):
        reseal(apps.get_model("channels", model), field)


class Migration(migrations.Migration):

    dependencies = [
        ('channels', '0005_channels_listener_rate_limited_kept'),
        ('reports', '0015_sealed_identity'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='outboundmessage',
            name='outbound_once_per_event',
        ),
        migrations.AddField(
            model_name='outboundmessage',
            name='recipient_digest',
            field=aduan.lib.sealed.DigestField(purpose='recipient', source='recipient'),
        ),
        migrations.AlterField(
            model_name='contact',
            name='address',
            field=aduan.lib.sealed.SealedTextField(max_length=254),
        ),
        migrations.AlterField(
            model_name='inboundmessage',
            name='payload',
            field=aduan.lib.sealed.SealedJSONField(default=dict),
        ),
        migrations.AlterField(
            model_name='inboundmessage',
            name='sender',
            field=aduan.lib.sealed.SealedTextField(max_length=254),
        ),
        migrations.AlterField(
            model_name='outboundmessage',
            name='recipient',
            field=aduan.lib.sealed.SealedTextField(max_length=254),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name='outboundmessage',
            constraint=models.UniqueConstraint(condition=models.Q(('event__isnull', False)), fields=('event', 'channel', 'recipient_digest'), name='outbound_once_per_event'),
        ),
    ]
