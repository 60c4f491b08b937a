"""Answering the weekly survey without signing in (R-NPS): the token in the emailed link is
the credential. A GET only shows the question (link scanners follow every score link and
must record nothing); the POST records."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from softwaresupp.forms import apply_validation_error
from surveys.forms import AnswerForm, score_param
from surveys.models import Survey
from surveys.services import survey_answer


@require_http_methods(["GET", "POST"])
def answer(request, token):
    survey = Survey.objects.select_related("organization").filter(token=token).first()
    if survey is None:
        return render(request, "surveys/unknown.html", status=404)
    if not survey.is_open(timezone.now()):
        return render(request, "surveys/closed.html", {"survey": survey}, status=410)
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                survey_answer(survey=survey, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "Thank you: your answer is recorded.")
                return redirect(request.path)
    else:
        chosen = score_param(request.GET.get("score"))
        form = AnswerForm(
            initial={
                "score": survey.score if chosen is None else chosen,
                "comment": survey.comment,
            }
        )
    return render(request, "surveys/answer.html", {"survey": survey, "form": form})
