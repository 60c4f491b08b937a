"""Projects and their teams: input shapes; saving goes through the services."""

from decimal import Decimal

from django import forms

from accounts.models import Skill, User
from projects.forms.common import Crispy
from projects.models import Assignment, Project
from softwaresupp.forms import DayField, IdsModelMultipleChoiceField
from softwaresupp.timezones import TimeZoneField


class ProjectForm(Crispy, forms.ModelForm):
    time_zone = TimeZoneField()
    skills = IdsModelMultipleChoiceField(
        queryset=Skill.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Technology",
    )
    staging_url = forms.URLField(required=False, assume_scheme="https", label="Staging URL")
    production_url = forms.URLField(required=False, assume_scheme="https", label="Production URL")
    budget = forms.DecimalField(
        required=False,
        min_value=Decimal("1"),
        max_digits=12,
        decimal_places=2,
        label="Budget (US$)",
        help_text="Optional: what you mean to spend in all; Billing shows the cost against it.",
    )

    class Meta:
        model = Project
        fields = [
            "organization",
            "name",
            "description",
            "skills",
            "engagement_type",
            "status",
            "time_zone",
            "communication_channel",
            "communication_handle",
            "staging_url",
            "production_url",
            "budget",
        ]
        labels = {
            "communication_channel": "Preferred channel",
            "communication_handle": "Handle or address",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organization"]
            self.fields["time_zone"].keep(self.instance.time_zone)
        else:
            self.fields["organization"].queryset = organizations
            # A new project works in its organization's time zone unless another is picked.
            zones = sorted({o.time_zone for o in organizations})
            label = "The organization's time zone" + (f" ({zones[0]})" if len(zones) == 1 else "")
            field = self.fields["time_zone"]
            field.required = False
            field.initial = ""
            field.choices = [("", label), *field.choices]
            if len(organizations) == 1:
                self.fields["organization"].initial = organizations[0].pk
        self._helper()

    def _post_clean(self):
        # The service validates and saves; the model form only shapes the input.
        pass


class AssignmentForm(Crispy, forms.Form):
    expert = forms.ModelChoiceField(
        queryset=User.objects.filter(expert_profile__isnull=False, is_active=True).order_by(
            "first_name", "last_name"
        )
    )
    role = forms.ChoiceField(choices=Assignment.Role.choices, initial=Assignment.Role.MEMBER)
    starts_on = DayField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Today if empty."
    )
    ends_on = DayField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Open-ended if empty.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].label_from_instance = lambda u: f"{u} · {u.email}"
        self._helper()


class AssignmentEndForm(forms.Form):
    ends_on = DayField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
