from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import password_validation

from accounts.models import Membership, User
from softwaresupp.timezones import TimeZoneField


class CustomerSignupForm(forms.Form):
    """Extra fields of allauth's sign-up: a customer signs up with their company."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    company = forms.CharField(max_length=200, label="Company name")
    time_zone = TimeZoneField(detect=True)

    field_order = [
        "first_name",
        "last_name",
        "company",
        "time_zone",
        "email",
        "password1",
        "password2",
    ]

    def signup(self, request, user):
        from accounts.services import organization_create

        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.time_zone = self.cleaned_data["time_zone"]
        user.save(update_fields=["first_name", "last_name", "time_zone"])
        organization_create(
            actor=user, name=self.cleaned_data["company"], time_zone=self.cleaned_data["time_zone"]
        )


class InvitationForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.MEMBER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Password (again)", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            probe = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField()

    class Meta:
        model = User
        fields = ["first_name", "last_name", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].keep(self.instance.time_zone)
        self.helper = FormHelper()
        self.helper.form_tag = False
