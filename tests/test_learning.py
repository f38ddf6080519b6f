"""Learning summaries: the workflow, its audit trail, its permissions and the first programme."""

import pytest
from django.core.exceptions import PermissionDenied

from pacesetter.enums import AuditAction, Role
from pacesetter.models import AuditEvent, Organisation
from pacesetter.permissions import can
from pacesetter.transitions import Refused
from schemes.domain.learning import (
    INCOMPLETE,
    learning_publish,
    learning_return,
    learning_save,
    learning_start,
    learning_submit,
    measure_results,
)
from schemes.domain.monitoring.common import STALE_EDIT
from schemes.enums import LearningStatus
from schemes.models import LearningSummary, Theme
from schemes.models.learning import FIRST_PROGRAMME
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.monitoring import accepted_agreement, lead_of

COMPLETE = {
    "problem": "Practices could not recruit GPs.",
    "what_was_done": "A cluster hub triaged same-day requests.",
    "model": "Telephone first triage by advanced practitioners.",
    "what_helped": "A clinical champion in every practice.",
    "what_got_in_the_way": "Recruiting paramedics in a rural area.",
    "costs": "Two practitioners for two years.",
    "outcome_reason": "Mainstreamed: the board funds it from 2021.",
    "advice": "Agree the triage protocol with the practices first.",
    "contact_role": "Cluster development lead",
}


@pytest.fixture
def manager(db):
    return UserFactory(role=Role.PROGRAMME_MANAGER, organisation=None)


@pytest.fixture
def scheme(manager):
    agreement, lead = accepted_agreement(manager=manager)
    return agreement.application, lead


def written(scheme, **overrides):
    application, lead = scheme
    summary = learning_start(application=application, acting_user=lead)
    return learning_save(
        summary,
        expected_version=summary.version,
        acting_user=lead,
        fields={**COMPLETE, **overrides},
        themes=[Theme.objects.get(name="New Models of Primary Care")],
    )


def test_learning_start_takes_the_applications_title_and_board(scheme):
    application, lead = scheme

    summary = learning_start(application=application, acting_user=lead)

    assert (summary.title, summary.organisation_id, summary.status) == (
        application.title,
        application.organisation_id,
        LearningStatus.DRAFT,
    )
    assert AuditEvent.objects.filter(action=AuditAction.LEARNING_STARTED).count() == 1


def test_learning_start_by_another_boards_lead_is_refused(scheme):
    application, _ = scheme

    with pytest.raises(PermissionDenied):
        learning_start(application=application, acting_user=lead_of(OrganisationFactory()))


def test_learning_start_twice_is_refused(scheme):
    application, lead = scheme
    learning_start(application=application, acting_user=lead)

    with pytest.raises(Refused):
        learning_start(application=application, acting_user=lead)


def test_learning_save_from_a_stale_page_is_refused(scheme):
    application, lead = scheme
    summary = learning_start(application=application, acting_user=lead)
    learning_save(summary, expected_version=1, acting_user=lead, fields={"problem": "One"})

    with pytest.raises(Refused) as refused:
        learning_save(summary, expected_version=1, acting_user=lead, fields={"problem": "Two"})

    assert refused.value.message == STALE_EDIT
    assert LearningSummary.objects.get(pk=summary.pk).problem == "One"


def test_learning_save_past_the_limit_is_refused_by_field(scheme):
    application, lead = scheme
    summary = learning_start(application=application, acting_user=lead)

    with pytest.raises(Refused) as refused:
        learning_save(summary, expected_version=1, acting_user=lead, fields={"model": "x" * 1001})

    assert list(refused.value.errors) == ["model"]


def test_learning_submit_incomplete_is_refused_with_each_missing_field(scheme):
    application, lead = scheme
    summary = learning_start(application=application, acting_user=lead)

    with pytest.raises(Refused) as refused:
        learning_submit(summary, expected_version=summary.version, acting_user=lead)

    assert refused.value.message == INCOMPLETE
    assert sorted(refused.value.errors) == [
        "advice",
        "contact_role",
        "model",
        "problem",
        "what_was_done",
    ]


def test_learning_submit_copies_the_results_from_the_monitoring_record(scheme):
    summary = written(scheme)

    submitted = learning_submit(summary, expected_version=summary.version, acting_user=scheme[1])

    assert submitted.status == LearningStatus.SUBMITTED
    assert [row.name for row in measure_results(submitted)] == [
        "Sustainable practices",
        "Waiting times",
    ]
    assert submitted.measure_results == (
        "Outcome: Sustainable practices (practices): 4 ->  / 10\n"
        "Balancing: Waiting times (practices): 4 ->  / 10"
    )


def test_learning_submitted_summary_cannot_be_edited(scheme):
    summary = written(scheme)
    submitted = learning_submit(summary, expected_version=summary.version, acting_user=scheme[1])

    with pytest.raises(PermissionDenied):
        learning_save(
            submitted,
            expected_version=submitted.version,
            acting_user=scheme[1],
            fields={"problem": "Changed"},
        )


def test_learning_publish_and_return_are_audited_with_their_states(scheme, manager):
    summary = written(scheme)
    submitted = learning_submit(summary, expected_version=summary.version, acting_user=scheme[1])
    returned = learning_return(submitted, comments="Say what it cost.", acting_user=manager)
    resubmitted = learning_submit(
        returned, expected_version=returned.version, acting_user=scheme[1]
    )

    published = learning_publish(resubmitted, acting_user=manager)

    assert published.status == LearningStatus.PUBLISHED
    assert published.published_at is not None
    events = AuditEvent.objects.filter(object_id=str(summary.pk), action__startswith="learning.")
    assert [(e.action, e.from_state, e.to_state) for e in events.order_by("pk")] == [
        (AuditAction.LEARNING_STARTED, "", "draft"),
        (AuditAction.LEARNING_SAVED, "", ""),
        (AuditAction.LEARNING_SUBMITTED, "draft", "submitted"),
        (AuditAction.LEARNING_RETURNED, "submitted", "returned"),
        (AuditAction.LEARNING_RESUBMITTED, "returned", "submitted"),
        (AuditAction.LEARNING_PUBLISHED, "submitted", "published"),
    ]


def test_learning_return_without_comments_is_refused(scheme, manager):
    summary = written(scheme)
    submitted = learning_submit(summary, expected_version=summary.version, acting_user=scheme[1])

    with pytest.raises(Refused) as refused:
        learning_return(submitted, comments="  ", acting_user=manager)

    assert list(refused.value.errors) == ["comments"]


def test_learning_publish_by_a_lead_is_refused(scheme):
    summary = written(scheme)
    submitted = learning_submit(summary, expected_version=summary.version, acting_user=scheme[1])

    with pytest.raises(PermissionDenied):
        learning_publish(submitted, acting_user=scheme[1])


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.REVIEWER, Role.PROGRAMME_MANAGER])
@pytest.mark.parametrize("own_board", [True, False])
@pytest.mark.parametrize("status", [LearningStatus.DRAFT, LearningStatus.PUBLISHED])
def test_learning_visible_to_agrees_with_its_rule(scheme, manager, role, own_board, status):
    summary = written(scheme)
    LearningSummary.objects.filter(pk=summary.pk).update(status=status)
    summary.refresh_from_db()
    board = summary.organisation if own_board else OrganisationFactory()
    user = UserFactory(role=role, organisation=board)

    in_queryset = LearningSummary.objects.visible_to(user).filter(pk=summary.pk).exists()

    assert in_queryset == can(user, "schemes.view_learning", summary)
    expected = (
        status == LearningStatus.PUBLISHED
        or role == Role.PROGRAMME_MANAGER
        or (role == Role.APPLICANT and own_board)
    )
    assert in_queryset == expected


# The first programme (seed 003, Appendix 1)

BOARD_COUNTS = {
    "Abertawe Bro Morgannwg UHB": 7,
    "Aneurin Bevan UHB": 2,
    "Betsi Cadwallader UHB": 5,
    "Cardiff &Vale UHB": 2,
    "Cwm Taf UHB": 2,
    "Hywel Dda UHB": 2,
    "Powys UHB": 1,
}


def first_programme():
    return LearningSummary.objects.filter(programme=FIRST_PROGRAMME).order_by("pk")


def test_first_programme_has_every_appendix_project_published(db):
    assert first_programme().count() == 21
    assert set(first_programme().values_list("status", flat=True)) == {"published"}


def test_first_programme_counts_each_board_as_the_appendix_does(db):
    counts = {}
    for board in first_programme().values_list("board_as_printed", flat=True):
        counts[board] = counts.get(board, 0) + 1

    assert counts == BOARD_COUNTS


def test_first_programme_titles_are_the_appendixs_word_for_word(db):
    assert list(first_programme().values_list("title", flat=True)) == [
        "Medicines Management Domiciliary Visits & Support",
        "Renal Pharmacist Role – Acute Kidney Injury Alert Systems",
        "Palliative Pathfinder Project",
        "Acute Clinical Outreach",
        "Neath Triage & Primary Care Hub Model",
        "Federated Working Across Bridgend East Cluster Network",
        "Antibiotic Prescribing",
        "Primary Care Operational Support Team",
        "Access QI",
        "Advanced Physio in Primary Care",
        "Pharmacist Led Care Home Project",
        "Healthy Prestatyn",
        "Pharmacist Led Insomnia & Heart Failure Services",
        "Outstanding GP Programme",
        "Ambulatory Care Sensitive Condition Pathways",
        "Stoma Clinics in the Community",
        "Enhanced Primary Care Support Unit",
        "Your Medicine, Your Health",
        "Primary Care Support Unit",
        "Alternative Models",
        "GP Social Enterprise Triage Model",
    ]


@pytest.mark.parametrize(
    ("title", "status", "description"),
    [
        (
            "GP Social Enterprise Triage Model",
            "Ongoing",
            "Triage in primary care using primary care practitioners has shown a reduction in "
            "demand for same-day GP appointments of 40%. Model has used Advanced Nurse "
            "Practitioners in south and Urgent Care Practitioners in the north. Aim is to "
            "replicate principles of a Minor Injuries Unit in primary care setting in "
            "recognition of rural context. Focus on ‘asset’ rather than ‘deficit’ model.",
        ),
        (
            "Stoma Clinics in the Community",
            "Stopped",
            "Pharmacist working with a specialist stoma nurse (company sponsored) to work with "
            "practices to improve patient knowledge and provide advice on medication and stoma "
            "products.",
        ),
        (
            "Access QI",
            "Completed\nDemand Capacity tool developed and may be rolled out across Wales",
            "Analysis of practice based workload in order to enable practices to plan staffing "
            "to meet peaks and troughs in demand. Supports work of Primary Care Support Team. "
            "Developed in conjunction with Local Medical Committee in terms of agreeing "
            "definitions of access.",
        ),
        (
            "Your Medicine, Your Health",
            "Ongoing via other short term funding",
            "Began before Pacesetter funding. Public Health Campaign including work with "
            "schools and focussed on appropriate use of medicines.",
        ),
    ],
)
def test_first_programme_entry_is_the_appendixs_word_for_word(db, title, status, description):
    entry = first_programme().get(title=title)

    assert (entry.status_as_printed, entry.description) == (status, description)


def test_first_programme_boards_are_todays_successor_bodies(db):
    abm = first_programme().filter(board_as_printed="Abertawe Bro Morgannwg UHB")

    assert set(abm.values_list("organisation__code", flat=True)) == {"SBU"}
    assert Organisation.objects.get(code="SBU").former_name == (
        "Abertawe Bro Morgannwg University Health Board"
    )


def test_themes_are_phws_six_headings(db):
    assert list(Theme.objects.values_list("name", flat=True)) == [
        "Primary Care Support Units / Teams",
        "New Roles within the Primary Care Team",
        "New Models of Primary Care",
        "Managing Complex Care in the Community",
        "Improving Access and Quality",
        "Promoting Cultural Change",
    ]
