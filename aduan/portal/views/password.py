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
from django.db.models import Exists, OuterRef
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from aduan.accounts.ratelimit import client_key, rate_hit
from aduan.agencies.models import Membership
from aduan.channels.messages import Recipient, compose, send

_RESET = (_("Reset your Aduan password"),
          _("Someone asked to reset the password of the Aduan account for %(email)s. If it was "
            "you, open this link within three days to choose a new password:\n%(link)s\nIf it "
            "was not you, ignore this message; your password stays as it is."))


class OutboxPasswordResetForm(PasswordResetForm):
    def get_users(self, email):
        # Staff reset their passwords through their agency admin, never by a public form:
        # a leaked staff mailbox must not open the back office.
        staff = Membership.objects.filter(user=OuterRef("pk"))
        return (user for user in super().get_users(email)
                if not type(user).objects.filter(pk=user.pk).filter(Exists(staff)).exists())

    def save(self, *args, request=None, **kwargs):
        """Send the link unless this client or this address asked too often; the page
        that follows is the same either way (it never tells whether a mail left)."""
        email = self.cleaned_data["email"].strip().lower()
        within = [rate_hit("reset_client", client_key(request) if request else ""),
                  rate_hit("reset_identity", email)]
        if all(within):
            super().save(*args, request=request, **kwargs)
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
