from django.contrib import admin, messages
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from criteria.models import CriteriaSet, CriteriaSource, Criterion, CriterionGroup, ScalePoint


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


class CriterionGroupInline(ReadOnlyOnceUsedInline, admin.TabularInline):
    model = CriterionGroup
    extra = 0


class CriterionInline(ReadOnlyOnceUsedInline, admin.StackedInline):
    model = Criterion
    extra = 0
    fields = ["position", "label", "group", "wording", "guidance", "weight"]


class CriteriaSourceInline(ReadOnlyOnceUsedInline, admin.TabularInline):
    model = CriteriaSource
    extra = 0


class ScalePointInline(ReadOnlyOnceUsedInline, admin.TabularInline):
    model = ScalePoint
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(SimpleHistoryAdmin):
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
