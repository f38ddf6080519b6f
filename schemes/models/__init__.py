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
from schemes.models.workflow import Attachment, DeadlineExtension

__all__ = [
    "Answer",
    "Application",
    "Attachment",
    "DeadlineExtension",
    "Decision",
    "BudgetLine",
    "IndicativeShare",
    "OtherFunding",
    "Question",
    "QuestionSet",
    "Round",
    "Section",
    "StrategicComponent",
    "StrategicFramework",
]
