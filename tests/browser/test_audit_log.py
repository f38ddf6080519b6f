"""A programme manager reads the audit trail: the portal-wide log, filtered, then a timeline."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.models import AuditEvent, User
from schemes.enums import ApplicationStatus
from schemes.models import Application
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def trail(demo):
    """A submission, a return for clarification with a long reason, and a sign-in."""
    AuditEvent.objects.all().delete()
    manager = User.objects.get(email="manager@example.org")
    applicant = User.objects.get(email="applicant.cav@example.org")
    application = Application.objects.get(reference="PS-2020-CAV-001")
    start = timezone.now() - datetime.timedelta(days=2)
    audit_record(
        AuditAction.APPLICATION_SUBMITTED,
        actor=applicant,
        obj=application,
        from_state=ApplicationStatus.DRAFT,
        to_state=ApplicationStatus.SUBMITTED,
        at=start,
    )
    audit_record(
        AuditAction.APPLICATION_RETURNED,
        actor=manager,
        obj=application,
        from_state=ApplicationStatus.SUBMITTED,
        to_state=ApplicationStatus.CLARIFICATION,
        reason="Please say more about how the scheme will be staffed. " * 20,
        details={"sections": [2, 3]},
        at=start + datetime.timedelta(hours=1),
    )
    audit_record(AuditAction.SIGN_IN, actor=manager, at=start + datetime.timedelta(hours=2))
    return application


def test_manager_filters_the_audit_log_and_opens_an_applications_timeline(page, demo, trail):
    sign_in(page, demo, "manager@example.org")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    # The three events above, and the manager's own sign-in just now.
    expect(page.locator("#audit-events tbody tr")).to_have_count(4)
    expect(page.locator("#audit-events tbody tr").first).to_contain_text("Signed in")
    assert_accessible(page)

    page.get_by_label("Action").select_option(label="Returned for clarification")
    page.get_by_role("button", name="Show events").click()
    rows = page.locator("#audit-events tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("From Submitted to Returned for clarification")
    expect(page.get_by_role("link", name="Download as CSV (1 event)")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("From").fill("31/2/2027")
    page.get_by_role("button", name="Show events").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the ‘from’ date as a real date")
    expect(rows).to_have_count(1)
    assert_accessible(page)

    page.get_by_role("link", name=str(trail)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(trail.title)
    assert_accessible(page)

    page.get_by_role("link", name="Timeline", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeline")
    timeline = page.locator("#audit-events tbody tr")
    expect(timeline).to_have_count(2)
    expect(timeline.first).to_contain_text("Returned for clarification")
    expect(timeline.last).to_contain_text("From Draft to Submitted")
    assert_accessible(page)
