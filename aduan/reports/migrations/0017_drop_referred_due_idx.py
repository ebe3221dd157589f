"""Drop the supervisor queue's index: its condition names escalation_level, which made every
escalation by the deadline sweep a non-heap-only update that touched every index of the
reports table (ADR 0005)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0016_report_list_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='report',
            name='report_referred_due_idx',
        ),
    ]
