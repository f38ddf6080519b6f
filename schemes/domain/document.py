"""What an application shows: the one document every page, PDF and the pack render.

`application_document` gathers an application's content in a fixed number of queries,
however many answers, budget lines, ticks or attachments it has. The templates under
`templates/schemes/application/document/` render it, on screen and in print alike.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects

from schemes.budget import BudgetTotals
from schemes.enums import ApplicationStatus, QuestionKind
from schemes.models import (
    Application,
    Attachment,
    Question,
    Section,
    StrategicComponent,
    StrategicFramework,
)

# Everything the document reads beyond the round's form and frameworks, in one go.
DOCUMENT_RELATED = ("round__question_set", "organisation")
DOCUMENT_PREFETCH = ("answers", "budget_lines", "other_funding", "components", "attachments")


def frameworks_with_components(round):
    """Return the round's strategic frameworks in order, each with its components in order."""
    return round.frameworks.prefetch_related(
        Prefetch("components", queryset=StrategicComponent.objects.order_by("number"))
    ).order_by("order")


@dataclass(frozen=True)
class AnsweredQuestion:
    """One question of the form with what the application says to it.

    `text` is the answer's text ("" if none). `value` is what the application holds for a
    question answered by a field of its own: the organisation's name or the title (str), the
    start date (a date) or the duration in months (an int); None otherwise or when not given.
    """

    question: Question
    text: str
    value: object = None

    @property
    def kind(self):
        return self.question.kind

    @property
    def is_budget(self):
        return self.question.kind == QuestionKind.BUDGET

    @property
    def answered(self):
        return bool(self.text) or self.value is not None


@dataclass(frozen=True)
class DocumentSection:
    """One section of the form, its questions in number order."""

    section: Section
    questions: tuple[AnsweredQuestion, ...]


@dataclass(frozen=True)
class ComponentTick:
    component: StrategicComponent
    ticked: bool


@dataclass(frozen=True)
class FrameworkTicks:
    """One framework of the tick matrix: every component, ticked or not, in number order."""

    framework: StrategicFramework
    components: tuple[ComponentTick, ...]


@dataclass(frozen=True)
class ApplicationDocument:
    """Everything an application shows, in the order its form asks for it.

    `budget` is `Application.totals()` (`schemes.budget.budget_totals`): every year's lines
    and totals, the amount requested, other funding and total project cost. `status` is the
    real status; pages show it to each viewer through the `visible_status` tag.
    """

    application: Application
    status: ApplicationStatus
    sections: tuple[DocumentSection, ...]
    budget: BudgetTotals
    other_funding: tuple
    ticks: tuple[FrameworkTicks, ...]
    attachments: tuple[Attachment, ...]

    @property
    def ticked(self):
        """The ticked components, framework by framework: [(framework, component)]."""
        return [
            (framework.framework, tick.component)
            for framework in self.ticks
            for tick in framework.components
            if tick.ticked
        ]


def _derived_value(application, question):
    if question.kind == QuestionKind.ORGANISATION:
        return application.organisation_name
    if question.kind == QuestionKind.TITLE:
        return application.title
    if question.kind == QuestionKind.START_DATE:
        return application.start_date
    if question.kind == QuestionKind.DURATION:
        return application.duration_months
    return None


def document_queryset(queryset=None):
    """Return `queryset` (all applications by default) reading what the document needs."""
    queryset = Application.objects.all() if queryset is None else queryset
    return queryset.select_related(*DOCUMENT_RELATED).prefetch_related(*DOCUMENT_PREFETCH)


def document_prefetched(application):
    """Read onto `application` what its document needs, when it was loaded with its round's
    question set and its organisation (`DOCUMENT_RELATED`) already: saves reading it again."""
    prefetch_related_objects([application], *DOCUMENT_PREFETCH)
    return application


def application_document(application, *, frameworks=None) -> ApplicationDocument:
    """Return everything `application` shows, in its round's form order.

    Reads the answers, budget lines, other funding, ticks and attachments prefetched on
    `application` when they are (see `document_queryset`), and the round's form and tick
    matrix in four queries; `frameworks` (from `frameworks_with_components`) saves two of them
    when many applications of one round are documented.
    """
    answers = {answer.question_id: answer.text for answer in application.answers.all()}
    sections = (
        Section.objects.filter(question_set=application.round.question_set_id)
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("number")))
        .order_by("number")
    )
    if frameworks is None:
        frameworks = frameworks_with_components(application.round)
    ticked = {component.pk for component in application.components.all()}
    return ApplicationDocument(
        application=application,
        status=ApplicationStatus(application.status),
        sections=tuple(
            DocumentSection(
                section=section,
                questions=tuple(
                    AnsweredQuestion(
                        question=question,
                        text=answers.get(question.pk, ""),
                        value=_derived_value(application, question),
                    )
                    for question in section.questions.all()
                ),
            )
            for section in sections
        ),
        budget=application.totals(),
        other_funding=tuple(application.other_funding.all()),
        ticks=tuple(
            FrameworkTicks(
                framework=framework,
                components=tuple(
                    ComponentTick(component=component, ticked=component.pk in ticked)
                    for component in framework.components.all()
                ),
            )
            for framework in frameworks
        ),
        attachments=tuple(application.attachments.all()),
    )
