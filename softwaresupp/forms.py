from datetime import date

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def apply_validation_error(form, error: ValidationError) -> None:
    """Show a service's refusal beside the field it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else NON_FIELD_ERRORS
            for item in errors:
                form.add_error(None if target == NON_FIELD_ERRORS else target, item)
    else:
        for message in error.messages:
            form.add_error(None, message)


# Dates people may type: wide enough for any real history or plan, narrow enough that week
# and period arithmetic (the Monday before, the Sunday after) never leaves the calendar.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)
OUT_OF_RANGE_DAY = f"Pick a date between {EARLIEST_DAY:%Y} and {LATEST_DAY:%Y}."


def parse_day(value) -> date | None:
    """A date typed into a URL (ISO, ``2026-03-09``), or None when it is not one or lies
    outside ``EARLIEST_DAY`` … ``LATEST_DAY``."""
    try:
        day = date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None
    return day if EARLIEST_DAY <= day <= LATEST_DAY else None


class DayField(forms.DateField):
    """Django's DateField within ``EARLIEST_DAY`` … ``LATEST_DAY``: every form's dates."""

    def validate(self, value):
        super().validate(value)
        if value and not EARLIEST_DAY <= value <= LATEST_DAY:
            raise ValidationError(OUT_OF_RANGE_DAY, code="out_of_range")


class MomentField(forms.DateTimeField):
    """Django's DateTimeField on a day within ``EARLIEST_DAY`` … ``LATEST_DAY``: a moment in
    year 9999 cannot be shown in a time zone east of UTC."""

    def validate(self, value):
        super().validate(value)
        if value and not EARLIEST_DAY <= value.date() <= LATEST_DAY:
            raise ValidationError(OUT_OF_RANGE_DAY, code="out_of_range")


BIGINT_MAX = 2**63 - 1


def parse_id(value) -> int | None:
    """A row id typed into a URL, or None: only ASCII digits within the database's integer
    range (``"²".isdigit()`` is true yet ``int("²")`` fails; SQLite refuses ids past 2**63)."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= BIGINT_MAX else None


class IdsModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id past the database's integer range, or written in other digits than
    0-9, as an invalid choice: SQLite raises OverflowError on such an ``__in`` lookup and
    ``int("²")`` raises ValueError, neither of which Django's field catches."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else []:
            digits = str(pk).strip().lstrip("-")
            # "²" passes isdigit() but not int(): refused here rather than as a 500.
            if digits.isdigit() and (not digits.isascii() or int(digits) > BIGINT_MAX):
                message = self.error_messages["invalid_choice"]
                raise ValidationError(message, code="invalid_choice", params={"value": pk})
        return super()._check_values(value)
