"""Forgotten passwords: a reset link by e-mail, through the outbox like every message.

Django's reset views and signed, expiring tokens do the work; the form only
changes how the e-mail leaves: queued in the outbox (retried if the mail server
is down) instead of sent inside the request. The page never says whether an
address has an account.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from aduan.channels.messages import Recipient, compose, send

_RESET = (_("Reset your Aduan password"),
          _("Someone asked to reset the password of the Aduan account for %(email)s. If it was "
            "you, open this link within three days to choose a new password:\n%(link)s\nIf it "
            "was not you, ignore this message; your password stays as it is."))


class OutboxPasswordResetForm(PasswordResetForm):
    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        link = (f"{settings.SITE_URL}/akun/sandi/{context['uid']}/{context['token']}/")
        with transaction.atomic():
            send([compose([Recipient(None, to_email)], _RESET,
                          {"email": to_email, "link": link}, purpose="password_reset")])


class ResetRequest(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm
    template_name = "portal/password_reset.html"
    success_url = reverse_lazy("portal:password_reset_sent")


class ResetSent(auth_views.PasswordResetDoneView):
    template_name = "portal/password_reset_sent.html"


class ResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_done")


class ResetDone(auth_views.PasswordResetCompleteView):
    template_name = "portal/password_reset_done.html"
