"""Channel addresses and raw provider payloads sealed at rest; the outbox's uniqueness
moves to a keyed digest of the recipient (a sealed value never equals another)."""

import aduan.lib.sealed
from django.db import migrations, models


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
    ]
