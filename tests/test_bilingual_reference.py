"""Reference data in English and Welsh: the fixtures, the fallback, the histories, the loader."""

from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.utils import translation

from criteria.domain.criteria_sets import criteria_set_copy
from criteria.models import CriteriaSet, Criterion
from pacesetter.fixture_loading import FIXTURES_DIR, REFERENCE_FILES, load_fixture_files
from pacesetter.languages import translated_fields
from pacesetter.models import Organisation
from schemes.domain import round_setup
from schemes.models import Round, StrategicComponent
from tests.factories import CriteriaSetFactory, CriterionFactory, OrganisationFactory
from tests.test_admin import admin_url, change_form_data

pytestmark = pytest.mark.django_db

MANAGER = "manager@example.org"

WELSH_NAMES = {
    "ABB": "Bwrdd Iechyd Prifysgol Aneurin Bevan",
    "SBU": "Bwrdd Iechyd Prifysgol Bae Abertawe",
    "BCU": "Bwrdd Iechyd Prifysgol Betsi Cadwaladr",
    "CAV": "Bwrdd Iechyd Prifysgol Caerdydd a'r Fro",
    "CTM": "Bwrdd Iechyd Prifysgol Cwm Taf Morgannwg",
    "HDD": "Bwrdd Iechyd Prifysgol Hywel Dda",
    "PTH": "Bwrdd Iechyd Addysgu Powys",
    "WG": "Llywodraeth Cymru",
}


def fixture_records():
    """Every record of the reference fixtures, as (file name, record)."""
    for name in REFERENCE_FILES:
        for record in yaml.safe_load((FIXTURES_DIR / name).read_text(encoding="utf-8")):
            yield Path(name).name, record


def test_health_boards_and_welsh_government_have_their_welsh_names_in_welsh():
    with translation.override("cy"):
        names = {org.code: org.name for org in Organisation.objects.filter(code__in=WELSH_NAMES)}

    assert names == WELSH_NAMES


def test_health_boards_keep_their_english_names_in_the_default_language_en_gb():
    with translation.override("en-gb"):
        name = Organisation.objects.get(code="HDD").name
        found = Organisation.objects.filter(name="Hywel Dda University Health Board").count()

    assert (name, found) == ("Hywel Dda University Health Board", 1)


def test_renamed_boards_former_names_in_welsh_under_welsh():
    with translation.override("cy"):
        formers = {
            org.code: org.former_name
            for org in Organisation.objects.filter(code__in=["SBU", "CTM"])
        }

    assert formers == {
        "SBU": "Bwrdd Iechyd Prifysgol Abertawe Bro Morgannwg",
        "CTM": "Bwrdd Iechyd Prifysgol Cwm Taf",
    }


def test_organisation_name_in_welsh_falls_back_to_english_when_welsh_is_empty():
    organisation = OrganisationFactory(name="Test Trust", name_cy=None)

    with translation.override("cy"):
        assert Organisation.objects.get(pk=organisation.pk).name == "Test Trust"


def test_filter_by_name_under_welsh_finds_the_welsh_name():
    with translation.override("cy"):
        codes = list(
            Organisation.objects.filter(name="Llywodraeth Cymru").values_list("code", flat=True)
        )

    assert codes == ["WG"]


def test_every_reference_fixture_record_has_both_languages_for_every_registered_field():
    lacking = []
    checked = 0
    for file_name, record in fixture_records():
        model = apps.get_model(record["model"])
        for field in translated_fields(model):
            if field not in record["fields"] and model is Round and field == "declaration":
                continue  # The fixtures' rounds take the model's default declaration.
            english = record["fields"].get(field)
            welsh = record["fields"].get(f"{field}_cy")
            checked += 1
            if field not in record["fields"] or bool(english) != bool(welsh):
                lacking.append((file_name, record["model"], record["pk"], field))

    assert lacking == []
    assert checked == 211


def test_loaded_reference_data_has_welsh_wherever_it_has_english():
    lacking = []
    for _file_name, record in fixture_records():
        model = apps.get_model(record["model"])
        fields = translated_fields(model)
        if not fields:
            continue
        stored = model._base_manager.values(
            *[f"{field}_{language}" for field in fields for language in ("en", "cy")]
        ).get(pk=record["pk"])
        lacking.extend(
            (record["model"], record["pk"], field)
            for field in fields
            if bool(stored[f"{field}_en"]) != bool(stored[f"{field}_cy"])
        )

    assert lacking == []


def test_fixture_english_is_in_the_english_columns():
    criterion = Criterion.objects.get(criteria_set__code="2020-22", label="1a")

    with translation.override("cy"):
        welsh = Criterion.objects.get(pk=criterion.pk).wording

    assert criterion.wording_en == criterion.wording
    assert criterion.wording_cy == welsh
    assert welsh != criterion.wording_en
    assert welsh.count("**") == criterion.wording_en.count("**")


def test_criterion_history_records_both_languages():
    criterion = CriterionFactory(wording="Shows **impact**", wording_cy="Yn dangos **effaith**")
    criterion.wording_cy = "Yn dangos **effaith** glir"
    criterion.save()

    rows = list(criterion.history.order_by("history_id").values_list("wording_en", "wording_cy"))

    assert rows == [
        ("Shows **impact**", "Yn dangos **effaith**"),
        ("Shows **impact**", "Yn dangos **effaith** glir"),
    ]


def test_criteria_set_history_records_both_languages():
    criteria_set = CriteriaSetFactory(title="Test criteria", title_cy="Meini prawf prawf")

    rows = list(criteria_set.history.values_list("title_en", "title_cy"))

    assert rows == [("Test criteria", "Meini prawf prawf")]


def test_round_history_records_both_languages_of_a_change(demo_user):
    round = Round.objects.get(code="2027-29")

    round_setup.round_update(
        round=round,
        acting_user=demo_user(MANAGER),
        code=round.code,
        name="Pacesetter 2027-29",
        name_cy="Pacesetter 2027-29 (Cymraeg)",
        opens_at=round.opens_at,
        closes_at=round.closes_at,
        criteria_set=round.criteria_set,
        question_set=round.question_set,
        frameworks=list(round.frameworks.all()),
        earliest_start_date=round.earliest_start_date,
        latest_start_date=round.latest_start_date,
        max_duration_months=round.max_duration_months,
        envelope_total=round.envelope_total,
        declaration="I confirm it.",
        declaration_cy="Rwy'n ei gadarnhau.",
    )

    latest = round.history.order_by("-history_id").values(
        "name_en", "name_cy", "declaration_en", "declaration_cy", "history_user__email"
    )[0]
    assert latest == {
        "name_en": "Pacesetter 2027-29",
        "name_cy": "Pacesetter 2027-29 (Cymraeg)",
        "declaration_en": "I confirm it.",
        "declaration_cy": "Rwy'n ei gadarnhau.",
        "history_user__email": MANAGER,
    }


def test_round_update_under_welsh_writes_each_language_to_its_own_column(demo_user):
    round = Round.objects.get(code="2027-29")

    with translation.override("cy"):
        round_setup.round_update(
            round=round,
            acting_user=demo_user(MANAGER),
            code=round.code,
            name="Pacesetter 2027-29 renamed",
            name_cy="Pacesetter 2027-29 newydd",
            opens_at=round.opens_at,
            closes_at=round.closes_at,
            criteria_set=round.criteria_set,
            question_set=round.question_set,
            frameworks=list(round.frameworks.all()),
            earliest_start_date=round.earliest_start_date,
            latest_start_date=round.latest_start_date,
            max_duration_months=round.max_duration_months,
            envelope_total=round.envelope_total,
            declaration="I confirm it.",
            declaration_cy="Rwy'n ei gadarnhau.",
        )

    stored = Round.objects.values("name_en", "name_cy").get(pk=round.pk)
    assert stored == {
        "name_en": "Pacesetter 2027-29 renamed",
        "name_cy": "Pacesetter 2027-29 newydd",
    }


def test_criteria_set_copy_keeps_both_languages(demo_user):
    source = CriteriaSet.objects.get(code="2020-22", version=1)

    copy = criteria_set_copy(source=source, acting_user=demo_user(MANAGER))

    def texts(criteria_set):
        return list(
            criteria_set.criteria.order_by("position").values_list(
                "label", "wording_en", "wording_cy"
            )
        ), list(criteria_set.scale_points.order_by("value").values_list("label_en", "label_cy"))

    assert (copy.title_en, copy.title_cy) == (source.title_en, source.title_cy)
    assert texts(copy) == texts(source)


def test_loading_again_fills_missing_welsh_and_keeps_welsh_already_there():
    Organisation.objects.filter(code="HDD").update(name_cy=None)
    Organisation.objects.filter(code="PTH").update(name_cy="Bwrdd Iechyd Powys (golygwyd)")
    component = StrategicComponent.objects.order_by("pk").first()
    StrategicComponent.objects.filter(pk=component.pk).update(text_cy="")
    english_before = list(Organisation.objects.order_by("pk").values_list("name_en", flat=True))

    result = load_fixture_files(REFERENCE_FILES)

    names = dict(Organisation.objects.values_list("code", "name_cy"))
    assert (result.created, result.welsh_filled) == (0, 2)
    assert names["HDD"] == "Bwrdd Iechyd Prifysgol Hywel Dda"
    assert names["PTH"] == "Bwrdd Iechyd Powys (golygwyd)"
    assert StrategicComponent.objects.get(pk=component.pk).text_cy != ""
    assert (
        list(Organisation.objects.order_by("pk").values_list("name_en", flat=True))
        == english_before
    )


def test_loading_under_welsh_still_puts_the_english_in_english_columns():
    StrategicComponent.objects.filter(framework__code="pacesetter-fund-aims").delete()

    with translation.override("cy"):
        result = load_fixture_files(["reference/frameworks.yaml"])

    texts = list(
        StrategicComponent.objects.filter(framework__code="pacesetter-fund-aims")
        .order_by("number")
        .values_list("text_en", "text_cy")
    )
    assert result.created == 3
    assert [bool(english) and bool(welsh) and english != welsh for english, welsh in texts] == [
        True,
        True,
        True,
    ]


def test_admin_edits_a_frameworks_components_in_both_languages_side_by_side(signed_in):
    framework = StrategicComponent.objects.order_by("pk").first().framework
    client = signed_in("admin@example.org")
    url = admin_url(type(framework), "change", framework.pk)
    response = client.get(url)
    data = change_form_data(response)
    inline_form = response.context["inline_admin_formsets"][0].formset.forms[0]

    first = "components-0-text_cy"
    posted = client.post(url, {**data, first: "Cyhoedd gwybodus (golygwyd)"})

    component = framework.components.order_by("number").first()
    assert list(response.context["adminform"].form.fields) == [
        "code",
        "name_en",
        "name_cy",
        "order",
    ]
    assert list(inline_form.fields)[:4] == ["framework", "number", "text_en", "text_cy"]
    assert posted.status_code == 302
    assert (component.text_en, component.text_cy) == (
        "An informed public",
        "Cyhoedd gwybodus (golygwyd)",
    )


def test_round_default_declaration_is_shown_in_welsh_on_a_welsh_page():
    round = Round.objects.get(code="2027-29")
    with translation.override("cy"):
        default_in_welsh = str(Round._meta.get_field("declaration").default)

        shown = Round.objects.get(pk=round.pk).declaration

    assert shown == default_in_welsh
    assert shown != round.declaration_en
