"""Demo data: the 2018-19 round reviewed, decided (Hywel Dda approved) and its feedback released.

The seeds hold no reviews or decisions: these scores and words are the portal's own, written
for the demo. Called from `criteria.demo.load_demo_data` after the demo users exist.
"""

import datetime
from decimal import Decimal

DEMO_DECIDED_ROUND = "2018-19"
DEMO_DECIDED_APPLICATION = "PS-2018-HDD-001"
DEMO_APPROVED_AMOUNT = Decimal("488000.00")
DEMO_CONDITIONS = "Quarterly delivery and learning reports against the agreed metrics."
DEMO_REVIEWED_AT = datetime.datetime(2018, 3, 15, 12, 0, tzinfo=datetime.UTC)
DEMO_DECIDED_ON = datetime.date(2018, 3, 22)
DEMO_RELEASED_AT = datetime.datetime(2018, 3, 29, 10, 0, tzinfo=datetime.UTC)

# Criterion label -> (score, justification), one review each from reviewer1 and reviewer2.
DEMO_HDD_REVIEWS = {
    "reviewer1@example.org": {
        "1": (4, "Demo review: builds on the emerging model work and earlier cluster pilots."),
        "2": (3, "Demo review: other funding of 0.559m shows some resource shift, not a plan."),
        "3": (4, "Demo review: agreed by the executive team and the PC Directorate."),
        "4": (3, "Demo review: three years allows bedding in; milestones are broad."),
        "5": (3, "Demo review: measures named, but baselines to be set after the start."),
        "6": (4, "Demo review: written into the cluster action plans and the IMTP."),
        "7": (4, "Demo review: dedicated project management and backfill are costed."),
        "8": (3, "Demo review: rural deprivation is noted; little on deprived communities."),
    },
    "reviewer2@example.org": {
        "1": (4, "Demo review: a clear next step from the networked contractor pilots."),
        "2": (2, "Demo review: financial redesign is mentioned but not worked through."),
        "3": (4, "Demo review: the business plan and delivery agreement are in place."),
        "4": (3, "Demo review: realistic overall; reporting dates should be firmed up."),
        "5": (4, "Demo review: a mixed-methods evaluation with a university partner."),
        "6": (4, "Demo review: fits the health board strategy and cluster priorities."),
        "7": (3, "Demo review: backfill is planned; research support is less certain."),
        "8": (3, "Demo review: some thought to hard-to-reach groups; could go further."),
    },
}


def _review_hywel_dda(round, application, manager, users):
    from criteria.enums import Recommendation, ReviewStatus
    from criteria.models import Assignment, Review, Score

    criteria = {criterion.label: criterion for criterion in round.criteria_set.criteria.all()}
    for email, scores in DEMO_HDD_REVIEWS.items():
        assignment, _created = Assignment.objects.get_or_create(
            application=application, reviewer=users[email], defaults={"assigned_by": manager}
        )
        review, created = Review.objects.get_or_create(
            assignment=assignment,
            defaults={
                "status": ReviewStatus.SUBMITTED,
                "recommendation": Recommendation.FUND_WITH_CONDITIONS,
                "comment": "Demo review: fund, with regular reporting on delivery and learning.",
                "submitted_at": DEMO_REVIEWED_AT,
            },
        )
        if created:
            for label, (score, justification) in scores.items():
                Score.objects.create(
                    review=review,
                    criterion=criteria[label],
                    score=score,
                    justification=justification,
                )


def create_demo_decisions(users):
    """Review, decide and release feedback on the 2018-19 round, if not done already.

    Hywel Dda's application is approved at £488,000.00 with a condition, which moves the
    round to decided; feedback is then released (one email to the Hywel Dda applicant, which
    the console backend prints). Running it again changes nothing.
    """
    from criteria.domain.feedback import feedback_release
    from schemes.domain.decisions import decision_record
    from schemes.domain.rounds import round_transition
    from schemes.enums import ApplicationStatus, DecisionOutcome, RoundState
    from schemes.models import Application, Round

    manager = users["manager@example.org"]
    round = Round.objects.get(code=DEMO_DECIDED_ROUND)
    application = Application.objects.get(reference=DEMO_DECIDED_APPLICATION)
    _review_hywel_dda(round, application, manager, users)
    if round.state == RoundState.CLOSED:
        round = round_transition(
            round, to=RoundState.IN_REVIEW, acting_user=manager, note="Demo: panel review"
        )
    if application.status == ApplicationStatus.SUBMITTED:
        decision_record(
            application=application,
            outcome=DecisionOutcome.APPROVED,
            acting_user=manager,
            approved_amount=DEMO_APPROVED_AMOUNT,
            conditions=DEMO_CONDITIONS,
            decided_on=DEMO_DECIDED_ON,
        )
    round = Round.objects.get(pk=round.pk)
    if round.feedback_released_at is None and round.state == RoundState.DECIDED:
        feedback_release(round=round, acting_user=manager, now=DEMO_RELEASED_AT)
    return Round.objects.get(pk=round.pk)


__all__ = ["create_demo_decisions"]
