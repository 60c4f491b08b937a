"""Board and task forms: input shapes; saving goes through the services."""

from django import forms

from accounts.models import User
from projects.forms.common import Crispy
from projects.forms.queries import MultipleFileField
from projects.models import Task
from projects.services.tasks import BACKLOG, CURRENT, CUSTOMER_KINDS, NEXT
from softwaresupp.forms import DayField
from softwaresupp.submissions import SubmittedOnceForm

WHERE_CHOICES = [
    (CURRENT, "This week"),
    (NEXT, "Next week"),
    (BACKLOG, "Backlog (not planned yet)"),
]


class TaskForm(Crispy, forms.Form):
    """An expert's task: everything, including the plan."""

    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    kind = forms.ChoiceField(choices=Task.Kind.choices, initial=Task.Kind.TASK)
    priority = forms.TypedChoiceField(
        choices=Task.Priority.choices, coerce=int, initial=Task.Priority.NORMAL
    )
    estimate_hours = forms.DecimalField(
        required=False,
        max_digits=7,
        decimal_places=2,
        min_value=0,
        label="Estimate (hours)",
        help_text="Needed before the task goes to “To do”.",
    )
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    due_on = DayField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    where = forms.ChoiceField(choices=WHERE_CHOICES, initial=CURRENT, label="Plan for")

    def __init__(self, *args, assignees=None, with_plan=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            assignees if assignees is not None else User.objects.none()
        )
        if not with_plan:
            del self.fields["where"]
        self._helper()


class CustomerTaskForm(Crispy, forms.Form):
    """A customer's request: what and how urgent; the experts estimate and plan it."""

    title = forms.CharField(
        max_length=200, help_text="A short summary, e.g. “Export orders to CSV”."
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What should happen, and how you will know it works.",
    )
    kind = forms.ChoiceField(
        choices=[(k, Task.Kind(k).label) for k in CUSTOMER_KINDS], initial=Task.Kind.TASK
    )
    priority = forms.TypedChoiceField(
        choices=Task.Priority.choices, coerce=int, initial=Task.Priority.NORMAL
    )
    due_on = DayField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Needed by"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


def _files_field():
    return MultipleFileField(
        required=False, label="Files", help_text="Optional: up to 5 files, 10 MB each."
    )


class TaskCreateForm(TaskForm, SubmittedOnceForm):
    """A new task: the same post sent twice creates it once."""

    files = _files_field()


class CustomerTaskCreateForm(CustomerTaskForm, SubmittedOnceForm):
    """A customer's new request: the same post sent twice creates it once."""

    files = _files_field()


class AttachmentForm(Crispy, forms.Form):
    """More files on a task, from its page or its side panel."""

    files = MultipleFileField(label="Add files", help_text="Up to 5 files, 10 MB each.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class AssignForm(forms.Form):
    """ "Assign to me" on a card; the task page's full form assigns anyone."""

    assignee = forms.ChoiceField(choices=[("me", "me")])


class EstimateForm(forms.Form):
    estimate_hours = forms.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, label="Estimate (hours)"
    )


class MoveForm(forms.Form):
    status = forms.ChoiceField(choices=Task.Status.choices, required=False)
    where = forms.ChoiceField(choices=[("", "")] + WHERE_CHOICES, required=False)
    before = forms.IntegerField(required=False)


class CommentForm(Crispy, forms.Form):
    body = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Write a comment…"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class MilestoneUpdateForm(Crispy, forms.Form):
    body = forms.CharField(
        label="Milestone update",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Emailed to the customer's team and shown on the board.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()
