"""The appraisal summary PDF: the panel's scores and justifications, named or lettered."""

import pytest

from tests.test_pdf import download, pdf_field, pdf_info, pdf_text

pytestmark = pytest.mark.django_db

CAV = "/applications/PS-2020-CAV-001/appraisal.pdf"
HDD = "/applications/PS-2018-HDD-001/appraisal.pdf"


def test_appraisal_names_reviewers_only_when_asked(signed_in, tmp_path):
    client = signed_in("manager@example.org")

    lettered = pdf_text(download(client, CAV), tmp_path)
    named = pdf_text(download(client, f"{CAV}?reviewers=named"), tmp_path)

    assert "Rhodri Williams" not in lettered
    assert "Reviewer A" in lettered
    assert "Lettered: names withheld" in lettered
    assert "Rhodri Williams" in named
    assert "Reviewer A" not in named


def test_appraisal_carries_criteria_scores_justifications_and_marking(signed_in, tmp_path):
    text = pdf_text(download(signed_in("manager@example.org"), CAV), tmp_path)

    assert "OFFICIAL-SENSITIVE" in text
    assert "PS-2020-CAV-001" in text
    for label in ("1a", "1d", "2c", "3b", "4b"):
        assert f"{label}." in text
    assert "Patients and communities are not involved in design, delivery or review." in text
    assert "Fund with" in text  # "Fund with conditions", wrapped in its table cell
    assert "No decision has been recorded." in text
    assert "Page 1 of" in text
    # reviewer2's review is a draft: it is not part of the panel's appraisal.
    assert "Builds on Silver Foundation" not in text


def test_appraisal_of_a_decided_application_carries_the_decision(signed_in, tmp_path):
    text = pdf_text(download(signed_in("manager@example.org"), HDD), tmp_path)

    assert "Approved" in text
    assert "£488,000.00" in text


def test_appraisal_pdf_is_tagged_with_title_and_language(signed_in, tmp_path):
    info = pdf_info(download(signed_in("manager@example.org"), CAV), tmp_path)

    assert pdf_field(info, "Title") == "Appraisal summary"
    assert pdf_field(info, "Tagged") == "yes"


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("manager@example.org", 200),
        ("admin@example.org", 200),
        ("chair@example.org", 200),
        ("applicant.cav@example.org", 404),
        ("applicant.hdd@example.org", 404),
        ("reviewer1@example.org", 404),
        ("reviewer3@example.org", 404),
    ],
)
def test_appraisal_pdf_for_every_role(signed_in, email, status):
    assert signed_in(email).get(CAV).status_code == status


def test_appraisal_pdf_sends_signed_out_visitors_to_sign_in(client):
    response = client.get(CAV)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
