"""The outbox's one-message-per-event-and-recipient rule, by the recipient's digest."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("channels", "0007_sealed_addresses_existing")]

    operations = [
        migrations.AddConstraint(
            model_name='outboundmessage',
            constraint=models.UniqueConstraint(condition=models.Q(('event__isnull', False)), fields=('event', 'channel', 'recipient_digest'), name='outbound_once_per_event'),
        ),
    ]
