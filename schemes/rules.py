"""Who may see what among rounds and applications.

Each permission here has a twin scoped queryset (`Round.objects.visible_to`,
`Application.objects.visible_to`); the tests check that the two agree for every role.
"""

import rules

from pacesetter.rules import is_applicant, is_programme_manager
from schemes.enums import RoundState


@rules.predicate
def belongs_to_applying_organisation(user, application):
    return bool(
        application is not None
        and user.organisation_id is not None
        and user.organisation_id == application.organisation_id
    )


@rules.predicate
def round_is_published(user, round):
    return round is not None and round.state != RoundState.DRAFT


can_view_application = is_programme_manager | (is_applicant & belongs_to_applying_organisation)
can_view_round = rules.is_authenticated & (is_programme_manager | round_is_published)

rules.add_perm("schemes.view_application", can_view_application)
rules.add_perm("schemes.view_round", can_view_round)
