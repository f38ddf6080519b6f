"""Rounds, question sets and frameworks are edited here; applications' workflow fields are not.

An application's status, round, organisation, reference and version, and what its workflow
wrote (submission, declaration, clarification and withdrawal), a round's state and feedback
release, and the records the workflows write (answers, budget lines, decisions...) are
read-only: only the workflows change them, each through its table of allowed moves.
Texts kept in English and Welsh (schemes/translation.py) are edited with their two
languages next to each other (modeltranslation's admin classes).
"""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from pacesetter.admin_audit import AuditedAdmin, HistoryAdmin, ViewOnlyAdmin, ViewOnlyInline
from schemes.enums import RoundState
from schemes.models import (
    Answer,
    Application,
    Attachment,
    BudgetLine,
    BudgetProfileLine,
    DeadlineExtension,
    Decision,
    DeliveryAgreement,
    IndicativeShare,
    LearningSummary,
    Measure,
    MeasureValue,
    Milestone,
    MilestoneProgress,
    MonitoringReminder,
    OtherFunding,
    QuarterlyReport,
    Question,
    QuestionSet,
    ReportingPeriod,
    ReportVersion,
    Round,
    Section,
    SpendLine,
    StrategicComponent,
    StrategicFramework,
    Theme,
    Variation,
)


class SectionInline(TranslationTabularInline):
    model = Section
    extra = 0


@admin.register(QuestionSet)
class QuestionSetAdmin(AuditedAdmin, TranslationAdmin):
    list_display = ["name", "code"]
    inlines = [SectionInline]


@admin.register(Question)
class QuestionAdmin(AuditedAdmin, TranslationAdmin):
    list_display = ["number", "label", "kind", "word_limit", "section"]
    list_filter = ["section__question_set", "kind"]
    search_fields = ["label", "guidance"]
    ordering = ["section__question_set", "section__number", "number"]


class StrategicComponentInline(TranslationTabularInline):
    model = StrategicComponent
    extra = 0


@admin.register(StrategicFramework)
class StrategicFrameworkAdmin(AuditedAdmin, TranslationAdmin):
    list_display = ["name", "code", "order"]
    inlines = [StrategicComponentInline]


class IndicativeShareInline(ViewOnlyInline, admin.TabularInline):
    """Set in the portal's round set-up, which checks the shares against the envelope."""

    model = IndicativeShare


# Written only by the round's workflows: its moves between states, feedback release, and the
# round set-up that checks the money against the indicative shares.
ROUND_WORKFLOW_FIELDS = ["state", "feedback_released_at", "feedback_released_by", "envelope_total"]
# Fixed once the round is no longer a draft, as in the portal's round set-up: applications'
# references, their answers and their scores depend on them.
ROUND_DRAFT_ONLY_FIELDS = ["code", "criteria_set", "question_set"]


@admin.register(Round)
class RoundAdmin(HistoryAdmin, TranslationAdmin):
    """A round's descriptive fields; it is set up, moved and released in the portal."""

    list_display = ["name", "code", "state", "opens_at", "closes_at", "criteria_set"]
    list_filter = ["state"]
    search_fields = ["name", "code"]
    filter_horizontal = ["frameworks"]
    inlines = [IndicativeShareInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.state != RoundState.DRAFT:
            return [*ROUND_WORKFLOW_FIELDS, *ROUND_DRAFT_ONLY_FIELDS]
        return ROUND_WORKFLOW_FIELDS

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AnswerInline(ViewOnlyInline, admin.StackedInline):
    model = Answer


class BudgetLineInline(ViewOnlyInline, admin.TabularInline):
    model = BudgetLine


class OtherFundingInline(ViewOnlyInline, admin.TabularInline):
    model = OtherFunding


# Written only by the application's workflow (starting, submitting, returning, withdrawing).
APPLICATION_WORKFLOW_FIELDS = [
    "reference",
    # Changed only from the task list, where the change is audited.
    "language",
    "round",
    "organisation",
    "status",
    "version",
    "created_by",
    "created_at",
    "updated_at",
    "submitted_at",
    "declaration_confirmed_by",
    "declaration_confirmed_at",
    "clarification_request",
    "withdrawal_reason",
]


@admin.register(Application)
class ApplicationAdmin(HistoryAdmin):
    """An application's content; it is started, moved and decided only in the portal."""

    list_display = ["reference", "title", "organisation", "round", "status"]
    list_filter = ["round", "status", "organisation"]
    search_fields = ["reference", "title"]
    filter_horizontal = ["components"]
    readonly_fields = APPLICATION_WORKFLOW_FIELDS
    inlines = [AnswerInline, BudgetLineInline, OtherFundingInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Answer)
class AnswerAdmin(ViewOnlyAdmin, admin.ModelAdmin):
    list_display = ["application", "question"]
    list_select_related = ["application", "question"]
    search_fields = ["application__reference"]


@admin.register(BudgetLine)
class BudgetLineAdmin(ViewOnlyAdmin, admin.ModelAdmin):
    list_display = ["application", "year", "category", "description"]
    list_select_related = ["application"]
    search_fields = ["application__reference", "description"]


@admin.register(OtherFunding)
class OtherFundingAdmin(ViewOnlyAdmin, admin.ModelAdmin):
    list_display = ["application", "source", "amount"]
    list_select_related = ["application"]
    search_fields = ["application__reference", "source"]


@admin.register(Attachment)
class AttachmentAdmin(ViewOnlyAdmin, admin.ModelAdmin):
    list_display = ["application", "kind", "original_name", "uploaded_at"]
    list_select_related = ["application"]
    search_fields = ["application__reference", "original_name"]


@admin.register(Decision)
class DecisionAdmin(ViewOnlyAdmin, admin.ModelAdmin):
    list_display = ["application", "outcome", "approved_amount", "decided_on"]
    list_filter = ["outcome"]
    list_select_related = ["application"]
    search_fields = ["application__reference"]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ViewOnlyAdmin, admin.ModelAdmin):
    list_display = ["round", "organisation", "until", "granted_at"]
    list_select_related = ["round", "organisation"]


# Monitoring: every record is written by `schemes.domain.monitoring`, so the admin only shows it.


@admin.register(DeliveryAgreement)
class DeliveryAgreementAdmin(ViewOnlyAdmin, admin.ModelAdmin):
    list_display = ["application", "status", "start_date", "end_date"]
    list_filter = ["status"]
    list_select_related = ["application"]
    search_fields = ["application__reference", "application__title"]


@admin.register(QuarterlyReport)
class QuarterlyReportAdmin(ViewOnlyAdmin, admin.ModelAdmin):
    list_display = ["agreement", "period", "status", "delivery_rating", "spend_rating"]
    list_filter = ["status", "delivery_rating", "spend_rating"]
    list_select_related = ["agreement__application", "period"]
    search_fields = ["agreement__application__reference"]


for monitoring_model in (
    BudgetProfileLine,
    Measure,
    MeasureValue,
    Milestone,
    MilestoneProgress,
    MonitoringReminder,
    ReportingPeriod,
    ReportVersion,
    SpendLine,
    Variation,
):
    admin.site.register(
        monitoring_model,
        type(f"{monitoring_model.__name__}Admin", (ViewOnlyAdmin, admin.ModelAdmin), {}),
    )


@admin.register(Theme)
class ThemeAdmin(AuditedAdmin, TranslationAdmin):
    list_display = ["name", "position"]


@admin.register(LearningSummary)
class LearningSummaryAdmin(ViewOnlyAdmin, admin.ModelAdmin):
    list_display = ["title", "organisation", "programme", "status", "scheme_status"]
    list_filter = ["status", "programme", "organisation"]
    exclude = ["search_title", "search_lessons", "search_body"]
