"""Documents in either language: PDFs, spreadsheets and the pack, as the exporting person asks."""

import io
import re

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from criteria.models import PackJob
from pacesetter.models import AuditEvent, Organisation, User
from schemes.enums import QuestionKind
from schemes.models import Answer, Application, Round
from tests.test_exports import SHEETS, csv_rows, workbook_rows
from tests.test_pdf import download, pdf_field, pdf_info, pdf_objects, pdf_text, run

pytestmark = pytest.mark.django_db

MANAGER = "manager@example.org"
APPRAISAL = "/applications/PS-2020-CAV-001/appraisal.pdf"
SUMMARY = "/applications/PS-2020-CAV-001/summary.pdf"
COMMITTEE = "/rounds/2018-19/committee-paper.pdf"
XLSX = "/rounds/2018-19/export/xlsx/"
CSV = "/rounds/2018-19/export/csv/"
EXPORT_PAGE = "/rounds/2018-19/export/"
# Welsh's own letters, capitals too, and its apostrophe.
WELSH_LETTERS = "Ŵyr ŷd â ê î ô û Ŵ Ŷ i’r gwasanaeth-iechyd"
HOSTILE = ["fr", "cy-GB", "cy%00", "<script>", "x" * 300, "en;cy", "../cy"]


def welsh(message):
    with translation.override("cy"):
        return gettext(message)


def pdf_lang(pdf):
    return re.findall(rb"/Lang \(([^)]*)\)", pdf_objects(pdf))


def set_language(email, code):
    User.objects.filter(email=email).update(language=code)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# PDFs


def test_appraisal_pdf_asked_for_in_welsh_is_welsh(signed_in, tmp_path):
    pdf = download(signed_in(MANAGER), f"{APPRAISAL}?language=cy")

    info = pdf_info(pdf, tmp_path)
    text = pdf_text(pdf, tmp_path)
    assert pdf_lang(pdf) == [b"cy"]
    assert pdf_field(info, "Title") == welsh("Appraisal summary") == "Crynodeb arfarnu"
    assert welsh("Reference") in text
    cardiff = Organisation.objects.get(code="CAV")
    assert cardiff.name_cy in text
    assert cardiff.name_en not in text


def test_appraisal_pdf_comes_in_the_persons_own_language_by_default(signed_in, tmp_path):
    set_language(MANAGER, "cy")

    response = signed_in(MANAGER).get(APPRAISAL)

    assert response["Content-Language"] == "cy"
    assert pdf_lang(response.content) == [b"cy"]
    assert pdf_field(pdf_info(response.content, tmp_path), "Title") == "Crynodeb arfarnu"


def test_appraisal_pdf_asked_for_in_english_by_a_welsh_speaker_is_english(signed_in, tmp_path):
    set_language(MANAGER, "cy")

    pdf = download(signed_in(MANAGER), f"{APPRAISAL}?language=en")

    assert pdf_lang(pdf) == [b"en-GB"]
    assert pdf_field(pdf_info(pdf, tmp_path), "Title") == "Appraisal summary"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_appraisal_pdf_with_a_hostile_language_is_english(signed_in, hostile):
    set_language(MANAGER, "cy")

    response = signed_in(MANAGER).get(APPRAISAL, {"language": hostile})

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert pdf_lang(response.content) == [b"en-GB"]


def test_welsh_letters_render_and_read_back_exactly(signed_in, tmp_path):
    application = Application.objects.get(reference="PS-2020-CAV-001")
    Application.objects.filter(pk=application.pk).update(language="cy")
    question = next(
        q
        for q in application.round.question_set.questions_in_order()
        if q.kind == QuestionKind.TEXT
    )
    Answer.objects.update_or_create(
        application=application, question=question, defaults={"text": WELSH_LETTERS}
    )

    pdf = download(signed_in(MANAGER), SUMMARY)

    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf)
    assert WELSH_LETTERS in pdf_text(pdf, tmp_path)
    fonts = run("pdffonts", str(path)).splitlines()[2:]
    assert fonts
    # name, type, encoding, emb, sub, uni, object ID: every font embedded, with a Unicode map.
    assert {tuple(line.split()[-5:-2]) for line in fonts} == {("yes", "yes", "yes")}
    # Liberation Sans has every Welsh letter; DejaVu Sans only draws the tick matrix's ✓.
    assert {line.split()[0].split("+")[-1] for line in fonts} <= {
        "Liberation-Sans",
        "Liberation-Sans-Bold",
        "Liberation-Sans-Italic",
        "Liberation-Sans-Bold-Italic",
        "DejaVu-Sans",
    }


def test_summary_pdf_of_a_welsh_application_has_welsh_headings(signed_in, tmp_path):
    Application.objects.filter(reference="PS-2020-CAV-001").update(language="cy")

    pdf = download(signed_in(MANAGER), SUMMARY)

    text = pdf_text(pdf, tmp_path)
    assert pdf_field(pdf_info(pdf, tmp_path), "Title") == welsh("Application summary")
    assert welsh("Strategic components") in text
    assert "Strategic components" not in text


def test_committee_paper_asked_for_in_welsh_is_welsh(signed_in, tmp_path):
    response = signed_in(MANAGER).get(COMMITTEE, {"language": "cy"})

    assert response.status_code == 200
    assert response["Content-Language"] == "cy"
    assert pdf_lang(response.content) == [b"cy"]
    text = pdf_text(response.content, tmp_path)
    assert welsh("Committee") in text


def test_monitoring_summary_asked_for_in_welsh_is_welsh(signed_in):
    response = signed_in("applicant.hdd@example.org").get(
        "/monitoring/PS-2018-HDD-001/summary.pdf", {"language": "cy"}
    )

    assert response.status_code == 200
    assert pdf_lang(response.content) == [b"cy"]


def test_download_links_offer_the_other_language(signed_in):
    soup = BeautifulSoup(
        signed_in(MANAGER).get("/rounds/2018-19/committee-paper/").content, "html.parser"
    )

    links = [(a["href"], a.get_text(strip=True)) for a in soup.select("#paper-downloads a")]
    assert links == [
        (COMMITTEE, "Download the committee paper (PDF)"),
        (f"{COMMITTEE}?language=cy", "in Welsh"),
    ]


# Spreadsheets


def test_xlsx_asked_for_in_welsh_has_welsh_sheet_names_headers_and_names(signed_in):
    response = signed_in(MANAGER).get(XLSX, {"language": "cy"})

    sheets = workbook_rows(response.content)
    assert list(sheets) == [welsh(name) for name in SHEETS]
    header, *rows = sheets[welsh("Applications")]
    assert header[:4] == [
        welsh("Reference"),
        welsh("Round"),
        welsh("Organisation"),
        welsh("Scheme title"),
    ]
    hywel_dda = Organisation.objects.get(code="HDD")
    assert hywel_dda.name_cy in [row[2] for row in rows]
    assert hywel_dda.name_en not in [row[2] for row in rows]
    event = AuditEvent.objects.get(action="export.spreadsheet")
    assert event.details["language"] == "cy"


def test_csv_asked_for_in_welsh_has_welsh_headers(signed_in):
    response = signed_in(MANAGER).get(CSV, {"language": "cy"})

    files = csv_rows(response.content)
    assert files["applications.csv"][0][:2] == [welsh("Reference"), welsh("Round")]
    assert files["decisions.csv"][0][0] == welsh("Reference")


def test_xlsx_without_a_language_comes_in_the_persons_own(signed_in):
    set_language(MANAGER, "cy")

    sheets = workbook_rows(signed_in(MANAGER).get(XLSX).content)

    assert list(sheets)[0] == "Ceisiadau"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_xlsx_with_a_hostile_language_is_english(signed_in, hostile):
    response = signed_in(MANAGER).get(XLSX, {"language": hostile})

    assert response.status_code == 200
    assert list(workbook_rows(response.content)) == SHEETS


@pytest.mark.parametrize(("recorded", "checked"), [("en", "en"), ("cy", "cy")])
def test_export_page_chooses_the_persons_language_by_default(signed_in, recorded, checked):
    set_language(MANAGER, recorded)

    soup = BeautifulSoup(signed_in(MANAGER).get(EXPORT_PAGE).content, "html.parser")

    radios = soup.select('input[name="language"]')
    assert [radio["value"] for radio in radios if radio.has_attr("checked")] == [checked]
    hrefs = [a["href"] for a in soup.select("#downloads-anonymised a, #downloads-named a")]
    assert {href.rsplit("language=", 1)[1] for href in hrefs} == {checked}


def test_export_page_with_welsh_chosen_links_welsh_files(signed_in):
    soup = BeautifulSoup(
        signed_in(MANAGER).get(EXPORT_PAGE, {"language": "cy"}).content, "html.parser"
    )

    assert [a["href"] for a in soup.select("#downloads-anonymised a")] == [
        f"{XLSX}?reviewers=anonymised&language=cy",
        f"{CSV}?reviewers=anonymised&language=cy",
    ]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_export_page_with_a_hostile_language_says_so_and_links_the_default(signed_in, hostile):
    response = signed_in(MANAGER).get(EXPORT_PAGE, {"language": hostile})

    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert soup.select_one(".govuk-error-message").get_text(" ", strip=True) == (
        "Error: Select English or Welsh"
    )
    hrefs = [a["href"] for a in soup.select("#downloads-anonymised a")]
    assert {href.rsplit("language=", 1)[1] for href in hrefs} == {"en"}


# The pack, made by the worker


def test_pack_asked_for_in_welsh_is_made_in_welsh(
    signed_in, tmp_path, django_capture_on_commit_callbacks
):
    client = signed_in(MANAGER)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/rounds/2018-19/pack/", {"reviewers": "lettered", "language": "cy"})

    job = PackJob.objects.get()
    assert (job.status, job.language) == (PackJob.Status.DONE, "cy")
    download = client.get(f"/rounds/2018-19/pack/{job.pk}/download/")
    pdf = b"".join(download.streaming_content)
    with translation.override("cy"):
        title = gettext("Appraisal pack: %(round)s") % {
            "round": Round.objects.get(code="2018-19").name
        }
    assert pdf_lang(pdf) == [b"cy"]
    assert pdf_field(pdf_info(pdf, tmp_path), "Title") == title
    text = pdf_text(pdf, tmp_path)
    assert welsh("Money by health board") in text
    assert Organisation.objects.get(code="HDD").name_cy in text
    page = client.get("/rounds/2018-19/pack/").content.decode()
    assert '<td class="govuk-table__cell">Welsh</td>' in page


def test_pack_form_chooses_the_persons_language_by_default(signed_in):
    set_language(MANAGER, "cy")

    soup = BeautifulSoup(signed_in(MANAGER).get("/rounds/2018-19/pack/").content, "html.parser")

    checked = soup.select('input[name="language"][checked]')
    assert [radio["value"] for radio in checked] == ["cy"]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_pack_asked_for_in_a_hostile_language_makes_nothing(signed_in, hostile):
    response = signed_in(MANAGER).post(
        "/rounds/2018-19/pack/", {"reviewers": "lettered", "language": hostile}
    )

    assert response.status_code == 200
    assert PackJob.objects.count() == 0


# The command


def test_export_round_in_welsh_writes_welsh_sheets(tmp_path):
    output = tmp_path / "round.xlsx"

    call_command(
        "export_round",
        "2018-19",
        "--format",
        "xlsx",
        "--output",
        str(output),
        "--language",
        "cy",
        stdout=io.StringIO(),
    )

    assert list(workbook_rows(output.read_bytes())) == [welsh(name) for name in SHEETS]
    assert AuditEvent.objects.get(action="export.spreadsheet").details["language"] == "cy"


def test_export_round_committee_paper_in_welsh(tmp_path):
    output = tmp_path / "paper.pdf"

    call_command(
        "export_round",
        "2018-19",
        "--format",
        "committee",
        "--output",
        str(output),
        "--language",
        "cy",
        stdout=io.StringIO(),
    )

    assert pdf_lang(output.read_bytes()) == [b"cy"]


def test_export_round_is_english_by_default(tmp_path):
    output = tmp_path / "round.xlsx"

    call_command(
        "export_round", "2018-19", "--format", "xlsx", "--output", str(output), stdout=io.StringIO()
    )

    assert list(workbook_rows(output.read_bytes())) == SHEETS


def test_export_round_refuses_another_language(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="invalid choice: 'fr'"):
        call_command(
            "export_round",
            "2018-19",
            "--format",
            "xlsx",
            "--output",
            str(tmp_path / "x.xlsx"),
            "--language",
            "fr",
        )
