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


@transaction.atomic
def load_demo_data(now=None):
    """Load reference data, then the demo users, seed applications and demo round."""
    load_fixture_files(REFERENCE_FILES)
    users = create_demo_users()
    load_fixture_files(DEMO_FILES)
    chair = users["chair@example.org"]
    Round.objects.filter(code__in=["2018-19", "2020-22"]).update(panel_chair=chair)
    return open_demo_round(chair, now=now)
