"""Every write of the surveys area (R-NPS): sending, answering, who receives it."""

from surveys.services.answers import survey_answer
from surveys.services.opt_out import survey_opt_out_set
from surveys.services.sending import survey_week, surveys_send

__all__ = ["survey_answer", "survey_opt_out_set", "survey_week", "surveys_send"]
