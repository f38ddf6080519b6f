"""A manager invites a reviewer, who joins by the emailed link; then the manager stops them."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def cy(english):
    with translation.override("cy"):
        return translation.gettext(english)


LINK = re.compile(r"https?://[^\s]+/invitations/[A-Za-z0-9_-]+/")
PASSWORD = "kettle orchard lantern meadow"


@override_settings(REQUIRE_TWO_FACTOR=False)
def test_manager_invites_a_reviewer_who_joins_and_is_then_deactivated(page, browser, demo):
    sign_in(page, demo, "manager@example.org")
    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    assert_accessible(page)

    page.get_by_role("button", name="Invite a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite a person")
    assert_accessible(page)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the person’s full name")
    assert_accessible(page)

    page.get_by_label("Full name").fill("Mair Jones")
    page.get_by_label("Email address").fill("mair.jones@example.org")
    page.get_by_label("Panel reviewer").check()
    page.get_by_label("Organisation").select_option(label="Hywel Dda University Health Board")
    page.get_by_label("Welsh").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "An invitation has been sent to mair.jones@example.org"
    )
    expect(page.locator("[data-invitation='mair.jones@example.org']")).to_have_count(1)
    assert_accessible(page)

    assert [message.to for message in mail.outbox] == [["mair.jones@example.org"]]
    link = LINK.search(mail.outbox[0].body).group(0)

    invitee = browser.new_context(bypass_csp=True, locale="en-GB")
    reviewer_page = invitee.new_page()
    # Invited in Welsh, she is asked in Welsh, and her pages stay Welsh once she is in.
    reviewer_page.goto(link)
    expect(reviewer_page.get_by_role("heading", level=1)).to_have_text(cy("Set your password"))
    assert_accessible(reviewer_page)
    reviewer_page.get_by_label(cy("Password"), exact=True).fill(PASSWORD)
    reviewer_page.get_by_label(cy("Confirm password")).fill(PASSWORD)
    reviewer_page.get_by_role("button", name=cy("Set password and continue")).click()
    expect(reviewer_page.locator(".govuk-notification-banner")).to_contain_text(
        cy("Your password has been set. Welcome to the portal.")
    )
    assert reviewer_page.url == f"{demo}/"
    assert_accessible(reviewer_page)

    reviewer_page.goto(link)
    expect(reviewer_page.get_by_role("heading", level=1)).to_have_text(
        cy("This invitation has already been used")
    )
    assert_accessible(reviewer_page)

    page.goto(f"{demo}/people/?search=mair")
    assert_accessible(page)
    page.get_by_role("link", name="Mair Jones").click()
    expect(page.locator("[data-role]")).to_have_text("Panel reviewer")
    assert_accessible(page)
    page.get_by_role("link", name="Deactivate Mair Jones").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deactivate this person")
    assert_accessible(page)
    page.get_by_label("Reason for deactivating").fill("Invited by mistake")
    page.get_by_role("button", name="Deactivate").click()
    expect(page.locator("[data-access]")).to_have_text("Deactivated")
    assert_accessible(page)

    reviewer_page.goto(f"{demo}/rounds/")
    expect(reviewer_page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert reviewer_page.url == f"{demo}/accounts/login/?next=/rounds/"
    assert_accessible(reviewer_page)
    invitee.close()
