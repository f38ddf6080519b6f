"""What each page shows: the seeds' applications, criteria and rounds, exactly."""

import pytest
from bs4 import BeautifulSoup
from django import forms

from schemes.models import Answer, Application, QuestionSet
from tests.factories import AnswerFactory, BudgetLineFactory

pytestmark = pytest.mark.django_db


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def text(element):
    return " ".join(element.get_text(" ").split())


def question_headings(soup):
    return [text(h) for h in soup.select("[id^=question-] > h3")]


def test_cav_application_shows_every_question_in_form_order(signed_in):
    soup = page(signed_in("applicant.cav@example.org"), "/applications/PS-2020-CAV-001/")

    # Headings drop the Word form's trailing full stops (`Question.heading`, issue 17).
    expected = [
        f"{q.number}. {' '.join(q.heading.split())}"
        for q in QuestionSet.objects.get(code="2020-22").questions_in_order()
    ]
    assert question_headings(soup) == expected


def test_cav_application_shows_each_answer_under_its_question(signed_in):
    soup = page(signed_in("manager@example.org"), "/applications/PS-2020-CAV-001/")

    problem = soup.select_one("#question-3")
    assert text(problem.select_one("p.govuk-body")) == (
        "Quality improvement is recognised as a key area for primary care providers to focus on, "
        "however, there is a level of variance in terms of training needs and capacity to progress "
        "quality improvement schemes with primary and community care."
    )
    assert text(soup.select_one("#question-4 .govuk-hint")) == (
        "(no more than half a page - embed 'Plan on a Page' if available or add simple "
        "template as annex 2)"
    )
    assert text(soup.select_one("#question-6 p.govuk-body")) == "April 2020"
    assert text(soup.select_one("#question-7 p.govuk-body")) == "2 Years"
    assert [text(li) for li in soup.select("#question-9 li")] == [
        "Primary care contractor team members, clusters and community staff will receive "
        "appropriate Quality Improvement training",
        "Primary care contractor team members, clusters and community staff will be supported "
        "to take forward Quality Improvement programmes.",
        "Sharing outcomes from QI projects and how to embed QI in primary care settings.",
    ]


def test_cav_application_budget_is_148000_a_year_and_296000_in_all(signed_in):
    soup = page(signed_in("applicant.cav@example.org"), "/applications/PS-2020-CAV-001/")

    totals = {cell["data-total"]: text(cell) for cell in soup.select("[data-total]")}

    assert totals == {
        "year-1": "£148,000.00",
        "year-2": "£148,000.00",
        "requested": "£296,000.00",
        "other-funding": "£0.00",
        "project": "£296,000.00",
    }
    year_1 = soup.select("#budget-year-1 tbody tr")
    assert [text(row.select("td")[0]) for row in year_1[:3]] == [
        "5 Sessions",
        "1 x band 7 posts",
        "Support & Evaluation",
    ]
    assert [text(row.select("td")[3]) for row in year_1[:3]] == [
        "£60,000.00",
        "£58,000.00",
        "£30,000.00",
    ]


def test_hdd_application_budget_is_488000_of_1047000(signed_in):
    soup = page(signed_in("applicant.hdd@example.org"), "/applications/PS-2018-HDD-001/")

    totals = {cell["data-total"]: text(cell) for cell in soup.select("[data-total]")}

    assert totals["requested"] == "£488,000.00"
    assert totals["other-funding"] == "£559,000.00"
    assert totals["project"] == "£1,047,000.00"
    assert text(soup.select_one("#question-5 p.govuk-body")) == (
        "£0.488m – this will be cross subsidised taking the entire project spend to £1.047m."
    )


def test_hdd_application_shows_2018_19_questions_in_form_order(signed_in):
    soup = page(signed_in("applicant.hdd@example.org"), "/applications/PS-2018-HDD-001/")

    expected = [
        f"{q.number}. {' '.join(q.label.split())}"
        for q in QuestionSet.objects.get(code="2018-19").questions_in_order()
    ]
    assert question_headings(soup) == expected
    assert soup.select("[data-ticked]") == []  # the 2018-19 round has no tick matrix


def test_cav_application_tick_matrix_shows_the_seed_ticks(signed_in):
    soup = page(signed_in("applicant.cav@example.org"), "/applications/PS-2020-CAV-001/")

    ticked = [
        (text(cell.find_parent("table").caption), text(cell.find_parent("tr").td))
        for cell in soup.select("[data-ticked=yes]")
    ]

    assert len(soup.select("[data-ticked]")) == 32
    assert ticked == [
        (
            "A Healthier Wales - The Ten Design Principles (page 17)",
            "7. Higher value – better outcomes and patient experiences",
        ),
        (
            "A Healthier Wales - The Ten Design Principles (page 17)",
            "8. Evidence driven – understand what works, evaluating innovative work and "
            "learning from others",
        ),
        (
            "A Healthier Wales - The Ten Design Principles (page 17)",
            "9. Scalable – Ensuring that good practice scales up",
        ),
        (
            "A Healthier Wales - The Ten Design Principles (page 17)",
            "10. Transformative – new ways of working are affordable and sustainable and change "
            "or replace approaches",
        ),
        (
            "Aims of the primary care pacesetter fund",
            "1. Sustainability – contracting general medical services at cluster level",
        ),
        ("The Strategic Programme for Primary Care", "6. Transformation & the Vision for Clusters"),
    ]


def test_criteria_2020_22_page_shows_groups_lettered_criteria_and_bold_key_phrases(signed_in):
    soup = page(signed_in("reviewer1@example.org"), "/criteria/2020-22/v1/")

    assert [text(h) for h in soup.select("h2[id^=group-]")] == [
        "1. Consideration should be given to schemes that:",
        "2. Each scheme to be underpinned by a:",
        "3. Evidence that:",
        "4. The schemes should be aligned to:",
    ]
    assert len(soup.select("li[id^=criterion-]")) == 14
    criterion_4a = soup.select_one("#criterion-4a")
    assert [text(strong) for strong in criterion_4a.select("strong")] == [
        "priorities set out for the Pacesetter programme",
        "Primary Care Model for Wales",
    ]
    assert text(soup.select_one("#criterion-1a")).startswith(
        "a. provide a systemic approach to testing new and innovative ways of working,"
    )
    assert len(soup.select("ol.govuk-list--number li")) == 6  # the six sources
    assert [text(row.td) for row in soup.select("table tbody tr")] == ["0", "1", "2", "3", "4", "5"]


def test_criteria_2018_19_page_shows_eight_numbered_criteria(signed_in):
    soup = page(signed_in("applicant.pth@example.org"), "/criteria/2018-19/v1/")

    criteria = soup.select("li[id^=criterion-]")
    assert [item["id"] for item in criteria] == [f"criterion-{n}" for n in range(1, 9)]
    assert [text(li) for li in criteria[0].select("li")] == [
        "Outcomes of previous Pacesetter projects",
        "The whole system emerging model for primary care",
        "Outcomes of the Pacesetter Critical Appraisal",
        "Outcomes of the Parliamentary Review into Health and Social Care",
    ]


def test_round_page_shows_dates_state_duration_sets_and_frameworks(signed_in):
    soup = page(signed_in("applicant.pth@example.org"), "/rounds/2020-22/")

    summary = {text(row.dt): text(row.dd) for row in soup.select(".govuk-summary-list__row")}
    assert summary["State"] == "In review"
    assert summary["Maximum duration"] == "24 months"
    assert summary["Envelope"] == "Not set"
    # The sets are linked, named for the round; their own names are for managers (issue 17).
    assert summary["Assessment criteria"] == "Criteria the Pacesetter 2020-22 panel scores against"
    assert summary["Application form"] == "Questions of the Pacesetter 2020-22 application form"
    assert [a["href"] for a in soup.select("#round-form a, #round-criteria a")] == [
        "/rounds/2020-22/form/",
        "/criteria/2020-22/v1/",
    ]
    assert soup.select("ol.govuk-list--number") == []


def test_round_form_page_lists_the_questions_and_the_tick_matrix(signed_in):
    soup = page(signed_in("applicant.pth@example.org"), "/rounds/2020-22/form/")

    assert text(soup.h1) == "Application form"
    assert soup.select("#question-set") == []  # the set's own name is for managers
    frameworks = soup.select("h3 + ol.govuk-list--number")
    assert [len(ol.select("li")) for ol in frameworks[-4:]] == [13, 10, 3, 6]


def test_copied_round_shows_its_sets_own_names_to_managers_only(signed_in):
    manager = page(signed_in("manager@example.org"), "/rounds/2027-29/")
    applicant = page(signed_in("applicant.cav@example.org"), "/rounds/2027-29/")

    assert text(manager.select_one("#round-form")) == (
        "Questions of the Pacesetter 2027-29 application form "
        "Question set: Pacesetter scheme 2020-2022 application form"
    )
    assert text(applicant.select_one("#round-form")) == (
        "Questions of the Pacesetter 2027-29 application form"
    )
    assert "2020" not in text(applicant.select_one("#round-criteria"))


def test_demo_round_page_shows_envelope_and_indicative_shares(signed_in):
    soup = page(signed_in("manager@example.org"), "/rounds/2027-29/")

    summary = {text(row.dt): text(row.dd) for row in soup.select(".govuk-summary-list__row")}
    assert summary["State"] == "Open"
    assert summary["Envelope"] == "£1,050,000.00"
    shares = soup.select("table")[0].select("tbody tr")
    assert len(shares) == 7
    assert {text(row.td) for row in shares} == {"£150,000.00"}


def test_programme_manager_home_counts_applications_by_status(signed_in):
    soup = page(signed_in("manager@example.org"), "/")

    headers = [text(th) for th in soup.select("thead th")]
    rows = {text(row.th): [text(td) for td in row.select("td")] for row in soup.select("tbody tr")}
    submitted = headers.index("Submitted") - 1  # the first header is the row's own
    assert rows["Pacesetter 2020-22"][submitted] == "1"
    assert rows["Pacesetter 2020-22"][-1] == "1"
    assert rows["Pacesetter 2027-29"][-1] == "0"


def test_applicant_home_lists_own_applications_and_open_rounds(signed_in):
    soup = page(signed_in("applicant.cav@example.org"), "/")

    assert [text(row.td) for row in soup.select("tbody tr")] == ["PS-2020-CAV-001"]
    # Open rounds come first, each with its own start button (issue 17).
    assert [h2["id"] for h2 in soup.select("main h2")] == ["open-rounds", "applications"]
    round = soup.select_one("[data-round]")
    assert (text(round.h3), round.select_one(".govuk-button")["href"]) == (
        "Pacesetter 2027-29",
        "/rounds/2027-29/apply/",
    )
    assert text(round.select_one(".govuk-button")) == "Start an application in Pacesetter 2027-29"


def test_reviewer_home_shows_no_assignments_yet(signed_in):
    soup = page(signed_in("reviewer3@example.org"), "/")

    assert text(soup.h1) == "Your assignments"
    assert soup.select("table") == []


def test_chair_home_lists_panels_they_chair(signed_in):
    soup = page(signed_in("chair@example.org"), "/")

    assert [text(a) for a in soup.select("ul.govuk-list a")] == [
        "Pacesetter 2027-29",
        "Pacesetter 2020-22",
        "Pacesetter 2018-19",
    ]


def test_application_page_escapes_whatever_applicants_typed(signed_in):
    application = Application.objects.get(reference="PS-2020-CAV-001")
    answer = Answer.objects.get(application=application, question__number=3)
    answer.text = '<script>alert("x")</script>\n\n• <img src=x onerror=alert(1)>'
    answer.save()

    response = signed_in("applicant.cav@example.org").get("/applications/PS-2020-CAV-001/")

    assert b'<script>alert("x")</script>' not in response.content
    assert b"<img src=x" not in response.content
    assert b"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in response.content


def test_application_page_query_count_is_flat_as_answers_and_budget_lines_grow(
    signed_in, django_assert_max_num_queries
):
    client = signed_in("manager@example.org")
    application = Application.objects.get(reference="PS-2020-CAV-001")
    client.get(application.get_absolute_url())  # warm the session and caches

    with django_assert_max_num_queries(20) as small:
        client.get(application.get_absolute_url())
    for _ in range(40):
        BudgetLineFactory(application=application, year=2)
    for question in application.round.question_set.questions_in_order()[:2]:
        AnswerFactory(application=application, question=question)
    with django_assert_max_num_queries(20) as large:
        client.get(application.get_absolute_url())

    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize("email", ["manager@example.org", "applicant.cav@example.org"])
def test_home_page_query_count_is_flat_as_rounds_and_applications_grow(
    signed_in, demo_user, email, django_assert_max_num_queries
):
    from pacesetter.models import Organisation
    from tests.factories import ApplicationFactory, RoundFactory

    client = signed_in(email)
    client.get("/")
    with django_assert_max_num_queries(15) as small:
        client.get("/")
    board = Organisation.objects.get(code="CAV")
    for _ in range(5):
        ApplicationFactory.create_batch(6, round=RoundFactory(), organisation=board)
    with django_assert_max_num_queries(15) as large:
        client.get("/")

    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize("name", ["field_errors", "field_errors_block"])
def test_field_errors_use_the_portals_template_with_error_marked_for_translation(name):
    from django.conf import settings
    from django.template import Context
    from django.template.loader import get_template
    from django.utils import translation

    from schemes.forms.money import MoneyField

    class Form(forms.Form):
        amount = MoneyField(label="Amount")

    template = get_template(f"gds/layout/{name}.html")
    form = Form({"amount": "not money"})
    form.is_valid()
    with translation.override("en-gb"):
        html = template.template.render(
            Context({"form_show_errors": True, "field": form["amount"]})
        )

    assert template.origin.name == str(
        settings.BASE_DIR / "templates" / "gds" / "layout" / f"{name}.html"
    )
    assert '<span class="govuk-visually-hidden">Error:</span>' in html
    assert "{% translate" in get_template("gds/layout/field_errors.html").template.source
