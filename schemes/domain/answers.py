"""An application's answers laid out in its round's form, for summaries and the pack."""

from django.db.models import Prefetch

from schemes.models import Question, Section


def application_form(application):
    """Return the round's form, section by section, each question with this application's answer."""
    answers = {answer.question_id: answer for answer in application.answers.all()}
    sections = (
        Section.objects.filter(question_set=application.round.question_set_id)
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("number")))
        .order_by("number")
    )
    return [
        {
            "section": section,
            "questions": [
                {"question": question, "answer": answers.get(question.pk)}
                for question in section.questions.all()
            ],
        }
        for section in sections
    ]
