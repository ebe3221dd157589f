"""A reporter who forgot the password gets a reset link by e-mail, through the outbox."""

import re

import pytest
from django.test import Client

from aduan.channels.models import OutboundMessage

pytestmark = pytest.mark.django_db


def test_reset_by_email_link_then_log_in_with_the_new_password(cast):
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    sent = client.post("/akun/lupa-sandi/", {"email": "citizen@contoh.id"})
    assert sent.status_code == 302 and sent["Location"] == "/akun/lupa-sandi/terkirim/"
    message = OutboundMessage.objects.get(purpose="password_reset")
    assert message.recipient == "citizen@contoh.id"
    link = re.search(r"/akun/sandi/[^/\s]+/[^/\s]+/", message.body).group(0)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and "new_password1" in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
                       {"new_password1": "Sandi-Baru-2026!", "new_password2": "Sandi-Baru-2026!"})
    assert done.status_code == 302
    assert Client().post("/akun/masuk/", {"login": "citizen@contoh.id",
                                          "password": "Sandi-Baru-2026!"}).status_code == 302
    # the link works once
    assert "tidak berlaku" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_looks_the_same_and_sends_nothing():
    response = Client().post("/akun/lupa-sandi/", {"email": "tidak-ada@contoh.id"})
    assert response.status_code == 302 and response["Location"] == "/akun/lupa-sandi/terkirim/"
    assert not OutboundMessage.objects.filter(purpose="password_reset").exists()
