"""Sprint forms: input shapes; saving goes through the services."""

from django import forms

from projects.forms.common import Crispy


class SprintGoalForm(Crispy, forms.Form):
    goal = forms.CharField(
        label="",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What this week should deliver, in a sentence or two.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()
