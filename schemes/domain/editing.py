"""The one way to change an application's content: claim its version, then write.

Every form that edits an application carries the version the page was drawn from. Saving
claims that version with a conditional UPDATE (atomic on SQLite and PostgreSQL alike); if
someone else saved first, the claim fails, nothing is written, and the person is told.
"""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from pacesetter.permissions import can
from pacesetter.transitions import Refused
from schemes.enums import EDITABLE_STATUSES
from schemes.models import Application

# Someone saved the application after this page was drawn.
STALE_EDIT = _(
    "Someone else changed this application after you opened this page. Nothing you "
    "entered here has been saved. Open the page again to see their changes, then make "
    "yours."
)
# The application is submitted, withdrawn or decided and cannot be changed.
NOT_EDITABLE = _("This application cannot be changed: it has been submitted, withdrawn or decided.")


def check_can_edit(user, application):
    """Raise PermissionDenied unless `user` may edit `application`'s content now."""
    if not can(user, "schemes.edit_application", application):
        raise PermissionDenied


@contextmanager
def editing(application, *, expected_version, acting_user, declaring=False):
    """Lock in an edit of `application` drawn at `expected_version`; yield the fresh row.

    Raises Refused (NOT_EDITABLE) if its status forbids edits and Refused (STALE_EDIT) if
    another save came first; in both cases nothing is written. On leaving the block the
    application is saved, one version higher, with `acting_user` in its history. Any change
    other than the declaration itself withdraws the declaration: what was agreed is no
    longer what is there. Runs in a transaction.
    """
    with transaction.atomic():
        claimed = Application.objects.filter(
            pk=application.pk, version=expected_version, status__in=EDITABLE_STATUSES
        ).update(version=F("version") + 1)
        if not claimed:
            current = Application.objects.only("status").get(pk=application.pk)
            if current.status not in EDITABLE_STATUSES:
                raise Refused(NOT_EDITABLE)
            raise Refused(STALE_EDIT)
        fresh = Application.objects.get(pk=application.pk)
        fresh._history_user = acting_user
        if not declaring:
            fresh.declaration_confirmed_by = None
            fresh.declaration_confirmed_at = None
        yield fresh
        fresh.save()
