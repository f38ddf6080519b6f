from schemes.models.applications import Answer, Application, BudgetLine, OtherFunding
from schemes.models.rounds import (
    IndicativeShare,
    Question,
    QuestionSet,
    Round,
    Section,
    StrategicComponent,
    StrategicFramework,
)

__all__ = [
    "Answer",
    "Application",
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
