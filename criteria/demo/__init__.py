"""Demo data: the demo users, the two seed applications and an always-open demo round."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pacesetter.enums import Role
from pacesetter.fixture_loading import DEMO_FILES, REFERENCE_FILES, load_fixture_files
from pacesetter.models import Organisation, User
from schemes.enums import RoundState
from schemes.models import IndicativeShare, QuestionSet, Round, StrategicFramework

DEMO_PASSWORD = "pacesetter-demo"  # noqa: S105 - demo data only, published in the README
DEMO_ROUND_CODE = "2027-29"
DEMO_ROUND_OPEN_FOR = datetime.timedelta(weeks=8)


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: str
    organisation_code: str
    description: str
    superuser: bool = False


DEMO_USERS = [
    DemoUser(
        "applicant.cav@example.org",
        "Carys Evans",
        Role.APPLICANT,
        "CAV",
        "health board lead, Cardiff and Vale University Health Board",
    ),
    DemoUser(
        "applicant.hdd@example.org",
        "Huw Davies",
        Role.APPLICANT,
        "HDD",
        "health board lead, Hywel Dda University Health Board",
    ),
    DemoUser(
        "applicant.pth@example.org",
        "Non Pritchard",
        Role.APPLICANT,
        "PTH",
        "health board lead, Powys Teaching Health Board",
    ),
    DemoUser(
        "reviewer1@example.org",
        "Rhodri Williams",
        Role.REVIEWER,
        "WG",
        "panel reviewer, Welsh Government panel",
    ),
    DemoUser(
        "reviewer2@example.org",
        "Siân Morgan",
        Role.REVIEWER,
        "WG",
        "panel reviewer, Welsh Government panel",
    ),
    DemoUser(
        "reviewer3@example.org",
        "Gareth Lloyd",
        Role.REVIEWER,
        "CAV",
        "panel reviewer employed by Cardiff and Vale University Health Board",
    ),
    DemoUser(
        "manager@example.org",
        "Elin Roberts",
        Role.PROGRAMME_MANAGER,
        "WG",
        "programme manager, Welsh Government",
    ),
    DemoUser(
        "chair@example.org",
        "Alun Thomas",
        Role.REVIEWER,
        "WG",
        "panel chair, Welsh Government",
    ),
    DemoUser(
        "admin@example.org",
        "Portal Administrator",
        Role.PROGRAMME_MANAGER,
        "WG",
        "superuser, for the Django admin",
        superuser=True,
    ),
]


def create_demo_users():
    """Create or refresh the demo users, all with the demo password."""
    organisations = {org.code: org for org in Organisation.objects.all()}
    users = {}
    for spec in DEMO_USERS:
        user, _created = User.objects.update_or_create(
            email=spec.email,
            defaults={
                "full_name": spec.full_name,
                "role": spec.role,
                "organisation": organisations[spec.organisation_code],
                "is_staff": spec.superuser,
                "is_superuser": spec.superuser,
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        users[spec.email] = user
    return users


def open_demo_round(chair, now=None):
    """Create or refresh "Pacesetter 2027-29": open for eight weeks from now."""
    now = now or timezone.now()
    template = Round.objects.get(code="2020-22")
    demo_round, _created = Round.objects.update_or_create(
        code=DEMO_ROUND_CODE,
        defaults={
            "name": "Pacesetter 2027-29",
            # Proper names stay as they are in Welsh; the round opens only with both.
            "name_cy": "Pacesetter 2027-29",
            "state": RoundState.OPEN,
            "opens_at": now,
            "closes_at": now + DEMO_ROUND_OPEN_FOR,
            "earliest_start_date": datetime.date(2027, 4, 1),
            "latest_start_date": datetime.date(2028, 3, 31),
            "max_duration_months": 24,
            "envelope_total": Decimal("1050000.00"),
            "criteria_set": template.criteria_set,
            "question_set": QuestionSet.objects.get(code="2020-22"),
            "panel_chair": chair,
        },
    )
    demo_round.frameworks.set(StrategicFramework.objects.filter(rounds=template))
    for board in Organisation.objects.health_boards():
        IndicativeShare.objects.update_or_create(
            round=demo_round, organisation=board, defaults={"amount": Decimal("150000.00")}
        )
    return demo_round


# Demo reviews of the Cardiff and Vale application (the seeds hold no reviews: these are ours).
# reviewer1's is submitted; reviewer2's is a draft with the first five criteria scored.
DEMO_REVIEW_1 = {
    "1a": (4, "Tests structured QI facilitation with 1000 Lives in a small cluster of practices."),
    "1b": (2, "Little reflection on earlier pacesetter or transformation-funded QI work."),
    "1c": (2, "A single scheme; links to other pacesetters are not described."),
    "1d": (3, "QI capacity in primary care has had limited attention through pacesetter funds."),
    "1e": (1, "No account of financial redesign or resource shift between sectors."),
    "2a": (3, "Led by the Head of Primary Care; executive agreement is implied, not evidenced."),
    "2b": (2, "Stages are listed without dates or quarterly milestones."),
    "2c": (3, "£30,000 a year for support and evaluation, but measures lack baselines."),
    "2d": (3, "Sharing through clusters, CD Forum and practice manager meetings."),
    "3a": (4, "A band 7 post and GP sessions give dedicated project support."),
    "3b": (1, "Patients and communities are not involved in design, delivery or review."),
    "3c": (3, "Reports to the Service Delivery Group; IMTP fit is asserted briefly."),
    "4a": (4, "Supports GMS sustainability at cluster level, a named programme priority."),
    "4b": (4, "Ticks higher value, evidence driven, scalable and transformative principles."),
}
DEMO_REVIEW_2_DRAFT = {
    "1a": (3, "Builds on Silver Foundation and Practitioner training already in place."),
    "1b": (3, "Draws on the proof of concept with 1000 Lives."),
    "1c": (1, "Stands alone."),
    "1d": (3, "QI in primary care is an under-explored area."),
    "1e": (1, "Not addressed."),
}


def create_demo_reviews(users):
    """Put the 2020-22 round in review with two reviewers on the Cardiff and Vale application."""
    from criteria.enums import Recommendation, ReviewStatus
    from criteria.models import Assignment, Review, Score
    from schemes.domain.rounds import round_transition
    from schemes.models import Application

    manager = users["manager@example.org"]
    round = Round.objects.get(code="2020-22")
    if round.state == RoundState.CLOSED:
        round_transition(round, to=RoundState.IN_REVIEW, acting_user=manager)
    application = Application.objects.get(reference="PS-2020-CAV-001")
    criteria = {c.label: c for c in round.criteria_set.criteria.all()}
    for email, scores, submitted in (
        ("reviewer1@example.org", DEMO_REVIEW_1, True),
        ("reviewer2@example.org", DEMO_REVIEW_2_DRAFT, False),
    ):
        assignment, _created = Assignment.objects.get_or_create(
            application=application,
            reviewer=users[email],
            defaults={"assigned_by": manager},
        )
        review, created = Review.objects.get_or_create(
            assignment=assignment,
            defaults={
                "status": ReviewStatus.SUBMITTED if submitted else ReviewStatus.IN_PROGRESS,
                "recommendation": Recommendation.FUND_WITH_CONDITIONS if submitted else "",
                "comment": "Fund, on condition that patients are involved and measures have "
                "baselines before the scheme starts."
                if submitted
                else "",
                "submitted_at": timezone.now() if submitted else None,
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


@transaction.atomic
def load_demo_data(now=None):
    """Load reference data, then demo users, seed applications, reviews, decisions, demo round."""
    load_fixture_files(REFERENCE_FILES)
    users = create_demo_users()
    load_fixture_files(DEMO_FILES)
    chair = users["chair@example.org"]
    Round.objects.filter(code__in=["2018-19", "2020-22"]).update(panel_chair=chair)
    create_demo_reviews(users)
    from criteria.demo.decisions import create_demo_decisions

    create_demo_decisions(users)
    from criteria.demo.monitoring import create_demo_monitoring

    create_demo_monitoring(users)
    return open_demo_round(chair, now=now)
