"""The portal in Welsh: switching on the sign-in page, and every page of every role in Welsh.

Each page must say it is Welsh (`<html lang="cy">`), pass axe-core, and show no interface
string of the catalogue in English (text marked lang="en", written by people, is not checked).
"""

import pytest

from criteria.demo import DEMO_PASSWORD
from criteria.demo.pages import DEMO_ROLE_EMAILS, demo_pages
from pacesetter.models import User
from schemes.models import Application
from tests.browser.conftest import assert_accessible, assert_welsh
from tests.browser.test_reflow import hywel_dda_draft  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser


def test_switching_to_welsh_on_the_sign_in_page_keeps_welsh_after_signing_in(page, demo):
    page.goto(f"{demo}/accounts/login/")
    with page.expect_navigation():
        page.get_by_role("link", name="Cymraeg").click()

    assert_welsh(page)
    assert_accessible(page)
    page.get_by_label("Cyfeiriad e-bost").fill("applicant.cav@example.org")
    page.get_by_label("Cyfrinair").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Mewngofnodi").click()

    assert_welsh(page)
    assert_accessible(page)
    assert User.objects.get(email="applicant.cav@example.org").language == "cy"
    with page.expect_navigation():
        page.get_by_role("link", name="English").click()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert User.objects.get(email="applicant.cav@example.org").language == "en"


def test_a_welsh_validation_error_is_shown_in_welsh(page, demo):
    page.goto(f"{demo}/language/cy/?next=/accounts/login/")

    # The form is sent and its page comes back with the errors before anything is read from it.
    with page.expect_navigation():
        page.get_by_role("button", name="Mewngofnodi").click()

    assert_welsh(page)
    assert_accessible(page)
    summary = page.get_by_role("alert")
    assert summary.get_by_role("heading").inner_text() == "Mae problem wedi codi"


@pytest.mark.parametrize("role", list(DEMO_ROLE_EMAILS))
def test_every_page_of_a_role_comes_in_welsh(page, demo, hywel_dda_draft, role):  # noqa: F811
    email = DEMO_ROLE_EMAILS[role]
    User.objects.filter(email=email).update(language="cy")
    # An application's own pages come in the language it is written in.
    Application.objects.filter(pk=hywel_dda_draft.pk).update(language="cy")
    page.goto(f"{demo}/language/cy/?next=/accounts/login/")
    page.get_by_label("Cyfeiriad e-bost").fill(email)
    page.get_by_label("Cyfrinair").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Mewngofnodi").click()
    english = {}

    for demo_page in demo_pages(role):
        response = page.goto(f"{demo}{demo_page.path}")
        assert response.status == 200, demo_page.path
        assert_accessible(page)
        try:
            assert_welsh(page)
        except AssertionError as error:
            english[demo_page.name] = str(error)

    assert english == {}
