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


BIGINT_MAX = 2**63 - 1


class IdsModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id past the database's integer range as an invalid choice: SQLite raises
    OverflowError on such an ``__in`` lookup, which Django's field does not catch."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else []:
            if str(pk).lstrip("-").isdigit() and abs(int(pk)) > BIGINT_MAX:
                message = self.error_messages["invalid_choice"]
                raise ValidationError(message, code="invalid_choice", params={"value": pk})
        return super()._check_values(value)
