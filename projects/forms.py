"""Input shapes and layouts of the board's pages; saving goes through the services."""

from crispy_forms.helper import FormHelper
from django import forms

from accounts.models import Skill, User
from projects.models import Assignment, Project, Release, Task
from projects.services.tasks import BACKLOG, CURRENT, CUSTOMER_KINDS, NEXT
from softwaresupp.forms import IdsModelMultipleChoiceField


class _Crispy:
    def _helper(self):
        self.helper = FormHelper()
        self.helper.form_tag = False


class ProjectForm(_Crispy, forms.ModelForm):
    skills = IdsModelMultipleChoiceField(
        queryset=Skill.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Technology",
    )
    staging_url = forms.URLField(required=False, assume_scheme="https", label="Staging URL")
    production_url = forms.URLField(required=False, assume_scheme="https", label="Production URL")

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
        else:
            self.fields["organization"].queryset = organizations
            if len(organizations) == 1:
                self.fields["organization"].initial = organizations[0].pk
        self._helper()

    def _post_clean(self):
        # The service validates and saves; the model form only shapes the input.
        pass


class AssignmentForm(_Crispy, forms.Form):
    expert = forms.ModelChoiceField(
        queryset=User.objects.filter(expert_profile__isnull=False, is_active=True).order_by(
            "first_name", "last_name"
        )
    )
    role = forms.ChoiceField(choices=Assignment.Role.choices, initial=Assignment.Role.MEMBER)
    starts_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Today if empty."
    )
    ends_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Open-ended if empty.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].label_from_instance = lambda u: f"{u} · {u.email}"
        self._helper()


class AssignmentEndForm(forms.Form):
    ends_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


WHERE_CHOICES = [
    (CURRENT, "This week"),
    (NEXT, "Next week"),
    (BACKLOG, "Backlog (not planned yet)"),
]


class TaskForm(_Crispy, forms.Form):
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
    due_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    where = forms.ChoiceField(choices=WHERE_CHOICES, initial=CURRENT, label="Plan for")

    def __init__(self, *args, assignees=None, with_plan=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            assignees if assignees is not None else User.objects.none()
        )
        if not with_plan:
            del self.fields["where"]
        self._helper()


class CustomerTaskForm(_Crispy, forms.Form):
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
    due_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Needed by"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class EstimateForm(forms.Form):
    estimate_hours = forms.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, label="Estimate (hours)"
    )


class MoveForm(forms.Form):
    status = forms.ChoiceField(choices=Task.Status.choices, required=False)
    where = forms.ChoiceField(choices=[("", "")] + WHERE_CHOICES, required=False)
    before = forms.IntegerField(required=False)


class CommentForm(_Crispy, forms.Form):
    body = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Write a comment…"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class MilestoneUpdateForm(_Crispy, forms.Form):
    body = forms.CharField(
        label="Milestone update",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Emailed to the customer's team and shown on the board.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class ReleaseForm(_Crispy, forms.Form):
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


class ReleaseAdvanceForm(_Crispy, forms.Form):
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


class SprintGoalForm(_Crispy, forms.Form):
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
