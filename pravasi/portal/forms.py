"""Forms of the public website. They check shape; the domain services check meaning.

The registry forms pass raw text to the registry services, which answer with one specific
message per field. Their fields are therefore never rejected here for being empty (the services
say "Enter a name." rather than a generic "This field is required."), but they still show the
required mark.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from pravasi.core import geography
from pravasi.core.forms import StyledForm
from pravasi.registry.models import EmergencyContact, MessagingApp, Sex, Vulnerability
from pravasi.registry.validation import LANGUAGE_CODES, education_codes


class SignInForm(StyledForm):
    username = forms.CharField(label=_("Mobile number, e-mail or username"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Password"), max_length=200, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class OtpTokenForm(StyledForm):
    otp_token = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class SignUpForm(StyledForm):
    display_name = forms.CharField(label=_("Your name"), max_length=150)
    contact = forms.CharField(
        label=_("Mobile number or e-mail"),
        max_length=120,
        help_text=_("We send a one-time code to confirm it. Mobile numbers: include the country code, e.g. +971 50 123 4567."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(label=_("Choose a password"), max_length=200, help_text=_("At least 10 characters."), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class ConfirmCodeForm(StyledForm):
    code = forms.CharField(label=_("Code"), max_length=10, widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}))


# --- registry forms --------------------------------------------------------------------------------

NOT_LEFT_INDIA = "NOT_LEFT"
# Far longer than any real answer; the services apply the real limits with their own messages.
RAW_MAX = 2000


class RawText(forms.CharField):
    """Text handed to a registry service as typed; emptiness is judged there, with its own message."""

    def __init__(self, *, required: bool = False, **kwargs):
        kwargs.setdefault("max_length", RAW_MAX)
        super().__init__(required=required, **kwargs)

    def validate(self, value):
        pass


class RawChoice(forms.ChoiceField):
    """A list to choose from; an unknown or missing value is judged by the service."""

    def __init__(self, *, required: bool = False, **kwargs):
        super().__init__(required=required, **kwargs)

    def validate(self, value):
        pass


def date_input(**attrs):
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", **attrs})


def country_choices(*, first: tuple[str, str]) -> list[tuple[str, str]]:
    # Names follow the active language; India is left out: the registry is for people abroad.
    return [first, *geography.country_choices(exclude=("IN",))]


def state_choices() -> list[tuple[str, str]]:
    return [("", _("Choose your state or union territory")), *geography.state_choices()]


def sex_choices() -> list[tuple[str, str]]:
    return [("", _("Choose")), *Sex.choices]


class RegistryForm(StyledForm):
    """Sends the raw values to a service; `data_for_service` is what the service receives."""

    def data_for_service(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value is not None}


class AboutRegisterForm(RegistryForm):
    given_name = RawText(label=_("Given name"), required=True, widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    family_name = RawText(label=_("Family name"), help_text=_("Leave empty if you have only one name."), widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    sex = RawChoice(label=_("Sex"), required=True, choices=sex_choices)
    date_of_birth = RawText(label=_("Date of birth"), required=True, help_text=_("As in your passport."), widget=date_input(autocomplete="bday"))
    state_of_origin = RawChoice(label=_("State of origin in India"), required=True, choices=state_choices)
    residence_country = RawChoice(
        label=_("Country where you live now"),
        required=True,
        choices=lambda: country_choices(first=(NOT_LEFT_INDIA, _("I have not left India yet"))),
        help_text=_("Choose 'I have not left India yet' if you are preparing to go abroad."),
    )
    residence_region = RawText(label=_("City or region"), help_text=_("For example Dubai, Riyadh, Kuwait City."), widget=forms.TextInput(attrs={"autocomplete": "address-level2"}))

    def data_for_service(self) -> dict:
        data = super().data_for_service()
        if data.get("residence_country") == NOT_LEFT_INDIA:
            data["residence_country"] = ""
            data["residence_region"] = ""
        return data


class AboutForm(RegistryForm):
    """The whole 'about you' section, as edited from the profile."""

    given_name = AboutRegisterForm.base_fields["given_name"]
    family_name = AboutRegisterForm.base_fields["family_name"]
    sex = AboutRegisterForm.base_fields["sex"]
    date_of_birth = AboutRegisterForm.base_fields["date_of_birth"]
    state_of_origin = RawChoice(label=_("State of origin in India"), required=True, choices=state_choices)
    district_of_origin = RawText(label=_("District of origin"))
    education = RawChoice(label=_("Highest education"), help_text=_("It decides whether your passport needs emigration check (ECR)."))
    occupation_isco = RawText(
        label=_("Occupation code (ISCO-08)"),
        help_text=_("Four digits, e.g. 9111 for domestic workers, 7112 for masons, 3221 for nurses. Leave empty if you do not know it."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    skills = RawText(label=_("Skills"), widget=forms.Textarea(attrs={"rows": 2}))
    preferred_language = RawChoice(label=_("Language for messages to you"))

    LANGUAGE_NAMES = {
        "en": "English",
        "hi": "हिन्दी",
        "ml": "മലയാളം",
        "ta": "தமிழ்",
        "te": "తెలుగు",
        "kn": "ಕನ್ನಡ",
        "bn": "বাংলা",
        "gu": "ગુજરાતી",
        "mr": "मराठी",
        "pa": "ਪੰਜਾਬੀ",
        "or": "ଓଡ଼ିଆ",
        "ur": "اردو",
        "ar": "العربية",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["education"].choices = [("", _("Choose")), *[(code, item["label"]) for code, item in education_codes().items()]]
        self.fields["preferred_language"].choices = [(code, self.LANGUAGE_NAMES.get(code, code)) for code in sorted(LANGUAGE_CODES, key=lambda c: (c != "en", c))]


class PassportForm(RegistryForm):
    ECR_UNKNOWN = ""
    passport_number = RawText(
        label=_("Passport number"),
        required=True,
        help_text=_("One letter and seven digits, as printed at the top right of the photo page."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    issue_date = RawText(label=_("Date of issue"), required=True, widget=date_input())
    expiry_date = RawText(label=_("Date of expiry"), required=True, widget=date_input())
    place_of_issue = RawText(label=_("Place of issue"))
    is_ecr = forms.ChoiceField(
        label=_("Does your passport say 'Emigration Check Required' (ECR)?"),
        required=False,
        choices=[("", _("I do not know (we work it out from your education)")), ("yes", _("Yes, ECR")), ("no", _("No, ECNR"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    mrz_line1 = RawText(label=_("Machine-readable zone, first line"), widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "characters", "class": "font-monospace"}))
    mrz_line2 = RawText(
        label=_("Machine-readable zone, second line"),
        help_text=_("Optional: the two lines of letters, digits and < at the bottom of the photo page (44 characters each). We check them against the details above."),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "characters", "class": "font-monospace"}),
    )

    def data_for_service(self) -> dict:
        data = super().data_for_service()
        answer = data.pop("is_ecr", "")
        if answer in ("yes", "no"):
            data["is_ecr"] = answer == "yes"
        return data


class ResidenceForm(RegistryForm):
    residence_country = RawChoice(label=_("Country where you live"), required=True, choices=lambda: country_choices(first=("", _("Choose a country"))))
    residence_region = RawText(label=_("City or region"), widget=forms.TextInput(attrs={"autocomplete": "address-level2"}))
    residence_address = RawText(
        label=_("Address"), help_text=_("Building, street, area: what would help the Mission find you in an emergency."), widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"})
    )
    residence_since_date = RawText(label=_("Living there since"), widget=date_input())
    residence_until_date = RawText(label=_("Expected to stay until"), help_text=_("Leave empty if you do not know."), widget=date_input())
    latitude = RawText(label=_("Latitude (optional)"), widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    longitude = RawText(label=_("Longitude (optional)"), help_text=_("Coordinates help rescuers find you. Give both, or neither."), widget=forms.TextInput(attrs={"inputmode": "decimal"}))


class ContactsForm(RegistryForm):
    mobile = RawText(label=_("Mobile number"), help_text=_("With the country code, e.g. +971 50 123 4567."), widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}))
    email = RawText(label=_("E-mail"), widget=forms.TextInput(attrs={"autocomplete": "email", "inputmode": "email", "type": "email"}))
    messaging_app = RawChoice(label=_("Messaging app"), choices=MessagingApp.choices)
    messaging_handle = RawText(label=_("Number or name on that app"), help_text=_("Leave empty if it is the mobile number above."))


class WorkForm(RegistryForm):
    employer_name = RawText(label=_("Employer"), widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    visa_expiry_date = RawText(label=_("Visa or residence permit expires on"), widget=date_input())


class NeedsForm(RegistryForm):
    """Needs the person tells us about; age-based ones follow the date of birth and are not asked."""

    ASKED = (Vulnerability.PREGNANCY, Vulnerability.DISABILITY, Vulnerability.CHRONIC_ILLNESS, Vulnerability.LANGUAGE)
    vuln_pregnancy = forms.BooleanField(label=_("I am pregnant"), required=False)
    vuln_disability = forms.BooleanField(label=_("I have a disability"), required=False)
    vuln_chronic_illness = forms.BooleanField(label=_("I have a long-term illness that needs regular medicine or care"), required=False)
    vuln_language = forms.BooleanField(label=_("I need help in my own language"), required=False)
    needs_note = RawText(
        label=_("Anything else we should know to help you in an emergency"),
        help_text=_("For example: medicines you need, mobility, language you speak. Only officials helping you can read it."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EmergencyContactForm(RegistryForm):
    name = RawText(label=_("Name"), required=True, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    relation = RawText(label=_("Relation to you"), required=True, help_text=_("For example mother, brother, friend."))
    where = RawChoice(label=_("Where do they live?"), required=True, choices=[("", _("Choose")), *EmergencyContact.Where.choices])
    country = RawChoice(label=_("Country, if abroad"), choices=lambda: country_choices(first=("", _("Choose a country"))))
    phone = RawText(
        label=_("Phone number"), required=True, help_text=_("With the country code, e.g. +91 98470 12345."), widget=forms.TextInput(attrs={"inputmode": "tel", "type": "tel", "autocomplete": "off"})
    )
    email = RawText(label=_("E-mail (optional)"), widget=forms.TextInput(attrs={"inputmode": "email", "type": "email", "autocomplete": "off"}))


class FamilyMemberForm(RegistryForm):
    name = RawText(label=_("Name"), required=True, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    relation = RawText(label=_("Relation to you"), required=True, help_text=_("For example wife, son, mother."))
    sex = RawChoice(label=_("Sex"), required=True, choices=sex_choices)
    date_of_birth = RawText(label=_("Date of birth"), widget=date_input(autocomplete="off"))
    is_indian_citizen = forms.BooleanField(label=_("Indian citizen"), required=False, initial=True)


class ConsentChoiceForm(StyledForm):
    """The registration consents: one box per purpose, none ticked in advance."""

    crisis_contact = forms.BooleanField(
        label=_("Contact me in a crisis"),
        required=False,
        help_text=_(
            "If war, unrest or a disaster strikes where you live, the Indian Mission may send you alerts and safety check-ins, and "
            "contact you and your emergency contacts to organise help or evacuation."
        ),
    )
    service_notifications = forms.BooleanField(
        label=_("Send me service notifications"), required=False, help_text=_("Reminders such as an expiring passport or visa, and news about services for Indians abroad.")
    )
    statistics = forms.BooleanField(label=_("Use my data in anonymous statistics"), required=False, help_text=_("Counts that help plan services; no one can be identified in them."))

    PURPOSES = {"crisis_contact": "CRISIS_CONTACT", "service_notifications": "SERVICE_NOTIFICATIONS", "statistics": "STATISTICS"}

    def purposes(self) -> list[str]:
        return [purpose for field, purpose in self.PURPOSES.items() if self.cleaned_data.get(field)]


class ConsentChangeForm(forms.Form):
    purpose = forms.CharField(max_length=40)
    given = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")
    partner = forms.UUIDField(required=False)


class ReturnedForm(StyledForm):
    returned_date = forms.DateField(
        label=_("Date you returned"),
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text=_("Leave empty for today."),
        error_messages={"invalid": _("Enter a real date as YYYY-MM-DD, for example 1990-05-04.")},
        widget=date_input(),
    )


class CloseAccountForm(StyledForm):
    confirm = forms.BooleanField(
        label=_("I understand that my registration will be erased and cannot be brought back."),
        required=True,
        error_messages={"required": _("Tick the box to confirm that you want to close your account.")},
    )
