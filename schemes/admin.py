from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from schemes.models import (
    Answer,
    Application,
    BudgetLine,
    IndicativeShare,
    OtherFunding,
    Question,
    QuestionSet,
    Round,
    Section,
    StrategicComponent,
    StrategicFramework,
)


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(QuestionSet)
class QuestionSetAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    inlines = [SectionInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["number", "label", "kind", "word_limit", "section"]
    list_filter = ["section__question_set", "kind"]
    search_fields = ["label", "guidance"]
    ordering = ["section__question_set", "section__number", "number"]


class StrategicComponentInline(admin.TabularInline):
    model = StrategicComponent
    extra = 0


@admin.register(StrategicFramework)
class StrategicFrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    inlines = [StrategicComponentInline]


class IndicativeShareInline(admin.TabularInline):
    model = IndicativeShare
    extra = 0


@admin.register(Round)
class RoundAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "state", "opens_at", "closes_at", "criteria_set"]
    list_filter = ["state"]
    search_fields = ["name", "code"]
    filter_horizontal = ["frameworks"]
    inlines = [IndicativeShareInline]


class AnswerInline(admin.StackedInline):
    model = Answer
    extra = 0


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class OtherFundingInline(admin.TabularInline):
    model = OtherFunding
    extra = 0


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "organisation", "round", "status"]
    list_filter = ["round", "status", "organisation"]
    search_fields = ["reference", "title"]
    filter_horizontal = ["components"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [AnswerInline, BudgetLineInline, OtherFundingInline]
