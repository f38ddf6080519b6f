"""Who may see a round's ranking, and an application's feedback once it is released.

Imported at the bottom of criteria/rules.py, so these permissions register with the rest.
"""

import rules

from pacesetter.rules import is_applicant, is_programme_manager
from schemes.domain.decisions import DECIDED
from schemes.rules import belongs_to_applying_organisation


@rules.predicate
def chairs_the_rounds_panel(user, round):
    return bool(round is not None and user.is_authenticated and round.panel_chair_id == user.pk)


@rules.predicate
def feedback_released(user, application):
    return application is not None and application.round.feedback_released_at is not None


@rules.predicate
def application_decided(user, application):
    return application is not None and application.status in DECIDED


can_view_ranking = is_programme_manager | chairs_the_rounds_panel
# Programme managers may read an application's feedback before release, to check it.
can_view_feedback = is_programme_manager | (
    is_applicant & belongs_to_applying_organisation & feedback_released & application_decided
)

rules.add_perm("criteria.view_ranking", can_view_ranking)
rules.add_perm("criteria.view_feedback", can_view_feedback)
