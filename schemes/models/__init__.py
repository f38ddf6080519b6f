from schemes.models.applications import Answer, Application, BudgetLine, OtherFunding
from schemes.models.decisions import Decision
from schemes.models.learning import LearningSummary, Theme
from schemes.models.monitoring import (
    BudgetProfileLine,
    DeliveryAgreement,
    Measure,
    MeasureValue,
    Milestone,
    MilestoneProgress,
    MonitoringReminder,
    QuarterlyReport,
    ReportingPeriod,
    ReportVersion,
    SpendLine,
    Variation,
)
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
    "BudgetProfileLine",
    "DeliveryAgreement",
    "Measure",
    "MeasureValue",
    "Milestone",
    "MilestoneProgress",
    "MonitoringReminder",
    "QuarterlyReport",
    "ReportingPeriod",
    "ReportVersion",
    "SpendLine",
    "Variation",
    "DeadlineExtension",
    "LearningSummary",
    "Theme",
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
