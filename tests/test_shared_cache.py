"""Per-process copies of reference data follow edits made by other processes (shared cache).

Two real processes share Redis (``ADUAN_CACHE_URL``, DB 6 here, or
``ADUAN_TEST_REDIS_URL``): the first keeps a copy for an hour, the second
changes the data and bumps its version, and the first must see the change
within ``versions.CHECK_SECONDS``. Skips when no Redis answers.
"""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from aduan.deadlines import policies
from aduan.deadlines.models import SlaPolicy, Timer
from aduan.lib import versions

REDIS_URL = os.environ.get("ADUAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")

READER = r"""
import sys, time
import django
django.setup()
from aduan.lib.versions import Memo
name, path = sys.argv[1], sys.argv[2]
memo = Memo(name)
read = lambda: open(path).read()
print(memo.get("k", 3600, read), flush=True)
sys.stdin.readline()  # the writer has changed the data and bumped the version
start = time.monotonic()
while memo.get("k", 3600, read) == "old" and time.monotonic() - start < 15:
    time.sleep(0.05)
print(memo.get("k", 3600, read), round(time.monotonic() - start, 2), flush=True)
"""

WRITER = r"""
import sys
import django
django.setup()
from aduan.lib.versions import bump
open(sys.argv[2], "w").write("new")
bump(sys.argv[1])
"""


def _redis_up() -> bool:
    host, port = "127.0.0.1", 6379
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _env(tmp_path: Path) -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "aduan.settings",
            "ADUAN_CACHE_URL": REDIS_URL, "ADUAN_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_an_edit_in_one_process_reaches_another_within_the_bound(tmp_path):
    name, data = f"test-{uuid.uuid4().hex}", tmp_path / "data.txt"
    data.write_text("old")
    env = _env(tmp_path)
    reader = subprocess.Popen([sys.executable, "-c", READER, name, str(data)], env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "old"
        subprocess.run([sys.executable, "-c", WRITER, name, str(data)], env=env, check=True)
        reader.stdin.write("go\n")
        reader.stdin.flush()
        value, seconds = reader.stdout.readline().split()
    finally:
        reader.kill()
        reader.wait()
    assert value == "new"
    assert float(seconds) <= versions.CHECK_SECONDS + 1.0


@pytest.mark.django_db
def test_a_policy_edit_bumps_the_version_and_this_process_reloads(django_capture_on_commit_callbacks):
    policies.forget_policies()
    before = versions.version("deadlines")
    policy = SlaPolicy.objects.filter(timer=Timer.VERIFICATION, kind="", severity="",
                                      category=None, agency=None).first()
    assert policies._policies(Timer.VERIFICATION)  # a copy is now kept
    with django_capture_on_commit_callbacks(execute=True):
        policy.days = 7
        policy.save()
    assert versions.version("deadlines") == before + 1
    assert any(p.days == 7 for p in policies._policies(Timer.VERIFICATION) if p.pk == policy.pk)


@pytest.mark.django_db
def test_a_region_loaded_after_the_copy_was_taken_is_never_refused():
    # Reloads write regions in bulk (no signals): the per-process copy is stale until its
    # TTL, but a region missing from it is asked of the database before it is refused.
    from aduan.agencies.models import Region
    from aduan.agencies.selectors import region_exists

    assert region_exists("35.78")
    assert not region_exists("99.99")
    Region.objects.bulk_create([Region(code="99.99", name="Kota Baru", level=2)])
    assert region_exists("99.99")
