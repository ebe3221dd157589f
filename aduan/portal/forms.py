"""Portal forms: they check the shape of input; the domain services check its meaning."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Category
from aduan.reports.models import Kind
from aduan.reports.selectors import ReportFilters
from aduan.reports.workflow import Status
from aduan.web.forms import MultipleFileField

# Where a domain error's field shows on the report form.
FIELD_OF = {"region_code": "region", "latitude": "latitude", "longitude": "longitude",
            "occurred_on": "occurred_on", "category": "category", "title": "title",
            "body": "body", "attachments": "attachments", "agency": None}


def category_choices():
    rows = Category.objects.filter(active=True).order_by("name").values_list("code", "name")
    return [("", _("— choose a category —")), *rows]


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you want to send?"), choices=Kind.choices,
                             widget=forms.RadioSelect, initial=Kind.COMPLAINT)
    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("One line that says what is wrong, e.g. \"Street light "
                                        "out on Jl. Raya Darmo\"."))
    body = forms.CharField(label=_("Your report"), max_length=10_000,
                           widget=forms.Textarea(attrs={"rows": 8}))
    category = forms.ChoiceField(label=_("Category"), required=False)
    address = forms.CharField(label=_("Address or landmark"), max_length=500, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), required=False, max_digits=9,
                                  decimal_places=6, min_value=-90, max_value=90)
    longitude = forms.DecimalField(label=_("Longitude"), required=False, max_digits=9,
                                   decimal_places=6, min_value=-180, max_value=180)
    occurred_on = forms.DateField(label=_("When did it happen?"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    attachments = MultipleFileField(label=_("Photos or documents"), required=False)
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    confidential = forms.BooleanField(label=_("Confidential"), required=False)
    reporter_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    reporter_email = forms.EmailField(label=_("E-mail"), required=False)
    reporter_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.fields["occurred_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        for name in ("reporter_email",):
            self.fields[name].widget.attrs["autocomplete"] = "email"
        self.fields["reporter_name"].widget.attrs["autocomplete"] = "name"
        self.fields["reporter_phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["latitude"].widget.attrs["step"] = "any"
        self.fields["longitude"].widget.attrs["step"] = "any"
        # Photos are made smaller on the phone before they are sent (app.js).
        self.fields["attachments"].widget.attrs.update(
            {"data-shrink": "attachments_note",
             "accept": "image/jpeg,image/png,image/webp,application/pdf"})


class TrackForm(forms.Form):
    tracking_id = forms.CharField(label=_("Tracking ID"), max_length=20,
                                  widget=forms.TextInput(attrs={"autocapitalize": "characters",
                                                                "autocomplete": "off"}))
    pin = forms.CharField(label=_("PIN"), max_length=20,
                          widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                        "autocomplete": "off"}))


class MessageForm(forms.Form):
    message = forms.CharField(label=_("Your message"), max_length=10_000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField(label=_("Photos or documents"), required=False)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the follow-up?"), coerce=int,
        choices=[(5, _("5 — very satisfied")), (4, _("4 — satisfied")), (3, _("3 — so-so")),
                 (2, _("2 — dissatisfied")), (1, _("1 — very dissatisfied"))],
        widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class RegisterForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("E-mail"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               help_text=_("At least 10 characters; not only digits."),
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class LoginForm(forms.Form):
    login = forms.CharField(label=_("E-mail or user name"), max_length=254,
                            widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete":
                                                                 "current-password"}))


PUBLIC_STATUSES = [Status.DISPATCHED, Status.IN_PROGRESS, Status.RESPONDED, Status.CLOSED]


class ListingForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    region = forms.CharField(label=_("Region code"), max_length=13, required=False)
    agency = forms.CharField(label=_("Agency code"), max_length=80, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")), *category_choices()[1:]]
        self.fields["status"].choices = [("", _("All statuses"))] + [
            (s.value, s.label) for s in PUBLIC_STATUSES]

    def filters(self, scope: str = "public") -> ReportFilters:
        data = self.cleaned_data
        return ReportFilters(scope=scope, q=data["q"], category=data["category"],
                             region=data["region"].strip(), agency=data["agency"].strip(),
                             status=data["status"])


class ErasureForm(forms.Form):
    """Erasing one's identity cannot be undone: a box to tick and a word to type."""

    understood = forms.BooleanField(label=_("I understand that this cannot be undone."))
    word = forms.CharField(label=_("Type HAPUS to confirm"), max_length=10)

    def clean_word(self):
        if self.cleaned_data["word"].strip().upper() != "HAPUS":
            raise forms.ValidationError(_("Type the word HAPUS to confirm the erasure."))
        return "HAPUS"
