"""Criteria sets are edited here until a round uses them; panel review records are only shown.

Assignments, conflicts, reviews, scores, moderation and pack jobs are written by the panel's
workflows, each audited; here they can be looked at, never added, changed or deleted.
A set's texts are edited in English and Welsh next to each other (criteria/translation.py).
"""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from criteria.models import (
    Assignment,
    ConflictOfInterest,
    CriteriaSet,
    CriteriaSource,
    Criterion,
    CriterionGroup,
    Moderation,
    PackJob,
    Review,
    ScalePoint,
    Score,
)
from pacesetter.admin_audit import HistoryAdmin, ViewOnlyAdmin, ViewOnlyInline


def is_used(criteria_set):
    return criteria_set is not None and criteria_set.pk is not None and criteria_set.is_used


class ReadOnlyOnceUsedInline:
    """An inline that shows a used set's parts but offers no way to change them."""

    def has_add_permission(self, request, obj=None):
        return not is_used(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not is_used(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_used(obj) and super().has_delete_permission(request, obj)


class CriterionGroupInline(ReadOnlyOnceUsedInline, TranslationTabularInline):
    model = CriterionGroup
    extra = 0


class CriterionInline(ReadOnlyOnceUsedInline, TranslationStackedInline):
    model = Criterion
    extra = 0
    fields = ["position", "label", "group", "wording", "guidance", "weight"]


class CriteriaSourceInline(ReadOnlyOnceUsedInline, TranslationTabularInline):
    model = CriteriaSource
    extra = 0


class ScalePointInline(ReadOnlyOnceUsedInline, TranslationTabularInline):
    model = ScalePoint
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(HistoryAdmin, TranslationAdmin):
    """Criteria sets; a set a round uses is shown read-only (copy it to change it)."""

    list_display = ["title", "code", "version"]
    inlines = [CriterionGroupInline, CriterionInline, CriteriaSourceInline, ScalePointInline]

    def has_change_permission(self, request, obj=None):
        return not is_used(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_used(obj) and super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        criteria_set = self.get_object(request, object_id)
        if request.method == "GET" and is_used(criteria_set):
            messages.warning(
                request,
                _(
                    "This criteria set is used by a funding round, so it cannot be changed. "
                    'To change it, use "Copy to a new version" on its page in the portal '
                    "and change the copy."
                ),
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Assignment)
class AssignmentAdmin(ViewOnlyAdmin, admin.ModelAdmin):
    list_display = ["application", "reviewer", "assigned_at", "due_date", "withdrawn_at"]
    list_select_related = ["application", "reviewer"]
    search_fields = ["application__reference", "reviewer__email"]


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(ViewOnlyAdmin, admin.ModelAdmin):
    list_display = ["reviewer", "application", "organisation", "kind", "declared_at"]
    list_select_related = ["reviewer", "application", "organisation"]


class ScoreInline(ViewOnlyInline, admin.TabularInline):
    model = Score


@admin.register(Review)
class ReviewAdmin(ViewOnlyAdmin, admin.ModelAdmin):
    list_display = ["assignment", "status", "recommendation", "submitted_at"]
    list_filter = ["status"]
    list_select_related = ["assignment__application", "assignment__reviewer"]
    inlines = [ScoreInline]


@admin.register(Score)
class ScoreAdmin(ViewOnlyAdmin, admin.ModelAdmin):
    list_display = ["review", "criterion", "score"]
    list_select_related = ["review__assignment__application", "review__assignment__reviewer"]


@admin.register(Moderation)
class ModerationAdmin(ViewOnlyAdmin, admin.ModelAdmin):
    list_display = ["application", "criterion", "score", "moderated_by", "moderated_at"]
    list_select_related = ["application", "criterion", "moderated_by"]


@admin.register(PackJob)
class PackJobAdmin(ViewOnlyAdmin, admin.ModelAdmin):
    list_display = ["round", "requested_by", "status", "created_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["round", "requested_by"]
