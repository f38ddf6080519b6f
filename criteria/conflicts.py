"""Who is conflicted on what. A conflicted reviewer never sees the application, anywhere.

A reviewer is conflicted on an application when they are employed by the applying
organisation, or have declared a conflict on the application or on its organisation.
"""

from django.db.models import Q

from schemes.models import Application


def conflicted_application_ids(reviewer):
    """Return a subquery of the ids of every application `reviewer` is conflicted on."""
    from criteria.models import ConflictOfInterest

    declared = ConflictOfInterest.objects.filter(reviewer=reviewer)
    conditions = Q(pk__in=declared.exclude(application=None).values("application_id")) | Q(
        organisation_id__in=declared.exclude(organisation=None).values("organisation_id")
    )
    if reviewer.organisation_id:
        conditions |= Q(organisation_id=reviewer.organisation_id)
    return Application.objects.filter(conditions).values("pk")


def is_conflicted(reviewer, application):
    """Whether `reviewer` is conflicted on `application`: `conflicted_application_ids` for one.

    Asked on every reviewer page (by each permission that needs a live assignment), so it asks
    the database only about declarations, and not at all when the reviewer's employer applied.
    """
    from criteria.models import ConflictOfInterest

    if reviewer.organisation_id and reviewer.organisation_id == application.organisation_id:
        return True
    return (
        ConflictOfInterest.objects.filter(reviewer=reviewer)
        .filter(Q(application_id=application.pk) | Q(organisation_id=application.organisation_id))
        .exists()
    )


def conflict_reason(reviewer, application):
    """Say why `reviewer` is conflicted on `application`, or return "" if they are not."""
    from django.utils.translation import gettext as _

    from criteria.models import ConflictOfInterest

    if reviewer.organisation_id and reviewer.organisation_id == application.organisation_id:
        return _("%(reviewer)s is employed by %(organisation)s.") % {
            "reviewer": reviewer.full_name,
            "organisation": application.organisation.name,
        }
    declared = ConflictOfInterest.objects.filter(reviewer=reviewer).filter(
        Q(application=application) | Q(organisation_id=application.organisation_id)
    )
    conflict = declared.first()
    if conflict:
        return _("%(reviewer)s declared a %(kind)s conflict of interest.") % {
            "reviewer": reviewer.full_name,
            "kind": conflict.get_kind_display().lower(),
        }
    return ""
