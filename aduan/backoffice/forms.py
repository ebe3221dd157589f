"""Back-office forms: one per action; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, Role
from aduan.agencies.selectors import agency_search
from aduan.reports.workflow import ArchiveReason, Severity
from aduan.web.forms import MultipleFileField


class StaffLoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username",
                                                             "autocapitalize": "none"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete":
                                                                 "current-password"}))


class AgencyForm(forms.Form):
    """An agency by code or by name; an ambiguous name offers the candidates to choose from."""

    agency = forms.CharField(label=_("Agency"), max_length=200,
                             help_text=_("Type part of the name or the code, e.g. \"Dinas "
                                         "Pekerjaan Umum Kota Surabaya\"."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates: list[dict] = []
        self.fields["agency"].widget.attrs.update(autocomplete="off", list="agency-options")

    def clean_agency(self):
        text = self.cleaned_data["agency"].strip()
        if Agency.objects.filter(pk=text).exists():
            return text
        found = agency_search(text)
        if len(found) == 1:
            return found[0]["code"]
        self.candidates = found
        if not found:
            raise forms.ValidationError(_("No agency matches %(text)s.") % {"text": text})
        raise forms.ValidationError(_("Several agencies match: choose one below."))


class ForwardForm(AgencyForm):
    reason = forms.CharField(label=_("Why is it not your authority, and why is this body "
                                     "the right one?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class AcceptForm(forms.Form):
    severity = forms.ChoiceField(
        label=_("How much work does it need?"), required=False,
        help_text=_("Sets the resolution deadline (5, 14 or 60 working days by default)."),
        choices=[("", _("— keep as it is —")), *Severity.choices])


class MessageOnlyForm(forms.Form):
    message = forms.CharField(label=_("Message to the reporter"), max_length=10_000,
                              widget=forms.Textarea(attrs={"rows": 4}))


class FollowUpForm(forms.Form):
    message = forms.CharField(label=_("Follow-up (published to the reporter, and to the "
                                      "public for a public report)"), max_length=10_000,
                              widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField(label=_("Photos or documents"), required=False)
    # On a phone this opens the back camera at once (a field visit); elsewhere a file picker.
    camera = forms.ImageField(label=_("Take a photo with the camera"), required=False,
                              widget=forms.ClearableFileInput(
                                  attrs={"accept": "image/*", "capture": "environment"}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class UnitForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("— choose a unit —")), *units]


class ArchiveForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", _("— choose —")),
                                                           *ArchiveReason.choices])
    duplicate_of = forms.CharField(label=_("Original report (for a duplicate)"),
                                   max_length=20, required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class RestrictForm(forms.Form):
    anonymous = forms.BooleanField(label=_("Make anonymous"), required=False)
    confidential = forms.BooleanField(label=_("Make confidential"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("anonymous") and not data.get("confidential"):
            raise forms.ValidationError(_("Tick at least one box."))
        return data


class MemberForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150,
                               help_text=_("An existing account, or a new one to create."))
    email = forms.EmailField(label=_("E-mail (for a new account)"), required=False)
    password = forms.CharField(label=_("Password (for a new account)"), required=False,
                               strip=False, widget=forms.PasswordInput(
                                   attrs={"autocomplete": "new-password"}))
    agency = forms.ChoiceField(label=_("Agency or unit"))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, agencies=(), roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = list(agencies)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Name"), max_length=150,
                           help_text=_("As in the decree, e.g. \"Cuti bersama Idul Fitri\"."))
    region = forms.CharField(label=_("Region code"), max_length=13, required=False,
                             help_text=_("Empty for the whole country; a Kemendagri code such "
                                         "as 51 or 35.78 for that region and everything in it."))


class WorkdaysForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label=_("Working days"), min_value=-366, max_value=366)
    region = forms.CharField(label=_("Region code"), max_length=13, required=False)


class SimulatorForm(forms.Form):
    channel = forms.ChoiceField(label=_("Door"), choices=[
        ("sms", _("SMS")), ("whatsapp", _("WhatsApp")), ("telegram", _("Telegram")),
        ("twitter", _("X/Twitter"))])
    text = forms.CharField(label=_("Message, as a citizen would type it"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    public = forms.BooleanField(label=_("On X: a public tweet mentioning the account "
                                        "(otherwise a direct message)"), required=False)


class SecondFactorForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40,
                           help_text=_("The 6 digits your authenticator app shows, or one of "
                                       "your recovery codes."),
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                         "autocapitalize": "none",
                                                         "inputmode": "text"}))


class TotpEnrolForm(forms.Form):
    code = forms.CharField(label=_("Code from the app"), max_length=12,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                         "inputmode": "numeric"}))
    name = forms.CharField(label=_("Name of this device"), max_length=64, required=False,
                           help_text=_("E.g. \"HP kantor\"; helps you tell devices apart."))


class TokenForm(forms.Form):
    name = forms.CharField(label=_("What the token is for"), max_length=100, required=False)
class ApiClientForm(forms.Form):
    name = forms.CharField(label=_("Partner system's name"), max_length=100)
    agency = forms.CharField(label=_("Agency code it acts for"), max_length=80)
    scopes = forms.MultipleChoiceField(label=_("Scopes"), widget=forms.CheckboxSelectMultiple,
                                       choices=[])
    rate_limit_per_minute = forms.IntegerField(label=_("Requests per minute"), initial=600,
                                               min_value=1, max_value=100_000)

    def __init__(self, *args, **kwargs):
        from aduan.partners.models import Scope

        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = Scope.choices


class WebhookForm(forms.Form):
    url = forms.CharField(label=_("Endpoint URL (https)"), max_length=500)
    events = forms.MultipleChoiceField(label=_("Events"), widget=forms.CheckboxSelectMultiple,
                                       choices=[])

    def __init__(self, *args, **kwargs):
        from aduan.partners.models import EventType

        super().__init__(*args, **kwargs)
        self.fields["events"].choices = EventType.choices
