"""New versions of criteria sets: the only way to change a set that a round has used."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

from criteria.models import CriteriaSet, CriteriaSource, Criterion, CriterionGroup, ScalePoint
from pacesetter.languages import texts
from pacesetter.permissions import can


def next_version(code):
    """The version number a new copy of the sets with this code gets."""
    latest = CriteriaSet.objects.filter(code=code).aggregate(latest=Max("version"))["latest"]
    return (latest or 0) + 1


def criteria_set_copy(*, source, acting_user):
    """Copy `source` with its groups, criteria, sources and scale to the next version.

    The copy keeps the code and every word (English and Welsh), key phrase, guidance note and
    weight; no round uses it, so it can be changed until one does. Runs in one transaction
    and records `acting_user` in the set's and the criteria's history. Raises
    PermissionDenied for anyone who may not change criteria sets.
    """
    if not can(acting_user, "criteria.change_criteria_set", source):
        raise PermissionDenied
    with transaction.atomic():
        # Lock the versions of this code so that two copies made at once get two numbers.
        list(CriteriaSet.objects.select_for_update().filter(code=source.code).values("pk"))
        copy = CriteriaSet(
            code=source.code,
            version=next_version(source.code),
            **texts(source),
        )
        copy._history_user = acting_user
        copy.save()
        groups = {}
        for group in source.groups.order_by("number"):
            groups[group.pk] = CriterionGroup.objects.create(
                criteria_set=copy, number=group.number, **texts(group)
            )
        for criterion in source.criteria.order_by("position"):
            copied = Criterion(
                criteria_set=copy,
                group=groups.get(criterion.group_id),
                position=criterion.position,
                label=criterion.label,
                **texts(criterion),
                weight=criterion.weight,
            )
            copied._history_user = acting_user
            copied.save()
        for source_document in source.sources.order_by("number"):
            CriteriaSource.objects.create(
                criteria_set=copy, number=source_document.number, **texts(source_document)
            )
        for point in source.scale_points.order_by("value"):
            ScalePoint.objects.create(criteria_set=copy, value=point.value, **texts(point))
    return copy
