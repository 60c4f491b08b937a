"""Rate forms: model forms, so the model's ``clean`` (region minimum, expert's rate) puts
the refusal beside the field on every page that uses them."""

from django import forms

from payments.models import AssignmentRate, ExpertRate


class ExpertRateForm(forms.ModelForm):
    class Meta:
        model = ExpertRate
        fields = ["expert", "hourly_rate", "effective_from"]


class AssignmentRateForm(forms.ModelForm):
    class Meta:
        model = AssignmentRate
        fields = ["assignment", "customer_rate", "effective_from"]
