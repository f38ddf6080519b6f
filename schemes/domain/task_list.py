"""The task list: what each task of an application needs, and how far it has got."""

import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from schemes.enums import QuestionKind

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
STATUS_LABELS = {
    NOT_STARTED: _("Not started"),
    IN_PROGRESS: _("In progress"),
    COMPLETED: _("Completed"),
}


# A word is a run of anything but JavaScript's whitespace (`\S+`), as GOV.UK Frontend's word
# counter has it, so the limit the form enforces is the one the page counts down to. Welsh
# counts as English does: "i’r", "gwasanaeth-iechyd" and "ŵyr" are one word each. Python's
# own whitespace differs from JavaScript's (U+001C-U+001F, U+0085, U+FEFF), hence the list.
WORD = re.compile("[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+")


def word_count(text):
    """The number of words in `text`, counted as the browser's word counter counts them."""
    return len(WORD.findall(text))


def question_is_answered(question, application, answers, has_budget):
    """Whether the applicant has given `question` an answer (the organisation always is)."""
    if question.kind == QuestionKind.ORGANISATION:
        return True
    if question.kind == QuestionKind.TITLE:
        return bool(application.title.strip())
    if question.kind == QuestionKind.START_DATE:
        return application.start_date is not None
    if question.kind == QuestionKind.DURATION:
        return application.duration_months is not None
    if question.kind == QuestionKind.BUDGET:
        return has_budget
    return bool(answers.get(question.pk, "").strip())


def question_problems(question, application, answers, has_budget):
    """List what stops `question`'s answer being submitted (empty when it is fine)."""
    label = question.heading.splitlines()[0]
    if question.required and not question_is_answered(question, application, answers, has_budget):
        if question.kind == QuestionKind.BUDGET:
            return []  # the budget task reports a missing budget itself
        return [_("Answer “%(question)s”") % {"question": label}]
    problems = []
    text = answers.get(question.pk, "")
    if question.word_limit and word_count(text) > question.word_limit:
        problems.append(
            _("“%(question)s” must be %(limit)s words or fewer")
            % {"question": label, "limit": question.word_limit}
        )
    round = application.round
    if question.kind == QuestionKind.START_DATE and application.start_date:
        early, late = round.earliest_start_date, round.latest_start_date
        if (early and application.start_date < early) or (late and application.start_date > late):
            problems.append(start_date_message(round))
    if question.kind == QuestionKind.DURATION and application.duration_months:
        limit = round.max_duration_months
        if limit and application.duration_months > limit:
            problems.append(duration_message(round))
    return problems


def start_date_message(round):
    return _("The start date must be between %(start)s and %(end)s") % {
        "start": round.earliest_start_date.strftime("%-d %B %Y"),
        "end": round.latest_start_date.strftime("%-d %B %Y"),
    }


def duration_message(round):
    return _("The duration must be %(months)s months or fewer") % {
        "months": round.max_duration_months
    }


@dataclass(frozen=True)
class Task:
    name: str
    url: str
    status: str
    hint: str = ""

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


def application_tasks(application):
    """Return the tasks of an application in order, each with its status."""
    ref = application.reference
    answers = {answer.question_id: answer.text for answer in application.answers.all()}
    has_budget = application.budget_lines.exists()
    tasks = []
    for section in application.round.question_set.sections.prefetch_related("questions"):
        # The organisation is given; the allocation question is the Budget task's to track.
        questions = [
            q
            for q in section.questions.all()
            if q.kind not in (QuestionKind.ORGANISATION, QuestionKind.BUDGET)
        ]
        answered = [
            q for q in questions if question_is_answered(q, application, answers, has_budget)
        ]
        required = [q for q in questions if q.required]
        done = all(q in answered for q in required) and answered
        tasks.append(
            Task(
                section.title,
                reverse("schemes:edit_section", args=[ref, section.number]),
                COMPLETED if done else (IN_PROGRESS if answered else NOT_STARTED),
            )
        )
    tasks.append(
        Task(
            _("Budget"),
            reverse("schemes:budget", args=[ref]),
            COMPLETED if has_budget else NOT_STARTED,
        )
    )
    if application.round.frameworks.exists():
        tasks.append(
            Task(
                _("Strategic components"),
                reverse("schemes:edit_components", args=[ref]),
                COMPLETED if application.components.exists() else NOT_STARTED,
            )
        )
    tasks.append(
        Task(
            _("Attachments"),
            reverse("schemes:attachments", args=[ref]),
            COMPLETED if application.attachments.exists() else NOT_STARTED,
            hint=_("Optional: plan on a page, logic model, evaluation plan"),
        )
    )
    tasks.append(
        Task(
            _("Declaration"),
            reverse("schemes:declaration", args=[ref]),
            COMPLETED if application.declaration_confirmed_at else NOT_STARTED,
        )
    )
    return tasks
