"""Release forms: input shapes; saving goes through the services."""

from django import forms

from projects.forms.common import Crispy
from projects.models import Release, Task
from softwaresupp.forms import IdsModelMultipleChoiceField


class ReleaseForm(Crispy, forms.Form):
    title = forms.CharField(max_length=200, help_text="e.g. “Orders export, v1.4”.")
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What changed and how to test it on staging.",
    )
    tasks = IdsModelMultipleChoiceField(
        queryset=Task.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, tasks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = tasks if tasks is not None else Task.objects.none()
        self.fields["tasks"].label_from_instance = lambda t: f"{t.title} ({t.get_status_display()})"
        self._helper()


class ReleaseAdvanceForm(Crispy, forms.Form):
    to_stage = forms.ChoiceField(choices=Release.Stage.choices, widget=forms.HiddenInput)
    test_notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Test notes",
        help_text="What was tested on staging, and the result.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()
