"""A programme manager pages through and searches a round's long lists of applications."""

import pytest
from playwright.sync_api import expect

from pacesetter.models import Organisation
from schemes.enums import ApplicationStatus
from schemes.models import Round
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ApplicationFactory, BudgetLineFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def long_round(demo):
    """The demo round in review with 60 more submitted applications, 61 in all."""
    round = Round.objects.get(code="2020-22")
    boards = list(Organisation.objects.health_boards())
    for number in range(60):
        application = ApplicationFactory(
            reference=f"PS-2020-LONG-{number:03d}",
            title=f"Long list scheme {number:03d}",
            round=round,
            organisation=boards[number % len(boards)],
            status=ApplicationStatus.SUBMITTED,
        )
        BudgetLineFactory(application=application)
    return round


def list_count(page):
    return page.locator("[data-list-count], #ranking-summary")


def test_manager_pages_and_searches_the_round_page_and_the_ranking(page, demo, long_round):
    sign_in(page, demo, "manager@example.org")
    page.goto(f"{demo}/rounds/2020-22/")
    expect(list_count(page)).to_have_text("Showing 1 to 50 of 61 applications")
    assert_accessible(page)

    pagination = page.get_by_role("navigation", name="Pagination")
    pagination.get_by_role("link", name="Next page").click()
    expect(list_count(page)).to_have_text("Showing 51 to 61 of 61 applications")
    expect(page.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")
    expect(page.locator("#round-applications tbody tr")).to_have_count(11)
    assert_accessible(page)

    page.get_by_label("Search applications").fill("long list scheme 05")
    page.get_by_role("button", name="Show applications").click()
    expect(list_count(page)).to_have_text("Showing 1 to 10 of 10 applications")
    expect(page.get_by_role("navigation", name="Pagination")).to_have_count(0)
    assert_accessible(page)

    page.goto(f"{demo}/rounds/2020-22/ranking/")
    expect(list_count(page)).to_contain_text("Showing 1 to 50 of 61 applications (of 61 ranked)")
    assert_accessible(page)
    page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Page 2").click()
    expect(list_count(page)).to_contain_text("Showing 51 to 61 of 61 applications")
    expect(page.locator("#page-totals")).to_contain_text(
        "Total for the 11 applications on this page"
    )
    assert_accessible(page)
    page.get_by_label("Search applications").fill("PS-2020-LONG-00")
    page.get_by_label("Sort by").select_option(label="Reference")
    page.get_by_role("button", name="Show applications").click()
    expect(page.locator("#ranking tbody tr[data-reference]")).to_have_count(10)
    expect(page.locator("#ranking tbody tr[data-reference]").first).to_have_attribute(
        "data-reference", "PS-2020-LONG-000"
    )
    assert_accessible(page)


def test_applicant_pages_and_searches_their_own_applications(page, demo):
    from schemes.enums import RoundState
    from tests.factories import RoundFactory

    round = RoundFactory(state=RoundState.IN_REVIEW, name="Pacesetter later round")
    board = Organisation.objects.get(code="CAV")
    for number in range(55):
        ApplicationFactory(
            reference=f"PS-LATER-CAV-{number:03d}",
            title=f"Later scheme {number:03d}",
            round=round,
            organisation=board,
            status=ApplicationStatus.SUBMITTED,
        )

    sign_in(page, demo, "applicant.cav@example.org")
    expect(list_count(page)).to_have_text("Showing 1 to 50 of 56 applications")
    assert_accessible(page)

    page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Page 2").click()
    expect(page.locator("#own-applications tbody tr")).to_have_count(6)
    expect(page.locator("#own-applications tbody tr").last).to_have_attribute(
        "data-reference", "PS-2020-CAV-001"
    )

    page.get_by_label("Round").select_option(label="Pacesetter 2020-22")
    page.get_by_role("button", name="Show applications").click()
    expect(list_count(page)).to_have_text("Showing 1 to 1 of 1 application")
    assert_accessible(page)

    page.get_by_role("link", name="Clear search and filters").click()
    page.get_by_label("Search applications").fill("later scheme 05")
    page.keyboard.press("Enter")
    expect(list_count(page)).to_have_text("Showing 1 to 5 of 5 applications")
    assert_accessible(page)
