"""Input shapes of the surveys area; saving goes through ``surveys.services``."""

from django import forms

from surveys.services.answers import COMMENT_MAX

SCORE_CHOICES = [(n, str(n)) for n in range(11)]


class AnswerForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages={
            "required": "Choose a score from 0 to 10.",
            "invalid_choice": "Choose a score from 0 to 10.",
        },
    )
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX,
        label="Anything you would like to tell us? (optional)",
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )


class ReceiverForm(forms.Form):
    receives = forms.TypedChoiceField(
        choices=[("1", "receives"), ("0", "does not receive")],
        coerce=lambda value: value == "1",
    )


def score_param(value) -> int | None:
    """The score a link preselects (``?score=N``), or None when it is not one of 0-10."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and int(text) <= 10 else None
