"""Training mode: a sandbox in which agency admins practise on synthetic reports.

It is on when the setting ``ADUAN_TRAINING_MODE`` says so, or when the database
was prepared with ``aduan demo --training`` (a marker row), so a training site
stays one even if somebody forgets the variable. In training mode the outbox
never sends anything to anyone.
"""

from django.conf import settings

from aduan.agencies.models import ReferenceDataset

MARKER = "training"


def training_mode() -> bool:
    if settings.ADUAN["TRAINING_MODE"]:
        return True
    return ReferenceDataset.objects.filter(name=MARKER).exists()


def training_mark() -> None:
    ReferenceDataset.objects.update_or_create(name=MARKER, defaults={"fingerprint": MARKER,
                                                                     "rows": 0})
