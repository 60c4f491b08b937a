"""Forms of the queries area: input shape and layout; the rules live in the services."""

from datetime import timedelta

from crispy_forms.layout import Column, Layout, Row
from django import forms

from projects.forms.common import form_helper
from projects.models import QueryResponse, Task
from softwaresupp.forms import DayField, MomentField
from softwaresupp.submissions import SubmittedOnceForm


class DetailPageForm(forms.Form):
    """One of several forms on the query page: ids of its own, so every label finds its
    field (the field names, and what is posted, stay plain)."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class QueryAskForm(SubmittedOnceForm):
    title = forms.CharField(max_length=200, label="Your question, in a line")
    body = forms.CharField(
        label="Details",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you need, what you tried, links.",
    )
    files = MultipleFileField(
        required=False, label="Files", help_text="Optional: up to 5 files, 10 MB each."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class QueryResponseForm(DetailPageForm):
    """R-QUERY-ANSWER: what the customer reads, and when the work will be done."""

    id_prefix = "respond"

    kind = forms.ChoiceField(
        choices=QueryResponse.Kind.choices,
        initial=QueryResponse.Kind.ANSWER,
        widget=forms.RadioSelect,
        label="This response is",
    )
    body = forms.CharField(
        label="Response to the customer",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The real answer; or say honestly that you are checking, or that it needs "
        "research and may take a while.",
    )
    estimate_hours = forms.DecimalField(
        label="Hours to complete",
        required=False,
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25"}),
    )
    deliver_by = MomentField(
        label="or deliver by",
        required=False,
        widget=DateTimeLocalInput(),
        help_text="In your time zone.",
    )
    waiting_on_customer = forms.BooleanField(
        required=False, label="I need the customer's input to continue"
    )
    community_question = forms.CharField(
        label="Question for the community (internal)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For “Checking with the community”: staff and the project's experts see "
        "this, the customer never does.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            "kind",
            "body",
            Row(Column("estimate_hours", css_class="col-sm-5"), Column("deliver_by")),
            "waiting_on_customer",
            "community_question",
        )


class QueryReplyForm(DetailPageForm):
    id_prefix = "reply"

    body = forms.CharField(
        label="Your reply", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class QueryNoteForm(DetailPageForm):
    id_prefix = "note"

    body = forms.CharField(
        label="Message to the community",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    ask_community = forms.BooleanField(
        required=False,
        initial=True,
        label="Notify staff and the project's other experts",
    )


class QueryTaskForm(DetailPageForm):
    """R-QUERY-ACTION: the task, prefilled from the query and its latest estimate."""

    id_prefix = "task"

    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    estimate_hours = forms.DecimalField(
        label="Estimate (hours)",
        required=False,
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25"}),
    )
    due_on = DayField(
        label="Due on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    priority = forms.TypedChoiceField(
        choices=Task.Priority.choices, coerce=int, initial=Task.Priority.NORMAL
    )


class FiguresPeriodForm(forms.Form):
    start = DayField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = DayField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    MAX_DAYS = 366

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["start"].initial = today - timedelta(days=29)
        self.fields["end"].initial = today
        self.helper = form_helper()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                self.add_error("end", "The period ends before it starts.")
            elif (end - start).days >= self.MAX_DAYS:
                self.add_error("start", f"Choose a period of at most {self.MAX_DAYS} days.")
        return cleaned

    def period(self):
        """The chosen dates, or the last 30 days when nothing (valid) was chosen."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self.fields["start"].initial, self.fields["end"].initial
