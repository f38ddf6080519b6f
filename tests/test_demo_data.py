"""Demo data: users in their roles, the seed applications, an always-open demo round."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from criteria.demo import DEMO_USERS, load_demo_data
from pacesetter.enums import Role
from pacesetter.models import User
from schemes.models import Application, Round

pytestmark = pytest.mark.django_db


def test_demo_round_is_open_for_eight_weeks_from_the_moment_of_loading():
    now = timezone.now() + datetime.timedelta(days=3)

    demo_round = load_demo_data(now=now)

    assert demo_round.name == "Pacesetter 2027-29"
    assert demo_round.opens_at == now
    assert demo_round.closes_at == now + datetime.timedelta(weeks=8)
    assert demo_round.criteria_set.code == "2020-22"
    assert demo_round.question_set.code == "2020-22"
    assert demo_round.frameworks.count() == 4


def test_demo_round_is_open_now_after_loading():
    load_demo_data()

    assert [round.code for round in Round.objects.open_now()] == ["2027-29"]


def test_load_demo_data_twice_creates_nothing_twice():
    load_demo_data()
    load_demo_data()

    assert User.objects.count() == len(DEMO_USERS)
    assert Application.objects.count() == 2
    assert Round.objects.filter(code="2027-29").count() == 1


def test_demo_users_have_their_roles_and_organisations():
    people = {user.email: (user.role, user.organisation.code) for user in User.objects.all()}

    assert people["applicant.cav@example.org"] == (Role.APPLICANT, "CAV")
    assert people["applicant.hdd@example.org"] == (Role.APPLICANT, "HDD")
    assert people["applicant.pth@example.org"] == (Role.APPLICANT, "PTH")
    assert people["reviewer3@example.org"] == (Role.REVIEWER, "CAV")
    assert people["manager@example.org"] == (Role.PROGRAMME_MANAGER, "WG")
    assert User.objects.get(email="admin@example.org").is_superuser
    assert User.objects.filter(is_superuser=True).count() == 1
    assert Round.objects.get(code="2020-22").panel_chair.email == "chair@example.org"


# Monitoring: Hywel Dda's 2018-19 scheme through its first year (seed 001; figures are demo).


def demo_agreement():
    from schemes.models import DeliveryAgreement

    return DeliveryAgreement.objects.get(application__reference="PS-2018-HDD-001")


def test_demo_agreement_is_accepted_at_the_approved_amount_with_the_seeds_stages():
    agreement = demo_agreement()

    assert (agreement.status, agreement.approved_amount) == ("accepted", Decimal("488000.00"))
    assert agreement.accepted_by.email == "applicant.hdd@example.org"
    assert (agreement.start_date, agreement.end_date) == (
        datetime.date(2018, 4, 1),
        datetime.date(2021, 3, 31),
    )
    assert list(agreement.milestones.values_list("title", "due_date")) == [
        ("Stage 1: Development & Preparation of Vision", datetime.date(2018, 1, 31)),
        ("Stage 2: Scoping Network Proposals", datetime.date(2018, 3, 31)),
        ("Stage 3: Implement Network Development – Year 1", datetime.date(2019, 3, 31)),
        ("Stage 3: Implement Network Development – Year 2", datetime.date(2020, 3, 31)),
        ("Stage 3: Implement Network Development – Year 3", datetime.date(2021, 3, 31)),
        ("Stage 4: Mainstream Implementation", datetime.date(2021, 3, 31)),
    ]


def test_demo_agreement_measures_quote_the_seeds_metrics():
    measures = list(
        demo_agreement().measures.values_list(
            "kind", "name", "collection_frequency", "baseline_value", "target_value"
        )
    )
    definitions = list(demo_agreement().measures.values_list("definition", flat=True))

    assert measures == [
        ("outcome", "GMS sustainability matrix scores", "quarterly", "9", "15"),
        ("process", "Enhanced service spread", "twice_a_year", "40", "75"),
        (
            "balancing",
            "Senior clinical workforce per head of population",
            "quarterly",
            "6.2",
            "6.8",
        ),
    ]
    assert definitions == [
        "GMS Sustainability : baseline sustainability matrix scores – reviewed quarterly for "
        "network practices and annually for non-network practices.",
        "Population Based Care : baseline enhanced service spread to be refreshed bi-annually.",
        "Strong Development of Teams : workforce information against existing baseline to "
        "specifically identify the growth of different roles and the senior clinical "
        "workforce per head of population.",
    ]


def test_demo_agreement_has_four_accepted_reports_of_2018_19_one_resubmitted():
    from pacesetter.enums import AuditAction
    from pacesetter.models import AuditEvent
    from schemes.domain.monitoring import spend_position

    agreement = demo_agreement()
    reports = [
        (report.period.end, report.status, report.versions.count(), report.spend_rating)
        for report in agreement.reports.select_related("period")
    ]

    assert reports == [
        (datetime.date(2018, 6, 30), "accepted", 1, "green"),
        (datetime.date(2018, 9, 30), "accepted", 2, "amber"),
        (datetime.date(2018, 12, 31), "accepted", 1, "green"),
        (datetime.date(2019, 3, 31), "accepted", 1, "green"),
    ]
    returned = AuditEvent.objects.filter(action=AuditAction.REPORT_RETURNED)
    assert [(event.actor.email, event.reason) for event in returned] == [
        (
            "manager@example.org",
            "Please explain the amber spend rating before we accept the report.",
        )
    ]
    total = spend_position(agreement).total
    assert (total.approved, total.spent, total.forecast, total.variance_percent) == (
        Decimal("488000.00"),
        Decimal("483750.50"),
        Decimal("483750.50"),
        Decimal("-0.9"),
    )


def test_load_demo_data_twice_changes_no_monitoring_record():
    from schemes.models import MeasureValue, Milestone, QuarterlyReport, ReportVersion

    def counts():
        return [
            model.objects.count()
            for model in (Milestone, QuarterlyReport, ReportVersion, MeasureValue)
        ]

    before = counts()

    load_demo_data()

    assert counts() == before == [6, 4, 5, 12]
