"""The budget editor through its pages: the seeds' costings, bad input, stale pages, access."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from pacesetter.models import Organisation
from schemes.domain.editing import NOT_EDITABLE, STALE_EDIT
from schemes.models import Application, BudgetLine, OtherFunding, Round
from tests.factories import ApplicationFactory, BudgetLineFactory, OtherFundingFactory

pytestmark = pytest.mark.django_db

APPLICANT_CAV = "applicant.cav@example.org"


@pytest.fixture
def application():
    return ApplicationFactory(
        round=Round.objects.get(code="2027-29"),
        organisation=Organisation.objects.get(code="CAV"),
        status="draft",
    )


@pytest.fixture
def applicant(signed_in):
    return signed_in(APPLICANT_CAV)


def url(name, application, *args):
    return reverse(f"schemes:{name}", args=[application.reference, *args])


def text(element):
    return " ".join(element.get_text(" ").split())


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def current_version(application):
    return Application.objects.get(pk=application.pk).version


def line_fields(application, **fields):
    """The add/edit form as a person fills it in: a fixed amount of staff cost in year 1."""
    return {
        "version": current_version(application),
        "year": "1",
        "category": "staff",
        "description": "Project management",
        "costing": "amount",
        "quantity": "",
        "unit_cost": "",
        "amount": "12000.00",
        "percentage": "",
        "percentage_of": "year",
        "comment": "",
        **fields,
    }


def add_line(client, application, **fields):
    response = client.post(url("add_budget_line", application), line_fields(application, **fields))
    assert response.status_code == 302, soup_of(response).select(".govuk-error-summary")
    return response


def fixed(client, application, year, description, amount, category="staff"):
    add_line(
        client,
        application,
        year=str(year),
        description=description,
        category=category,
        costing="amount",
        amount=amount,
    )


def sessions(client, application, description, quantity, unit_cost):
    add_line(
        client,
        application,
        description=description,
        costing="quantity",
        quantity=str(quantity),
        unit_cost=unit_cost,
    )


def overheads(client, application, year, description, percentage="10"):
    add_line(
        client,
        application,
        year=str(year),
        description=description,
        category="overheads",
        costing="percentage",
        percentage=percentage,
        percentage_of="year",
    )


def page_totals(client, application):
    soup = soup_of(client.get(url("budget", application)))
    return {cell["data-total"]: text(cell) for cell in soup.select("[data-total]")}


def page_lines(client, application, year=1):
    soup = soup_of(client.get(url("budget", application)))
    return [
        (text(row.select_one("td")), text(row.select_one("[data-amount]")))
        for row in soup.select(f"#budget-year-{year} tr[data-line]")
    ]


def error_summary(response):
    return [text(link) for link in soup_of(response).select(".govuk-error-summary__list li")]


def field_errors(response):
    return [text(message) for message in soup_of(response).select(".govuk-error-message")]


def budget_state(application):
    """Everything a failed save must leave as it was."""
    return (
        current_version(application),
        list(BudgetLine.objects.filter(application=application).order_by("pk").values()),
        list(OtherFunding.objects.filter(application=application).order_by("pk").values()),
    )


def enter_quality_improvement_collaborative_year(client, application, year, lead, lead_title):
    """Seed 002, Appendix B: one year of the Quality Improvement collaborative."""
    fixed(client, application, year, lead_title, lead)
    fixed(client, application, year, "Project management", "£12,000.00")
    fixed(client, application, year, "Administrative support", "£7,500.00")
    fixed(client, application, year, "Data analysis (CEG)", "£15,000.00")
    fixed(client, application, year, "Backfill - GP", "£52,000.00")
    fixed(client, application, year, "Backfill - Manager", "£12,000.00")
    fixed(client, application, year, "Venue hire for learning sessions", "£1,855.00", "non_staff")
    fixed(client, application, year, "Catering for learning sessions", "£3,000.00", "non_staff")
    overheads(client, application, year, "Confederation overheads (10%)")


def test_budget_editor_quality_improvement_collaborative_matches_seed(applicant, application):
    enter_quality_improvement_collaborative_year(
        applicant, application, 1, "£209,424.00", "UCPL QI Lead"
    )
    enter_quality_improvement_collaborative_year(
        applicant, application, 2, "£52,000.00", "Local QI Lead"
    )

    totals = page_totals(applicant, application)

    assert totals == {
        "subtotal-1": "£312,779.00",
        "year-1": "£344,056.90",
        "subtotal-2": "£155,355.00",
        "year-2": "£170,890.50",
        "requested": "£514,947.40",
        "other-funding": "£0.00",
        "project": "£514,947.40",
    }
    assert page_lines(applicant, application, year=2)[-1] == (
        "Confederation overheads (10%)",
        "£15,535.50",
    )
    stored = Application.objects.get(pk=application.pk).totals()
    assert [year.total for year in stored.years] == [Decimal("344056.90"), Decimal("170890.50")]
    assert stored.requested == Decimal("514947.40")


def test_budget_editor_practice_support_team_matches_seed(applicant, application):
    # Seed 002, Appendix A, with each "£325 per session x 1 session per practice" across the
    # 20 practices entered as quantity x unit cost.
    fixed(applicant, application, 1, "Confederation staff time", "1,000.00")
    fixed(applicant, application, 1, "Project administrative support", "7,500.00")
    sessions(applicant, application, "Diagnostics: GP", 20, "325.00")
    sessions(applicant, application, "Diagnostics: Practice Manager", 20, "150.00")
    sessions(applicant, application, "Diagnostics: IT/EMIS support", 20, "125.00")
    sessions(applicant, application, "Action plan: GP", 100, "325.00")
    sessions(applicant, application, "Action plan: Practice Manager", 100, "150.00")
    sessions(applicant, application, "Action plan: IT/EMIS support", 100, "125.00")
    sessions(applicant, application, "Ongoing: GP", 40, "325.00")
    sessions(applicant, application, "Ongoing: Practice Manager", 40, "150.00")
    sessions(applicant, application, "Ongoing: IT/EMIS support", 40, "125.00")
    sessions(applicant, application, "Ongoing: Contracts or Practice Support Manager", 40, "200")
    sessions(applicant, application, "Ongoing: Director of Workforce", 40, "300")
    overheads(applicant, application, 1, "Confederation Overheads")

    totals = page_totals(applicant, application)
    lines = page_lines(applicant, application)

    assert totals["year-1"] == "£136,950.00"
    assert totals["requested"] == "£136,950.00"
    assert lines[2] == ("Diagnostics: GP", "£6,500.00")
    assert lines[-1] == ("Confederation Overheads", "£12,450.00")
    stored = Application.objects.get(pk=application.pk).totals()
    assert stored.years[0].percentage_total == Decimal("12450.00")
    assert stored.requested == Decimal("136950.00")


def test_budget_editor_other_funding_gives_total_project_cost(applicant, application):
    fixed(applicant, application, 1, "Networked model", "488,000.00")

    response = applicant.post(
        url("add_other_funding", application),
        {
            "version": current_version(application),
            "source": "Health board",
            "amount": "£559,000.00",
            "comment": "",
        },
    )

    assert response.status_code == 302
    totals = page_totals(applicant, application)
    assert (totals["requested"], totals["other-funding"], totals["project"]) == (
        "£488,000.00",
        "£559,000.00",
        "£1,047,000.00",
    )


def test_budget_line_add_keeps_only_the_chosen_costing(applicant, application):
    add_line(
        applicant,
        application,
        costing="quantity",
        quantity="20",
        unit_cost="325",
        amount="999.99",
        percentage="10",
    )

    line = BudgetLine.objects.get(application=application)
    assert (line.quantity, line.unit_cost, line.amount, line.percentage, line.percentage_of) == (
        20,
        Decimal("325.00"),
        None,
        None,
        "",
    )


def test_budget_line_edit_changes_the_costing_and_clears_the_old_one(applicant, application):
    line = BudgetLineFactory(
        application=application, quantity=20, unit_cost=Decimal("325"), amount=None
    )

    response = applicant.post(
        url("edit_budget_line", application, line.pk),
        line_fields(application, costing="percentage", percentage="12.5", percentage_of="staff"),
    )

    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.quantity, line.unit_cost, line.amount, line.percentage, line.percentage_of) == (
        None,
        None,
        None,
        Decimal("12.50"),
        "staff",
    )


def test_budget_line_edit_page_shows_the_saved_values(applicant, application):
    line = BudgetLineFactory(
        application=application, quantity=20, unit_cost=Decimal("325"), amount=None
    )

    soup = soup_of(applicant.get(url("edit_budget_line", application, line.pk)))

    assert soup.select_one("#id_quantity")["value"] == "20"
    assert soup.select_one("#id_unit_cost")["value"] == "325.00"
    assert soup.select_one("input[name=costing][checked]")["value"] == "quantity"


def test_budget_line_add_page_starts_at_the_year_asked_for(applicant, application):
    soup = soup_of(applicant.get(url("add_budget_line", application) + "?year=2"))

    assert soup.select_one("input[name=year][checked]")["value"] == "2"


def test_budget_line_add_offers_the_rounds_years(applicant, application):
    soup = soup_of(applicant.get(url("add_budget_line", application)))

    assert [radio["value"] for radio in soup.select("input[name=year]")] == ["1", "2"]


def test_budget_line_remove_deletes_the_line_and_closes_the_gap(applicant, application):
    first, second, third = (
        BudgetLineFactory(application=application, order=order, description=name)
        for order, name in ((1, "First"), (2, "Second"), (3, "Third"))
    )

    confirm = applicant.get(url("remove_budget_line", application, second.pk))
    response = applicant.post(
        url("remove_budget_line", application, second.pk),
        {"version": current_version(application)},
    )

    assert confirm.status_code == 200
    assert response.status_code == 302
    assert list(
        BudgetLine.objects.filter(application=application).values_list("description", "order")
    ) == [("First", 1), ("Third", 2)]


def test_other_funding_edit_and_remove(applicant, application):
    funding = OtherFundingFactory(application=application, source="Partner", amount=Decimal("5"))

    applicant.post(
        url("edit_other_funding", application, funding.pk),
        {"version": current_version(application), "source": "Council", "amount": "7.50"},
    )
    funding.refresh_from_db()
    changed = (funding.source, funding.amount)
    applicant.post(
        url("remove_other_funding", application, funding.pk),
        {"version": current_version(application)},
    )

    assert changed == ("Council", Decimal("7.50"))
    assert OtherFunding.objects.filter(application=application).count() == 0


def test_budget_line_save_and_come_back_later_goes_to_the_task_list(applicant, application):
    response = applicant.post(
        url("add_budget_line", application), {**line_fields(application), "save_and_return": "yes"}
    )

    assert response.status_code == 302
    assert response["Location"] == url("task_list", application)
    assert BudgetLine.objects.filter(application=application).count() == 1


def test_budget_line_save_raises_the_version_once(applicant, application):
    before = current_version(application)

    add_line(applicant, application)

    assert current_version(application) == before + 1


AMOUNT_FORMAT = "Enter an amount in pounds and pence, like 1250.50"
TWO_PLACES = "Enter an amount in pounds and pence with no more than 2 decimal places, like 1250.50"
YEAR_RANGE = "Select a year from 1 to 2"

BAD_LINES = [
    ({"amount": "-5.00"}, "amount", "Enter an amount of £0.00 or more"),
    ({"amount": "twelve pounds"}, "amount", AMOUNT_FORMAT),
    ({"amount": ""}, "amount", "Enter the amount in pounds and pence, like 1250.50"),
    ({"amount": "12.345"}, "amount", TWO_PLACES),
    ({"amount": "1e3"}, "amount", AMOUNT_FORMAT),
    ({"amount": "NaN"}, "amount", AMOUNT_FORMAT),
    ({"amount": "Infinity"}, "amount", AMOUNT_FORMAT),
    ({"amount": "100000000.01"}, "amount", "Enter an amount of £100,000,000.00 or less"),
    (
        {"costing": "quantity", "quantity": "1", "unit_cost": "100,000,000.01"},
        "unit_cost",
        "Enter an amount of £100,000,000.00 or less",
    ),
    (
        {"costing": "quantity", "quantity": "2", "unit_cost": "50000000.01"},
        "unit_cost",
        "Quantity × unit cost must come to £100,000,000.00 or less",
    ),
    (
        {"costing": "quantity", "quantity": "20", "unit_cost": "-325"},
        "unit_cost",
        "Enter an amount of £0.00 or more",
    ),
    (
        {"costing": "quantity", "quantity": "20", "unit_cost": "325.001"},
        "unit_cost",
        TWO_PLACES,
    ),
    (
        {"costing": "quantity", "quantity": "20", "unit_cost": ""},
        "unit_cost",
        "Enter the unit cost in pounds and pence, like 325.00",
    ),
    (
        {"costing": "quantity", "quantity": "0", "unit_cost": "325"},
        "quantity",
        "Enter a quantity of 1 or more",
    ),
    (
        {"costing": "quantity", "quantity": "1.5", "unit_cost": "325"},
        "quantity",
        "Enter the quantity as a whole number, like 20",
    ),
    (
        {"costing": "quantity", "quantity": "", "unit_cost": "325"},
        "quantity",
        "Enter the quantity, like 20",
    ),
    (
        {"costing": "percentage", "percentage": "100.5"},
        "percentage",
        "Enter a percentage from 0 to 100",
    ),
    (
        {"costing": "percentage", "percentage": "-10"},
        "percentage",
        "Enter a percentage from 0 to 100",
    ),
    (
        {"costing": "percentage", "percentage": "10.125"},
        "percentage",
        "Enter a percentage with no more than 2 decimal places, like 12.5",
    ),
    ({"costing": "percentage", "percentage": ""}, "percentage", "Enter the percentage, like 10"),
    (
        {"costing": "percentage", "percentage": "10", "percentage_of": "everything"},
        "percentage_of",
        "Select what the percentage is of",
    ),
    ({"year": "0"}, "year", YEAR_RANGE),
    ({"year": "3"}, "year", YEAR_RANGE),
    ({"year": "one"}, "year", YEAR_RANGE),
    ({"description": ""}, "description", "Enter a description of the budget line"),
    ({"description": "   "}, "description", "Enter a description of the budget line"),
    ({"category": ""}, "category", "Select the category of the budget line"),
    ({"category": "travel"}, "category", "Select the category of the budget line"),
    ({"costing": ""}, "costing", "Select how this line is costed"),
]


@pytest.mark.parametrize(("fields", "field", "message"), BAD_LINES)
def test_budget_line_add_bad_input_shows_the_error_and_changes_nothing(
    applicant, application, fields, field, message
):
    BudgetLineFactory(application=application, order=1)
    before = budget_state(application)

    response = applicant.post(
        url("add_budget_line", application), line_fields(application, **fields)
    )

    assert response.status_code == 200
    assert error_summary(response) == [message]
    assert field_errors(response) == [f"Error: {message}"]
    assert soup_of(response).select_one(".govuk-form-group--error [name]")["name"] == field
    assert budget_state(application) == before


@pytest.mark.parametrize(("fields", "field", "message"), BAD_LINES[:6])
def test_budget_line_edit_bad_input_shows_the_error_and_changes_nothing(
    applicant, application, fields, field, message
):
    line = BudgetLineFactory(application=application, order=1)
    before = budget_state(application)

    response = applicant.post(
        url("edit_budget_line", application, line.pk), line_fields(application, **fields)
    )

    assert response.status_code == 200
    assert error_summary(response) == [message]
    assert budget_state(application) == before


def test_budget_line_error_summary_links_to_the_first_radio(applicant, application):
    response = applicant.post(
        url("add_budget_line", application), line_fields(application, costing="")
    )

    soup = soup_of(response)
    anchor = soup.select_one(".govuk-error-summary__list a")["href"]
    assert soup.select_one(anchor)["name"] == "costing"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "-1"}, "Enter an amount of £0.00 or more"),
        ({"amount": "1.005"}, TWO_PLACES),
        ({"amount": ""}, "Enter the amount in pounds and pence, like 559000.00"),
        ({"source": ""}, "Enter where the funding comes from"),
    ],
)
def test_other_funding_bad_input_shows_the_error_and_changes_nothing(
    applicant, application, fields, message
):
    before = budget_state(application)

    response = applicant.post(
        url("add_other_funding", application),
        {"version": current_version(application), "source": "Partner", "amount": "10", **fields},
    )

    assert response.status_code == 200
    assert error_summary(response) == [message]
    assert budget_state(application) == before


def test_budget_line_add_from_a_stale_page_is_refused_and_writes_nothing(applicant, application):
    drawn_at = current_version(application)
    add_line(applicant, application, description="Someone else's line")
    before = budget_state(application)

    response = applicant.post(
        url("add_budget_line", application), {**line_fields(application), "version": drawn_at}
    )

    assert response.status_code == 200
    assert error_summary(response) == [str(STALE_EDIT)]
    assert budget_state(application) == before


def test_budget_line_move_from_a_stale_page_is_refused_and_writes_nothing(applicant, application):
    first = BudgetLineFactory(application=application, order=1)
    BudgetLineFactory(application=application, order=2)
    drawn_at = current_version(application)
    add_line(applicant, application)
    before = budget_state(application)

    response = applicant.post(
        url("move_budget_line", application, first.pk), {"version": drawn_at, "direction": "down"}
    )

    assert response.status_code == 200
    assert error_summary(response) == [str(STALE_EDIT)]
    assert budget_state(application) == before


@pytest.mark.parametrize(
    "name", ["remove_budget_line", "edit_other_funding", "remove_other_funding"]
)
def test_budget_remove_and_funding_from_a_stale_page_is_refused(applicant, application, name):
    line = BudgetLineFactory(application=application)
    funding = OtherFundingFactory(application=application)
    pk = funding.pk if "funding" in name else line.pk
    drawn_at = current_version(application)
    add_line(applicant, application)
    before = budget_state(application)

    response = applicant.post(
        url(name, application, pk), {"version": drawn_at, "source": "New", "amount": "1"}
    )

    assert error_summary(response) == [str(STALE_EDIT)]
    assert budget_state(application) == before


def budget_urls(application, line, funding):
    """Every budget page, and the method each is used with."""
    return [
        ("get", url("budget", application)),
        ("get", url("add_budget_line", application)),
        ("post", url("add_budget_line", application)),
        ("get", url("edit_budget_line", application, line.pk)),
        ("post", url("edit_budget_line", application, line.pk)),
        ("get", url("remove_budget_line", application, line.pk)),
        ("post", url("remove_budget_line", application, line.pk)),
        ("post", url("move_budget_line", application, line.pk)),
        ("get", url("add_other_funding", application)),
        ("post", url("add_other_funding", application)),
        ("get", url("edit_other_funding", application, funding.pk)),
        ("post", url("edit_other_funding", application, funding.pk)),
        ("get", url("remove_other_funding", application, funding.pk)),
        ("post", url("remove_other_funding", application, funding.pk)),
    ]


def request_every_budget_url(client, application):
    line = BudgetLineFactory(application=application, order=1)
    BudgetLineFactory(application=application, order=2)
    funding = OtherFundingFactory(application=application)
    before = budget_state(application)
    statuses = []
    for method, path in budget_urls(application, line, funding):
        data = {**line_fields(application), "direction": "down", "source": "Partner"}
        response = getattr(client, method)(path, data if method == "post" else None)
        statuses.append(response.status_code)
    return statuses, before


def test_budget_editor_on_a_submitted_application_is_refused(applicant, application):
    Application.objects.filter(pk=application.pk).update(status="submitted")

    statuses, before = request_every_budget_url(applicant, application)

    assert statuses == [403] * 14
    assert budget_state(application) == before


def test_budget_editor_refusal_says_why(applicant, application):
    Application.objects.filter(pk=application.pk).update(status="withdrawn")

    response = applicant.get(url("budget", application))

    assert response.status_code == 403
    assert text(soup_of(response).select_one("main p")) == str(NOT_EDITABLE)


def test_budget_editor_for_another_boards_applicant_is_page_not_found(signed_in, application):
    statuses, before = request_every_budget_url(signed_in("applicant.hdd@example.org"), application)

    assert statuses == [404] * 14
    assert budget_state(application) == before


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("reviewer1@example.org", 404),
        ("reviewer3@example.org", 404),
        ("chair@example.org", 404),
        ("manager@example.org", 403),
    ],
)
def test_budget_editor_for_reviewers_and_managers_is_refused(signed_in, application, email, status):
    statuses, before = request_every_budget_url(signed_in(email), application)

    assert statuses == [status] * 14
    assert budget_state(application) == before


def test_budget_editor_for_a_signed_out_visitor_goes_to_sign_in(client, application):
    response = client.get(url("budget", application))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_budget_line_add_without_csrf_token_is_refused(demo_user, application):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user(APPLICANT_CAV))
    before = budget_state(application)

    response = client.post(url("add_budget_line", application), line_fields(application))

    assert response.status_code == 403
    assert budget_state(application) == before


def test_budget_line_edit_of_another_applications_line_is_page_not_found(applicant, application):
    other = BudgetLineFactory(
        application=ApplicationFactory(
            round=application.round, organisation=application.organisation
        )
    )
    before = budget_state(application)

    responses = [
        applicant.get(url("edit_budget_line", application, other.pk)),
        applicant.post(url("edit_budget_line", application, other.pk), line_fields(application)),
        applicant.post(
            url("move_budget_line", application, other.pk),
            {"version": current_version(application), "direction": "up"},
        ),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]
    assert budget_state(application) == before


def move(client, application, line, direction):
    return client.post(
        url("move_budget_line", application, line.pk),
        {"version": current_version(application), "direction": direction},
    )


def three_lines(application):
    return [
        BudgetLineFactory(application=application, order=order, description=name)
        for order, name in ((1, "First"), (2, "Second"), (3, "Third"))
    ]


def descriptions(client, application):
    return [description for description, _ in page_lines(client, application)]


def test_budget_line_move_up_changes_the_order_shown(applicant, application):
    first, second, third = three_lines(application)

    response = move(applicant, application, third, "up")

    assert response.status_code == 302
    assert descriptions(applicant, application) == ["First", "Third", "Second"]


def test_budget_line_move_down_changes_the_order_shown(applicant, application):
    first, second, third = three_lines(application)

    move(applicant, application, first, "down")

    assert descriptions(applicant, application) == ["Second", "First", "Third"]


def test_budget_line_move_first_up_is_a_no_op(applicant, application):
    first, second, third = three_lines(application)

    response = move(applicant, application, first, "up")

    assert response.status_code == 302
    assert descriptions(applicant, application) == ["First", "Second", "Third"]


def test_budget_line_move_last_down_is_a_no_op(applicant, application):
    first, second, third = three_lines(application)

    response = move(applicant, application, third, "down")

    assert response.status_code == 302
    assert descriptions(applicant, application) == ["First", "Second", "Third"]


def test_budget_line_move_only_reorders_its_own_year(applicant, application):
    first, second, third = three_lines(application)
    other_year = BudgetLineFactory(application=application, year=2, order=7, description="Y2")

    move(applicant, application, second, "up")

    other_year.refresh_from_db()
    assert descriptions(applicant, application) == ["Second", "First", "Third"]
    assert other_year.order == 7


def test_budget_line_move_without_a_direction_is_refused(applicant, application):
    first, second, third = three_lines(application)
    before = budget_state(application)

    response = move(applicant, application, second, "sideways")

    assert response.status_code == 200
    assert error_summary(response) == ["Choose to move the line up or down"]
    assert budget_state(application) == before


def test_budget_line_move_by_get_is_not_allowed(applicant, application):
    first, second, third = three_lines(application)

    response = applicant.get(url("move_budget_line", application, second.pk))

    assert response.status_code == 405


def budget_page_queries(client, application, django_assert_max_num_queries, count):
    BudgetLine.objects.filter(application=application).delete()
    for order in range(count):
        BudgetLineFactory(application=application, order=order, year=order % 2 + 1)
    BudgetLineFactory(
        application=application,
        order=99,
        category="overheads",
        amount=None,
        percentage=Decimal("10"),
        percentage_of="year",
    )
    OtherFundingFactory(application=application)
    with django_assert_max_num_queries(10) as captured:
        response = client.get(url("budget", application))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_budget_page_queries_stay_flat_as_lines_grow(
    applicant, application, django_assert_max_num_queries
):
    few = budget_page_queries(applicant, application, django_assert_max_num_queries, 3)
    many = budget_page_queries(applicant, application, django_assert_max_num_queries, 40)

    assert many == few
