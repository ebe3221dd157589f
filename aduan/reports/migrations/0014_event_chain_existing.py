"""Chain the report events already there, in id order."""

import dataclasses

from django.db import migrations


def seal_existing(apps, schema_editor):
    from aduan.accounts.chain import seal_stream
    from aduan.reports.chain import EVENTS

    stream = dataclasses.replace(EVENTS, model=apps.get_model("reports", "ReportEvent"))
    seal_stream(stream, heads=apps.get_model("accounts", "ChainHead"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0013_event_chain"), ("accounts", "0010_audit_chain_existing")]

    # Sealed rows cannot be unsealed (the triggers refuse it): going back keeps them.
    operations = [migrations.RunPython(seal_existing, migrations.RunPython.noop)]
