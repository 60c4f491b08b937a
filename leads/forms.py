"""Input shapes for leads, planned work, plans, offers and referral sign-up; saving goes
through the services."""

import re
from decimal import Decimal, InvalidOperation

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import password_validation

from accounts.models import Skill, User
from leads.models import Lead
from softwaresupp.forms import IdsModelMultipleChoiceField, MomentField

# "Set up CI — 6", "Checkout page; 12.5 h", "Audit | 3": a title, then the hours.
PLANNED_LINE = re.compile(r"^(?P<title>.+?)\s*[;|—–:-]\s*(?P<hours>\d{1,4}(?:[.,]\d{1,2})?)\s*h?$")
MAX_LINES = 50
MAX_LINE_HOURS = Decimal("999")


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


def parse_planned_lines(text: str) -> list[tuple[str, Decimal]]:
    """One task per line, its hours at the end; every problem names its line."""
    lines, errors = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        raw = raw.strip()
        if not raw:
            continue
        match = PLANNED_LINE.match(raw)
        if not match:
            errors.append(f"Line {number}: write the task, then its hours (“Set up CI — 6”).")
            continue
        title = match["title"].strip()
        try:
            hours = Decimal(match["hours"].replace(",", "."))
        except InvalidOperation:
            hours = Decimal(0)
        if not 0 < hours <= MAX_LINE_HOURS:
            errors.append(f"Line {number}: hours between 0.25 and {MAX_LINE_HOURS}.")
        elif len(title) > 200:
            errors.append(f"Line {number}: a title of at most 200 characters.")
        else:
            lines.append((title, hours))
    if len(lines) > MAX_LINES:
        errors.append(f"At most {MAX_LINES} lines.")
    if errors:
        raise forms.ValidationError(errors)
    if not lines:
        raise forms.ValidationError("Give at least one line: the task, then its hours.")
    return lines


class LeadForm(_Form):
    company = forms.CharField(max_length=200)
    contact_name = forms.CharField(max_length=150)
    contact_email = forms.EmailField()
    need = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    technology = IdsModelMultipleChoiceField(
        queryset=Skill.objects.all(), required=False, widget=forms.SelectMultiple
    )
    handling = forms.ChoiceField(
        choices=Lead.Handling.choices, initial=Lead.Handling.SELF, widget=forms.RadioSelect
    )


class AdvanceForm(_Form):
    to = forms.ChoiceField(choices=Lead.Stage.choices, widget=forms.HiddenInput)
    meeting_at = MomentField(
        required=False,
        label="Meeting date",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )


class OutcomeForm(_Form):
    outcome = forms.ChoiceField(
        choices=[(Lead.Stage.WON, "Won"), (Lead.Stage.LOST, "Lost")], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why it was lost (required when lost).",
    )


class SummaryForm(_Form):
    project_name = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    tasks = forms.CharField(
        label="Planned tasks",
        max_length=10000,
        widget=forms.Textarea(
            attrs={"rows": 6, "placeholder": "Set up CI — 6\nCheckout page — 12"}
        ),
        help_text="One task per line, its estimate in hours at the end.",
    )
    message = forms.CharField(
        required=False,
        max_length=4000,
        label="Message to the customer",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_tasks(self):
        return parse_planned_lines(self.cleaned_data["tasks"])


class PlanLaunchForm(_Form):
    expert = forms.ModelChoiceField(queryset=User.objects.none(), empty_label=None)
    customer_rate = forms.DecimalField(
        label="Hourly rate (USD)", max_digits=10, decimal_places=2, min_value=Decimal("0.01")
    )
    weekly_hour_cap = forms.DecimalField(
        label="Weekly hour cap",
        required=False,
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("0.25"),
        help_text="Optional: at most this many hours a week.",
    )

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = User.objects.filter(
            pk__in=[profile.user_id for profile in experts]
        )
        self.fields["expert"].label_from_instance = lambda user: str(user.expert_profile)


class OfferRequestForm(_Form):
    title = forms.CharField(max_length=200)
    request = forms.CharField(
        label="What should the project deliver?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class OfferSendForm(_Form):
    lines = forms.CharField(
        label="Line items",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "Data model — 16\nAPI — 24"}),
        help_text="One item per line, its hours at the end.",
    )
    rate = forms.DecimalField(
        label="Hourly rate (USD)", max_digits=10, decimal_places=2, min_value=Decimal("0.01")
    )
    note = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_lines(self):
        return parse_planned_lines(self.cleaned_data["lines"])


class PartnerSignupForm(_Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField()
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Password (again)", widget=forms.PasswordInput, strip=False)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            probe = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
