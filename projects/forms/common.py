"""What the board's forms share: crispy layouts without their own <form> tag."""

from crispy_forms.helper import FormHelper


def form_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class Crispy:
    def _helper(self):
        self.helper = form_helper()
