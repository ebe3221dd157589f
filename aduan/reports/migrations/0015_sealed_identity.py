"""Reporters' name, e-mail and phone sealed at rest (aduan.lib.vault)."""

import aduan.lib.sealed
import django.core.validators
from django.db import migrations


def seal_existing(apps, schema_editor):
    from aduan.lib.reseal import reseal

    report = apps.get_model("reports", "Report")
    for field in ("reporter_name", "reporter_email", "reporter_phone"):
        reseal(report, field)


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0014_event_chain_existing'),
    ]

    operations = [
        migrations.AlterField(
            model_name='report',
            name='reporter_email',
            field=aduan.lib.sealed.SealedTextField(blank=True, max_length=254, validators=[django.core.validators.EmailValidator()]),
        ),
        migrations.AlterField(
            model_name='report',
            name='reporter_name',
            field=aduan.lib.sealed.SealedTextField(blank=True, max_length=150),
        ),
        migrations.AlterField(
            model_name='report',
            name='reporter_phone',
            field=aduan.lib.sealed.SealedTextField(blank=True, max_length=32),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop, elidable=True),
    ]
