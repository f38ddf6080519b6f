"""Monitoring's scoped querysets return exactly what their twin rules allow, for every role.

Over the agreements and reports of two boards (the demo board's lead is one of the roles)
and every role of tests/test_visibility.py: a lead sees their own board's, reviewers none,
managers all; a lead edits only their own board's draft or returned report.
"""

import datetime

import pytest

from pacesetter.models import Organisation
from pacesetter.permissions import can
from schemes.domain.monitoring import report_start
from schemes.models import DeliveryAgreement, QuarterlyReport
from tests.factories.monitoring import accepted_agreement, remove_demo_monitoring
from tests.test_visibility import ROLES, assert_twins_agree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def boards(db):
    return {organisation.code: organisation for organisation in Organisation.objects.all()}


@pytest.fixture
def user_with_monitoring(request, boards, demo_user):
    manager = demo_user("manager@example.org")
    for code in ("CAV", "HDD"):
        agreement, lead = accepted_agreement(manager=manager, organisation=boards[code])
        report_start(
            agreement=agreement,
            period=agreement.periods.order_by("start").first(),
            acting_user=lead,
            today=datetime.date(2018, 7, 10),
        )
    return make_user(request.param, boards)


@pytest.mark.parametrize("user_with_monitoring", ROLES, indirect=True)
def test_agreement_queryset_agrees_with_view_agreement_rule(user_with_monitoring):
    user = user_with_monitoring

    assert_twins_agree(
        user,
        DeliveryAgreement.objects.select_related("application"),
        DeliveryAgreement.objects.visible_to(user),
        "schemes.view_agreement",
    )


@pytest.mark.parametrize("user_with_monitoring", ROLES, indirect=True)
def test_report_queryset_agrees_with_view_report_rule(user_with_monitoring):
    user = user_with_monitoring

    assert_twins_agree(
        user,
        QuarterlyReport.objects.select_related("agreement__application"),
        QuarterlyReport.objects.visible_to(user),
        "schemes.view_report",
    )


@pytest.mark.parametrize(
    ("email", "sees", "edits"),
    [
        ("applicant.cav@example.org", ["CAV"], ["CAV"]),
        ("applicant.hdd@example.org", ["HDD"], ["HDD"]),
        ("reviewer1@example.org", [], []),
        ("manager@example.org", ["CAV", "HDD"], []),
    ],
)
def test_each_role_sees_and_edits_the_reports_it_should(
    user_with_monitoring_for, email, sees, edits
):
    user = user_with_monitoring_for(email)
    reports = QuarterlyReport.objects.select_related("agreement__application__organisation")

    seen = sorted(r.agreement.application.organisation.code for r in reports.visible_to(user))
    edited = sorted(
        r.agreement.application.organisation.code
        for r in reports
        if can(user, "schemes.edit_report", r)
    )

    assert (seen, edited) == (sees, edits)


@pytest.fixture
def user_with_monitoring_for(boards, demo_user):
    """One started report per board, and no others: the demo's Hywel Dda reports go first."""
    remove_demo_monitoring()
    manager = demo_user("manager@example.org")
    for code in ("CAV", "HDD"):
        agreement, lead = accepted_agreement(manager=manager, organisation=boards[code])
        report_start(
            agreement=agreement,
            period=agreement.periods.order_by("start").first(),
            acting_user=lead,
            today=datetime.date(2018, 7, 10),
        )
    return demo_user
