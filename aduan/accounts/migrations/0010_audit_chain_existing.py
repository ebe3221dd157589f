"""Chain the audit entries already there, oldest first."""

import dataclasses

from django.db import migrations


def seal_existing(apps, schema_editor):
    from aduan.accounts.chain import AUDIT, seal_stream

    stream = dataclasses.replace(AUDIT, model=apps.get_model("accounts", "AuditEntry"))
    seal_stream(stream, heads=apps.get_model("accounts", "ChainHead"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_audit_chain")]

    # Sealed rows cannot be unsealed (the triggers refuse it): going back keeps them.
    operations = [migrations.RunPython(seal_existing, migrations.RunPython.noop)]
