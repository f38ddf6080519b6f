from schemes.models.applications import Answer, Application, BudgetLine, OtherFunding
from schemes.models.decisions import Decision
from schemes.models.rounds import (
    IndicativeShare,
    Question,
    QuestionSet,
    Round,
    Section,
    StrategicComponent,
    StrategicFramework,
)
from schemes.models.workflow import ApplicationEvent, Attachment, DeadlineExtension, RoundEvent

__all__ = [
    "Answer",
    "Application",
    "ApplicationEvent",
    "Attachment",
    "DeadlineExtension",
    "Decision",
    "BudgetLine",
    "IndicativeShare",
    "OtherFunding",
    "Question",
    "QuestionSet",
    "Round",
    "RoundEvent",
    "Section",
    "StrategicComponent",
    "StrategicFramework",
]
