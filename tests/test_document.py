"""The application document: what it holds for the seeds, its fixed cost, and one wording."""

import subprocess
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria.domain.pack import _application_html, _cache_key
from criteria.models import Assignment
from pacesetter.pdf import render_html_to_pdf
from schemes.domain.document import (
    application_document,
    document_queryset,
    frameworks_with_components,
)
from schemes.enums import ApplicationStatus, AttachmentKind, QuestionKind
from schemes.models import Application, Attachment, QuestionSet, StrategicComponent
from schemes.models import StrategicFramework as Framework
from tests.factories import (
    AnswerFactory,
    ApplicationFactory,
    BudgetLineFactory,
    OtherFundingFactory,
    QuestionFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

CAV = "PS-2020-CAV-001"
HDD = "PS-2018-HDD-001"


def document_of(reference):
    return application_document(document_queryset().get(reference=reference))


def collapsed(text):
    return " ".join(text.split())


# What the document holds for the seeds.


def test_document_cav_has_every_question_in_form_order():
    document = document_of(CAV)

    numbers = [entry.question.pk for part in document.sections for entry in part.questions]

    assert numbers == [
        question.pk for question in QuestionSet.objects.get(code="2020-22").questions_in_order()
    ]
    assert [part.section.title for part in document.sections] == [
        "About the scheme",
        "Details of the scheme",
    ]


def test_document_cav_derives_organisation_title_start_and_duration_from_the_application():
    document = document_of(CAV)
    first = {entry.question.number: entry for entry in document.sections[0].questions}

    assert [(first[n].kind, first[n].value) for n in (1, 2, 6, 7)] == [
        (QuestionKind.ORGANISATION, "Cardiff and Vale University Health Board"),
        (QuestionKind.TITLE, "Embedding Quality Improvement in Primary Care"),
        (QuestionKind.START_DATE, document.application.start_date),
        (QuestionKind.DURATION, 24),
    ]
    assert (first[6].text, first[7].text) == ("April 2020", "2 Years")
    assert first[3].value is None
    assert first[3].text.startswith("Quality improvement is recognised as a key area")


def test_document_cav_budget_is_148000_a_year_and_296000_in_all():
    budget = document_of(CAV).budget

    assert [(year.year, year.total, len(year.lines)) for year in budget.years] == [
        (1, Decimal("148000.00"), 3),
        (2, Decimal("148000.00"), 3),
    ]
    assert (budget.requested, budget.other_funding, budget.total_project_cost) == (
        Decimal("296000.00"),
        Decimal("0.00"),
        Decimal("296000.00"),
    )


def test_document_hdd_requests_488000_of_1047000_with_its_other_funding():
    document = document_of(HDD)

    assert (
        document.budget.requested,
        document.budget.other_funding,
        document.budget.total_project_cost,
    ) == (Decimal("488000.00"), Decimal("559000.00"), Decimal("1047000.00"))
    assert [(source.source, source.amount) for source in document.other_funding] == [
        ("Cross-subsidy to the entire project spend", Decimal("559000.00"))
    ]
    assert document.status == ApplicationStatus.APPROVED


def test_document_cav_ticks_every_framework_component_with_the_seed_ticks():
    document = document_of(CAV)

    assert [
        (
            framework.framework.name,
            len(framework.components),
            sum(tick.ticked for tick in framework.components),
        )
        for framework in document.ticks
    ] == [
        ("Primary Care Model for Wales", 13, 0),
        ("A Healthier Wales - The Ten Design Principles (page 17)", 10, 4),
        ("Aims of the primary care pacesetter fund", 3, 1),
        ("The Strategic Programme for Primary Care", 6, 1),
    ]
    assert {component.pk for _framework, component in document.ticked} == set(
        document.application.components.values_list("pk", flat=True)
    )


def test_document_hdd_has_no_tick_matrix_and_no_attachments():
    document = document_of(HDD)

    assert (document.ticks, document.ticked, document.attachments) == ((), [], ())


def test_document_lists_attachments_in_kind_order(settings, tmp_path, demo_user):
    settings.MEDIA_ROOT = tmp_path
    application = Application.objects.get(reference=CAV)
    uploader = demo_user("applicant.cav@example.org")
    for kind, name in [
        (AttachmentKind.PLAN_ON_A_PAGE, "plan.pdf"),
        (AttachmentKind.LOGIC_MODEL, "logic.pdf"),
    ]:
        Attachment.objects.create(
            application=application,
            kind=kind,
            file=ContentFile(b"%PDF-1.4\n", name=name),
            original_name=name,
            content_type="application/pdf",
            size=9,
            uploaded_by=uploader,
        )

    document = document_of(CAV)

    assert [(a.kind, a.original_name) for a in document.attachments] == [
        (AttachmentKind.LOGIC_MODEL, "logic.pdf"),
        (AttachmentKind.PLAN_ON_A_PAGE, "plan.pdf"),
    ]


# Its cost does not grow with its content.


def application_with(lines):
    """An application with `lines` budget lines, as many answers, ticks and other funding."""
    application = ApplicationFactory()
    section = SectionFactory(question_set=application.round.question_set)
    framework = Framework.objects.create(code=f"framework-{application.pk}", name="Aims")
    application.round.frameworks.add(framework)
    for number in range(1, lines + 1):
        BudgetLineFactory(application=application, year=1 + number % 3)
        OtherFundingFactory(application=application)
        AnswerFactory(
            application=application, question=QuestionFactory(section=section, number=number)
        )
        application.components.add(
            StrategicComponent.objects.create(framework=framework, number=number, text="Aim")
        )
    return application


def queries_for_document(application):
    with CaptureQueriesContext(connection) as queries:
        document = application_document(document_queryset().get(pk=application.pk))
    return len(queries), document


@pytest.mark.parametrize("lines", [2, 20])
def test_document_reads_in_ten_queries_whatever_its_size(lines):
    count, document = queries_for_document(application_with(lines))

    assert count == 10
    assert sum(len(year.lines) for year in document.budget.years) == lines
    assert len(document.sections[0].questions) == len(document.ticked) == lines


def test_document_with_the_rounds_frameworks_given_reads_in_eight_queries():
    application = application_with(5)
    frameworks = list(frameworks_with_components(application.round))

    with CaptureQueriesContext(connection) as queries:
        application_document(document_queryset().get(pk=application.pk), frameworks=frameworks)

    assert len(queries) == 8


# One wording in every place that shows it.

# Phrases only the document's partials print, and how often CAV's document prints each.
CAV_WORDING = {
    "Year 1 Description Category Costing Amount Comment": 1,
    "Year 2 Description Category Costing Amount Comment": 1,
    "Total year 1 £148,000.00": 1,
    "Total year 2 £148,000.00": 1,
    "Other funding £0.00": 1,
    "Component Ticked": 4,
    "✓ Yes": 6,
    "No files are attached.": 1,
}


def wording(text):
    text = collapsed(text)
    return {phrase: text.count(phrase) for phrase in CAV_WORDING}


def page_text(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").find("main").get_text(" ")


def pdf_text(pdf, tmp_path):
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    # poppler-utils with fixed arguments and our own temporary file.
    command = ["pdftotext", "-layout", str(path), "-"]
    return subprocess.run(command, capture_output=True, check=True).stdout.decode()  # noqa: S603


def test_document_wording_on_the_application_page(signed_in):
    response = signed_in("manager@example.org").get(f"/applications/{CAV}/")

    assert wording(page_text(response)) == CAV_WORDING


def test_document_wording_on_check_answers(signed_in):
    Application.objects.filter(reference=CAV).update(status=ApplicationStatus.DRAFT)
    client = signed_in("applicant.cav@example.org")

    response = client.get(reverse("schemes:check_answers", args=[CAV]))

    assert wording(page_text(response)) == CAV_WORDING


def test_document_wording_on_the_scoring_page(signed_in):
    # The demo data assigns the first reviewer to Cardiff and Vale's application.
    assignment = Assignment.objects.get(
        application__reference=CAV, reviewer__email="reviewer1@example.org"
    )

    response = signed_in("reviewer1@example.org").get(
        reverse("criteria:score", args=[assignment.pk])
    )

    assert wording(page_text(response)) == CAV_WORDING


def test_document_wording_in_the_summary_pdf(signed_in, tmp_path):
    response = signed_in("manager@example.org").get(f"/applications/{CAV}/summary.pdf")

    assert response.status_code == 200
    assert wording(pdf_text(response.content, tmp_path)) == CAV_WORDING


def pack_part_html(application):
    frameworks = list(frameworks_with_components(application.round))
    return _application_html(
        application, frameworks=frameworks, named=False, lang="en-GB", title="Pack"
    )


def test_document_wording_in_the_packs_application_part(tmp_path):
    html = pack_part_html(document_queryset().get(reference=CAV))

    rendered = render_html_to_pdf(html, title="Pack", lang="en-GB")

    assert wording(pdf_text(rendered.pdf, tmp_path)) == CAV_WORDING


def test_pack_part_cache_key_changes_when_the_document_does():
    application = document_queryset().get(reference=CAV)
    before = _cache_key(pack_part_html(application), "Part", "en-GB", "sheet")
    application.components.remove(application.components.first())

    after = _cache_key(
        pack_part_html(document_queryset().get(reference=CAV)), "Part", "en-GB", "sheet"
    )

    assert before != after
