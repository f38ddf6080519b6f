"""Reference data: the criteria, forms and tick matrix, word for word as the seeds print them."""

import html
import re
from pathlib import Path

import pytest

from criteria.models import CriteriaSet
from pacesetter.fixture_loading import REFERENCE_FILES, load_fixture_files
from pacesetter.models import Organisation
from schemes.models import Application, QuestionSet, Round, StrategicFramework

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(
    not SEEDS.is_dir(), reason="../shared/seeds is not beside the clone"
)

pytestmark = pytest.mark.django_db


def normalise(text):
    """Reduce text to its words: no tags, no bold or bullet markers, single spaces."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = text.replace("*", "").replace("•", " ")
    return " ".join(text.split())


def in_seed(text, seed):
    """Whether `text` is in `seed`, allowing one page break that splits it in two."""
    text = normalise(text)
    if text in seed:
        return True
    words = text.split(" ")
    return any(
        " ".join(words[:cut]) in seed and " ".join(words[cut:]) in seed
        for cut in range(1, len(words))
    )


def seed_text(name_prefix):
    (path,) = SEEDS.glob(f"{name_prefix}_*.txt")
    return normalise(path.read_text(encoding="utf-8"))


def test_health_boards_are_the_seven_with_their_2019_renamings():
    boards = Organisation.objects.health_boards()

    assert sorted(board.name for board in boards) == [
        "Aneurin Bevan University Health Board",
        "Betsi Cadwaladr University Health Board",
        "Cardiff and Vale University Health Board",
        "Cwm Taf Morgannwg University Health Board",
        "Hywel Dda University Health Board",
        "Powys Teaching Health Board",
        "Swansea Bay University Health Board",
    ]
    swansea = boards.get(code="SBU")
    assert swansea.name_on(swansea.renamed_on.replace(day=1, month=3)) == (
        "Abertawe Bro Morgannwg University Health Board"
    )
    assert swansea.name_on(swansea.renamed_on) == "Swansea Bay University Health Board"
    assert boards.get(code="CTM").former_name == "Cwm Taf University Health Board"


def test_criteria_2020_22_has_four_groups_and_fourteen_lettered_criteria():
    criteria_set = CriteriaSet.objects.get(code="2020-22", version=1)

    assert [group.number for group in criteria_set.groups.all()] == [1, 2, 3, 4]
    assert [criterion.label for criterion in criteria_set.criteria.all()] == [
        "1a", "1b", "1c", "1d", "1e", "2a", "2b", "2c", "2d", "3a", "3b", "3c", "4a", "4b",
    ]  # fmt: skip
    assert [c.group.number for c in criteria_set.criteria.all()] == [1] * 5 + [2] * 4 + [3] * 3 + [
        4
    ] * 2


def test_criteria_2020_22_key_phrases_are_the_bold_text():
    criteria_set = CriteriaSet.objects.get(code="2020-22", version=1)

    phrases = {c.label: c.key_phrases for c in criteria_set.criteria.all()}

    assert phrases["1a"] == ["testing new and innovative ways"]
    assert phrases["1d"] == ["parts of the system that has had little exploration"]
    assert phrases["3b"] == ["patients and communities involved"]
    assert phrases["4a"] == [
        "priorities set out for the Pacesetter programme",
        "Primary Care Model for Wales",
    ]
    assert all(phrases[label] for label in phrases)


def test_criteria_2020_22_has_six_sources_and_a_labelled_0_to_5_scale():
    criteria_set = CriteriaSet.objects.get(code="2020-22", version=1)

    assert criteria_set.sources_heading == (
        "Criteria based on recommendations and strategic fit of the following:"
    )
    assert criteria_set.sources.count() == 6
    assert criteria_set.sources.first().text == (
        "Miller et al. Critical appraisal of the Pacesetter Programme. "
        "University of Birmingham, June 2018"
    )
    assert [point.value for point in criteria_set.scale_points.all()] == [0, 1, 2, 3, 4, 5]
    assert all(point.label for point in criteria_set.scale_points.all())


def test_criteria_2018_19_is_eight_flat_criteria():
    criteria_set = CriteriaSet.objects.get(code="2018-19", version=1)

    assert not criteria_set.groups.exists()
    assert [c.label for c in criteria_set.criteria.all()] == [str(n) for n in range(1, 9)]
    assert criteria_set.criteria.get(label="2").plain_wording == (
        "Projects should actively explore the potential for whole system financial redesign "
        "and resource shift between sectors"
    )


def test_frameworks_have_13_10_3_and_6_components():
    counts = {f.name: f.components.count() for f in StrategicFramework.objects.all()}

    assert counts == {
        "Primary Care Model for Wales": 13,
        "A Healthier Wales - The Ten Design Principles (page 17)": 10,
        "Aims of the primary care pacesetter fund": 3,
        "The Strategic Programme for Primary Care": 6,
    }


def test_question_set_2020_22_labels_in_form_order():
    questions = list(QuestionSet.objects.get(code="2020-22").questions_in_order())

    assert [q.number for q in questions] == list(range(1, 20))
    assert [q.section.title for q in questions] == ["About the scheme"] * 14 + [
        "Details of the scheme"
    ] * 5
    assert questions[0].label == "Health Board"
    assert questions[3].label == "Short description of the scheme."
    assert questions[3].guidance == (
        "(no more than half a page - embed 'Plan on a Page' if available or add simple "
        "template as annex 2)"
    )
    assert questions[3].word_limit == 250
    assert questions[6].guidance == "(maximum 2 years)"
    assert (
        questions[-1].label
        == "Outline the ways you plan to share the learning locally and nationally."
    )


def test_question_set_2018_19_labels_in_form_order():
    labels = [q.label for q in QuestionSet.objects.get(code="2018-19").questions_in_order()]

    assert labels == [
        "Health Board",
        "Pacesetter Title",
        "Context: what is the current evidence and how does this project add value?",
        "Aims of project",
        "Allocation",
        "Start date of project",
        "Alignment with Emerging Model",
        "Potential to demonstrate financial redesign / resource shift",
        "Dates for submission of Business Plan and Delivery agreements",
        "Status within:\nHB strategy IMTP process\nCluster Action Plans",
        "Timescales for each stage of project, with rationale",
        "Evaluation methodology and measures to be used",
        "Project support available",
        "Describe anticipated impact on health inequalities",
        "Potential for rollout at scale, with indication of costs and workforce implications",
    ]


def test_rounds_carry_their_sets_and_frameworks():
    round_2020 = Round.objects.get(code="2020-22")
    round_2018 = Round.objects.get(code="2018-19")

    assert round_2020.max_duration_months == 24
    assert round_2020.criteria_set.code == "2020-22"
    assert round_2020.question_set.code == "2020-22"
    assert round_2020.frameworks.count() == 4
    assert round_2018.criteria_set.code == "2018-19"
    assert round_2018.frameworks.count() == 0


@needs_seeds
def test_every_question_label_and_guidance_is_in_its_seed_word_for_word():
    seeds = {"2020-22": seed_text("000"), "2018-19": seed_text("001")}

    for question_set in QuestionSet.objects.all():
        for question in question_set.questions_in_order():
            assert in_seed(question.label, seeds[question_set.code]), question.label
            assert in_seed(question.guidance, seeds[question_set.code]), question.guidance


@needs_seeds
def test_every_criterion_and_component_is_in_its_seed_word_for_word():
    seeds = {"2020-22": seed_text("000"), "2018-19": seed_text("001")}

    for criteria_set in CriteriaSet.objects.filter(code__in=seeds):
        for criterion in criteria_set.criteria.all():
            wording = normalise(criterion.wording.replace("\n- ", " - "))
            assert wording in seeds[criteria_set.code], criterion.label
    for framework in StrategicFramework.objects.all():
        for component in framework.components.all():
            assert normalise(component.text) in seeds["2020-22"], component.text


@needs_seeds
def test_every_seed_answer_is_in_its_seed_word_for_word():
    seeds = {"2020-22": seed_text("000"), "2018-19": seed_text("001")}

    for application in Application.objects.filter(
        reference__in=["PS-2020-CAV-001", "PS-2018-HDD-001"]
    ):
        for answer in application.answers.all():
            for paragraph in answer.text.split("\n"):
                assert normalise(paragraph) in seeds[application.round.code], paragraph[:80]


def test_load_reference_data_twice_changes_nothing_and_keeps_admin_edits():
    question = QuestionSet.objects.get(code="2020-22").questions_in_order()[3]
    question.word_limit = 300
    question.save()

    first = load_fixture_files(REFERENCE_FILES)
    second = load_fixture_files(REFERENCE_FILES)

    assert first.created == 0
    assert second.created == 0
    assert second.already_present == first.already_present
    question.refresh_from_db()
    assert question.word_limit == 300
