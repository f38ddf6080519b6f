"""An invited reviewer sets up an authenticator, then signs in with a code and a recovery code."""

import base64
import re
import time

import pytest
from django.core import mail
from django.test import override_settings
from django_otp.oath import TOTP
from playwright.sync_api import expect

from pacesetter.enums import Role
from pacesetter.models import Organisation, User
from pacesetter.people import person_invite
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://[^\s]+/invitations/[A-Za-z0-9_-]+/")
EMAIL = "mair.jones@example.org"
PASSWORD = "kettle orchard lantern meadow"


def code_from(secret_text, seconds_ahead=0):
    """Compute the code an authenticator app shows for the secret typed from the page."""
    secret = secret_text.replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = time.time() + seconds_ahead
    return f"{totp.token():06d}"


def sign_in_with_password(page, base_url):
    page.goto(f"{base_url}/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_accessible(page)


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_invited_reviewer_sets_up_an_authenticator_and_signs_in_with_codes(page, demo):
    person_invite(
        email=EMAIL,
        full_name="Mair Jones",
        role=Role.REVIEWER,
        organisation=Organisation.objects.get(code="HDD"),
        language="en",
        acting_user=User.objects.get(email="manager@example.org"),
        site_url=demo,
    )
    link = LINK.search(mail.outbox[0].body).group(0)

    page.goto(link)
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Set password and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()
    assert_accessible(page)
    page.goto(f"{demo}/rounds/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    secret = page.locator("#setup-key").inner_text()
    page.get_by_label("Code", exact=True).fill(code_from(secret))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your authenticator app is set up")
    codes = page.locator(".app-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page)
    page.get_by_role("link", name="Continue to your home page").click()
    assert page.url == f"{demo}/"
    assert_accessible(page)
    sign_out(page)

    sign_in_with_password(page, demo)
    # The set-up used this moment's code; an app shows the next one 30 seconds on.
    page.get_by_label("Code", exact=True).fill(code_from(secret, seconds_ahead=30))
    page.get_by_role("button", name="Continue").click()
    assert page.url == f"{demo}/"
    assert_accessible(page)
    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.locator("main")).to_contain_text("You have 10 recovery codes left.")
    assert_accessible(page)
    sign_out(page)

    sign_in_with_password(page, demo)
    page.get_by_label("Code", exact=True).fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    assert page.url == f"{demo}/"
    page.get_by_role("link", name="Your account").click()
    expect(page.locator("main")).to_contain_text("You have 9 recovery codes left.")
    assert_accessible(page)
    sign_out(page)

    sign_in_with_password(page, demo)
    page.get_by_label("Code", exact=True).fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The code is not right, or has been used."
    )
    assert_accessible(page)
