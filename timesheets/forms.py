import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.urls import reverse
from django.utils.html import format_html

from softwaresupp.dates import monday_of
from softwaresupp.forms import DayField, parse_id
from softwaresupp.submissions import SubmittedOnceForm
from timesheets.models import HOURS_STEP, QUARTER_MESSAGE
from timesheets.selectors import GROUPS, ReportFilter, report_choice_list

_CLOCK = re.compile(r"^(?P<h>\d{1,2})\s*[:h]\s*(?P<m>\d{1,2})?\s*(?:m|min)?$")
_MINUTES = re.compile(r"^(?P<m>\d{1,4})\s*(?:m|min)$")


def parse_hours(raw: str) -> Decimal:
    """Hours as people type them: ``1.5``, ``1,5``, ``1:30``, ``1h30``, ``2h``, ``45m``.
    An empty value is zero. The rules (quarter hours, > 0, 24 a day) are checked later."""
    text = (raw or "").strip().lower()
    if not text:
        return Decimal("0")
    if match := _MINUTES.match(text):
        return Decimal(match["m"]) / 60
    if match := _CLOCK.match(text):
        minutes = int(match["m"] or 0)
        if minutes >= 60:
            raise forms.ValidationError("Minutes go from 0 to 59, e.g. 1:45.")
        return Decimal(match["h"]) + Decimal(minutes) / 60
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise forms.ValidationError("Type hours as 1.5 or 1:30 (1 hour 30 minutes).") from None
    if not value.is_finite():
        raise forms.ValidationError("Type hours as 1.5 or 1:30 (1 hour 30 minutes).")
    return value


class HoursField(forms.CharField):
    """Hours in quarter hours; zero (an empty value) is allowed here because the weekly
    grid uses it to clear a cell. Logging zero hours is refused by the rules."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", "In quarter hours: 1.25, 1:15 or 75m are all 1 h 15 min.")
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if len(text) > 16:
            raise forms.ValidationError("Type hours as 1.5 or 1:30 (1 hour 30 minutes).")
        hours = parse_hours(text)
        # Size first: the quarter-hour test below cannot divide a number like 1e309.
        if abs(hours) >= 1000:
            raise forms.ValidationError("A day has 24 hours.")
        # Checked here too (not only by the model) so that 1:20 is refused in these words
        # rather than as "more than 2 decimal places".
        if hours % HOURS_STEP:
            raise forms.ValidationError(QUARTER_MESSAGE)
        return hours.quantize(Decimal("0.01"))


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeEntryForm(forms.Form):
    """Log hours on one task (the task page) or change one entry."""

    day = DayField(widget=_DateInput())
    hours = HoursField()
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What was done; the customer sees it in the report.",
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        if today is not None:
            self.fields["day"].widget.attrs["max"] = today.isoformat()
            self.fields["day"].initial = self.fields["day"].initial or today
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("day", css_class="col-sm-6"), Column("hours", css_class="col-sm-6")),
            "description",
        )


class TimeEntryLogForm(TimeEntryForm, SubmittedOnceForm):
    """New hours on one task: the same post sent twice logs them once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout.append("submission")


# A filter with more choices than this is a search box (htmx) beside a short list, not a
# dropdown of every project or expert: staff would otherwise get 1,300 options a page.
CHOICES_SHOWN = 50


def choice_label(field: str, obj) -> str:
    if field == "project":
        return f"{obj.organization} · {obj.name}"
    return str(obj)


# The columns each filter's options are labelled from, and how (the same text as
# ``choice_label``): options are read as values, not as model instances.
CHOICE_COLUMNS = {
    "organization": (("name",), lambda name: name),
    "project": (
        ("organization__name", "name"),
        lambda organization, name: f"{organization} · {name}",
    ),
    "expert": (
        ("first_name", "last_name", "email"),
        lambda first, last, email: f"{first} {last}".strip() or email,
    ),
}


def choice_options(field: str, queryset) -> list[tuple[int, str]]:
    """``(pk, label)`` of each choice in ``queryset`` (one query, no model instances)."""
    columns, label = CHOICE_COLUMNS[field]
    return [(pk, label(*values)) for pk, *values in queryset.values_list("pk", *columns)]


class SearchSelect(forms.Select):
    """A search box over a short select: typing asks the server for matches (htmx) and
    swaps them into the select; without JavaScript, "Apply" sends the text and the page
    lists the matches to pick from. The select holds the chosen value, as a plain one."""

    def __init__(self, *, search_url: str, search_name: str, search_text: str, attrs=None):
        super().__init__(attrs)
        self.search_url, self.search_name, self.search_text = search_url, search_name, search_text

    def render(self, name, value, attrs=None, renderer=None):
        select = super().render(name, value, attrs, renderer)
        select_id = (attrs or {}).get("id") or f"id_{name}"
        search = format_html(
            '<input type="search" name="{}" value="{}" class="form-control form-control-sm mb-1"'
            ' placeholder="Search…" aria-label="Search {}" autocomplete="off"'
            ' hx-get="{}" hx-trigger="input changed delay:300ms, search" hx-target="#{}"'
            ' hx-include="this, #{}" hx-swap="innerHTML" data-testid="search-{}">',
            self.search_name,
            self.search_text,
            name,
            self.search_url,
            select_id,
            select_id,
            name,
        )
        return format_html("{}{}", search, select)


class ReportFilterForm(forms.Form):
    """The report's range and filters. Choices are limited to what the user may see; a
    long list of them is searched rather than listed (``SearchSelect``)."""

    start = DayField(label="From", widget=_DateInput(), required=False)
    end = DayField(label="To", widget=_DateInput(), required=False)
    organization = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All organizations"
    )
    project = forms.ModelChoiceField(queryset=None, required=False, empty_label="All projects")
    expert = forms.ModelChoiceField(queryset=None, required=False, empty_label="All experts")
    group = forms.ChoiceField(choices=list(GROUPS.items()), required=False, initial="project")

    def __init__(self, *args, organizations, projects, experts, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["start"].initial, self.fields["end"].initial = self.default_range()
        self.searched = {}
        shown = {
            "organization": self._choices("organization", organizations),
            "project": self._choices("project", projects),
            "expert": self._choices("expert", experts),
        }
        self.fields["group"].widget = forms.HiddenInput()
        columns = [
            Column("start", css_class="col-6 col-md-2"),
            Column("end", css_class="col-6 col-md-2"),
        ]
        # The organization filter shows only when there is more than one to choose from.
        if len(shown["organization"]) > 1 or "organization" in self.searched:
            columns.append(Column("organization", css_class="col-md-3"))
        else:
            del self.fields["organization"]
        columns += [
            Column("project", css_class="col-md-3"),
            Column("expert", css_class="col-md-2"),
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Row(*columns), "group")

    def _choices(self, name: str, queryset) -> list:
        """The field's choices in one query: the whole list when it is short; otherwise a
        search box with the chosen value and the matches of the typed text (one more
        query). Validation still checks the value against the whole visible list."""
        field = self.fields[name]
        field.queryset = queryset
        field.label_from_instance = lambda obj: choice_label(name, obj)
        first = choice_options(name, queryset[: CHOICES_SHOWN + 1])
        if len(first) > CHOICES_SHOWN:
            text = (self.data.get(f"{name}_q") or "").strip()[:100]
            chosen = parse_id(self.data.get(name))
            # Nothing typed or chosen: no matches to list, and no query to build for them.
            first = []
            if text.split() or chosen is not None:
                first = choice_options(
                    name, report_choice_list(queryset, field=name, text=text, chosen=chosen)
                )
            field.widget = SearchSelect(
                search_url=f"{reverse('timesheets:report_choices')}?field={name}",
                search_name=f"{name}_q",
                search_text=text,
            )
            self.searched[name] = text
        field.widget.choices = [("", field.empty_label)] + first
        return first

    def default_range(self):
        """The last four sprints: from the Monday three weeks ago to this week's Sunday."""
        monday = monday_of(self.today)
        return monday - timedelta(days=21), monday + timedelta(days=6)

    def quick_ranges(self) -> list[tuple[str, date, date]]:
        monday = monday_of(self.today)
        first = self.today.replace(day=1)
        last_month_end = first - timedelta(days=1)
        return [
            ("This week", monday, monday + timedelta(days=6)),
            ("Last week", monday - timedelta(days=7), monday - timedelta(days=1)),
            ("This month", first, self.today),
            ("Last month", last_month_end.replace(day=1), last_month_end),
            ("Last 4 weeks", *self.default_range()),
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = self.default_range()
        cleaned["start"] = cleaned.get("start") or start
        cleaned["end"] = cleaned.get("end") or end
        if cleaned["start"] > cleaned["end"]:
            self.add_error("end", "The end of the range comes before its start.")
        cleaned["group"] = cleaned.get("group") or "project"
        return cleaned

    def _valid_data(self) -> dict:
        # Fields that passed validation still count when another one failed: a refused
        # project filter is shown beside the field and the rest of the report stands.
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def report(self) -> ReportFilter:
        data = self._valid_data()
        start, end = self.default_range()
        if "end" in self.errors:
            data = {**data, "start": start, "end": end}
        return ReportFilter(
            start=data.get("start") or start,
            end=data.get("end") or end,
            organization=data.get("organization"),
            project=data.get("project"),
            expert=data.get("expert"),
        )

    @property
    def selected_group(self) -> str:
        group = self._valid_data().get("group")
        return group if group in GROUPS else "project"
