"""Seal the channel addresses and payloads written before 0006, and fill the outbox's
recipient digests (a migration of its own: PostgreSQL refuses the next migration's
constraint in a transaction that has just updated the table)."""

from django.db import migrations


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

    dependencies = [("channels", "0006_sealed_addresses")]

    operations = [migrations.RunPython(seal_existing, migrations.RunPython.noop, elidable=True)]
