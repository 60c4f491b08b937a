"""Input shapes of matching and onboarding; saving goes through ``onboarding.services``."""

from decimal import Decimal

from django import forms

from accounts.models import ExpertProfile, Skill
from onboarding.models import Offer, Posting, Stakeholder, ToolAccess
from onboarding.selectors import posting_projects
from projects.models import Project
from softwaresupp.forms import DayField, IdsModelMultipleChoiceField

DATE = forms.DateInput(attrs={"type": "date"})


def _skills_field(label: str) -> IdsModelMultipleChoiceField:
    return IdsModelMultipleChoiceField(
        queryset=Skill.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        label=label,
        error_messages={"required": "Choose at least one."},
    )


class ExpertProfileForm(forms.Form):
    skills = _skills_field("Skills")
    availability = forms.ChoiceField(choices=ExpertProfile.Availability.choices)


class RulesForm(forms.Form):
    accept = forms.BooleanField(
        label="I accept the network's rules above.",
        error_messages={"required": "Tick the box to accept the rules."},
    )


class PostingForm(forms.ModelForm):
    skills = _skills_field("Technology")
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(),
        error_messages={"invalid_choice": "Choose one of the projects listed."},
    )
    starts_on = DayField(widget=DATE, label="Start date")
    budget_min = forms.DecimalField(
        required=False,
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        label="Budget from (USD)",
    )
    budget_max = forms.DecimalField(
        required=False,
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        label="Budget to (USD)",
    )
    preferred_regions = forms.MultipleChoiceField(
        choices=ExpertProfile.Region.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    hours_per_week = forms.IntegerField(min_value=1, max_value=80, label="Hours per week")

    class Meta:
        model = Posting
        fields = [
            "project",
            "title",
            "scope",
            "skills",
            "engagement_type",
            "hours_per_week",
            "starts_on",
            "budget_min",
            "budget_max",
            "preferred_regions",
        ]
        widgets = {"scope": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = posting_projects(user=user, organization=organization)

    def _post_clean(self):
        # The service validates the model with the organization set; nothing to do here.
        pass


class OfferForm(forms.ModelForm):
    hourly_rate = forms.DecimalField(
        min_value=Decimal("0.01"), max_digits=14, decimal_places=2, label="Hourly rate (USD)"
    )
    hours_per_week = forms.IntegerField(min_value=1, max_value=80, label="Availability (h/week)")
    starts_on = DayField(widget=DATE, label="Can start on")
    estimate_hours = forms.DecimalField(
        min_value=Decimal("0.25"), max_digits=9, decimal_places=2, label="Estimate (hours)"
    )

    class Meta:
        model = Offer
        fields = [
            "hourly_rate",
            "hours_per_week",
            "starts_on",
            "estimate_hours",
            "experience",
            "message",
        ]
        widgets = {
            "experience": forms.Textarea(attrs={"rows": 3}),
            "message": forms.Textarea(attrs={"rows": 3}),
        }

    def _post_clean(self):
        pass


class PostingCloseForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason (optional)",
        help_text="Shown to you and staff, not to the experts.",
    )


class ShortlistForm(forms.Form):
    shortlisted = forms.TypedChoiceField(
        choices=[("1", "on"), ("0", "off")], coerce=lambda value: value == "1"
    )


class SuggestForm(forms.Form):
    suggested = forms.TypedChoiceField(
        choices=[("1", "on"), ("0", "off")], coerce=lambda value: value == "1"
    )


class StakeholderForm(forms.ModelForm):
    class Meta:
        model = Stakeholder
        fields = ["name", "role", "email", "phone"]

    def _post_clean(self):
        pass


class ToolForm(forms.ModelForm):
    url = forms.URLField(required=False, assume_scheme="https", label="URL")

    class Meta:
        model = ToolAccess
        fields = ["name", "url", "method"]

    def _post_clean(self):
        pass


class BlankTextInput(forms.TextInput):
    """Never renders a value back: a secret typed into a refused form is not echoed."""

    def format_value(self, value):
        return None


class BlankTextarea(forms.Textarea):
    def format_value(self, value):
        return None


class SecretForm(forms.Form):
    """The secure form (R-SECRET): none of the secret's fields is rendered back, so a
    refused submission does not carry it into the page."""

    username = forms.CharField(
        max_length=200, required=False, widget=BlankTextInput(attrs={"autocomplete": "off"})
    )
    password = forms.CharField(
        max_length=2000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        label="Password or key",
    )
    notes = forms.CharField(
        max_length=2000,
        required=False,
        widget=BlankTextarea(attrs={"rows": 2}),
        help_text="Anything else needed to sign in (2FA, IP allow-list…). Stored encrypted.",
    )


class CredentialForm(SecretForm):
    label = forms.CharField(max_length=120, label="Tool", help_text="e.g. Shopify admin")
    url = forms.URLField(required=False, assume_scheme="https", label="URL")
    project = forms.ModelChoiceField(queryset=Project.objects.none())
    field_order = ["project", "label", "url", "username", "password", "notes"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(organization=organization)


class CredentialRequestForm(forms.Form):
    label = forms.CharField(max_length=120, label="Tool", help_text="Which login you need.")
    note = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
