"""Password guessing is stopped on the portal and in the back office alike."""

import pytest
from conftest import PASSWORD
from django.test import Client

from aduan.accounts.models import LoginThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def few_failures(settings):
    settings.ADUAN = {**settings.ADUAN, "LOGIN_MAX_FAILURES": 3, "LOGIN_LOCK_MINUTES": 15}


def test_the_back_office_locks_a_name_after_repeated_wrong_passwords(cast):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(3):
        wrong = client.post("/kantor/", {"username": "admin_a", "password": "salah-salah"})
        assert wrong.status_code == 422 and "not right" in wrong.content.decode()
    locked = client.post("/kantor/", {"username": "admin_a", "password": PASSWORD})
    assert locked.status_code == 422 and "Too many wrong passwords" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # another account is not affected
    ok = client.post("/kantor/", {"username": "admin_b", "password": PASSWORD})
    assert ok.status_code == 302


def test_a_right_password_clears_the_count_and_unknown_names_are_counted_alike(cast):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/akun/masuk/", {"login": "citizen@contoh.id", "password": "salah"})
    assert LoginThrottle.objects.get(pk="citizen").failures == 1
    assert client.post("/akun/masuk/", {"login": "citizen@contoh.id",
                                        "password": PASSWORD}).status_code == 302
    assert not LoginThrottle.objects.filter(pk="citizen").exists()
    for _ in range(3):
        client.post("/akun/masuk/", {"login": "nobody@contoh.id", "password": "salah"})
    locked = client.post("/akun/masuk/", {"login": "nobody@contoh.id", "password": "salah"})
    assert "Too many wrong passwords" in locked.content.decode()
