from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from criteria.models import CriteriaSet, CriteriaSource, Criterion, CriterionGroup, ScalePoint


class CriterionGroupInline(admin.TabularInline):
    model = CriterionGroup
    extra = 0


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0
    fields = ["position", "label", "group", "wording", "guidance", "weight"]


class CriteriaSourceInline(admin.TabularInline):
    model = CriteriaSource
    extra = 0


class ScalePointInline(admin.TabularInline):
    model = ScalePoint
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(SimpleHistoryAdmin):
    list_display = ["title", "code", "version"]
    inlines = [CriterionGroupInline, CriterionInline, CriteriaSourceInline, ScalePointInline]
