"""Default SLA policies and escalation thresholds (DESIGN §4); admins edit them afterwards."""

from django.db import migrations

# timer, kind, severity, days, unit
POLICIES = [
    ("verification", "", "", 3, "workdays"),
    ("followup", "", "", 5, "workdays"),
    ("resolution", "", "", 5, "workdays"),
    ("resolution", "information_request", "", 5, "workdays"),
    ("resolution", "aspiration", "", 14, "workdays"),
    ("resolution", "", "dispute", 14, "workdays"),
    ("resolution", "", "field_check", 60, "workdays"),
    ("reply_window", "", "", 10, "days"),
    ("autoclose", "", "", 10, "workdays"),
    ("info", "", "", 10, "workdays"),
]
# level: working days past the deadline (1 agency leader, 2 national admin, 3 Ombudsman)
ESCALATION = {1: 0, 2: 5, 3: 10}


def create(apps, schema_editor):
    SlaPolicy = apps.get_model("deadlines", "SlaPolicy")
    EscalationStep = apps.get_model("deadlines", "EscalationStep")
    for timer, kind, severity, days, unit in POLICIES:
        SlaPolicy.objects.get_or_create(timer=timer, kind=kind, severity=severity,
                                        category=None, agency=None,
                                        defaults={"days": days, "unit": unit})
    for level, after in ESCALATION.items():
        EscalationStep.objects.get_or_create(level=level, defaults={"after_workdays": after})


def remove(apps, schema_editor):
    apps.get_model("deadlines", "SlaPolicy").objects.filter(
        category=None, agency=None).delete()
    apps.get_model("deadlines", "EscalationStep").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
