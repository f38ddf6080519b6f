"""An applicant attaches, downloads and removes a file; axe checks every page on the way."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from pacesetter.models import Organisation
from schemes.enums import ApplicationStatus
from schemes.models import Attachment, Round
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.browser

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(48) + b"PE\x00\x00"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def cav_draft(demo):
    return ApplicationFactory(
        round=Round.objects.get(code="2027-29"),
        organisation=Organisation.objects.get(code="CAV"),
        status=ApplicationStatus.DRAFT,
    )


def open_attachments(page, demo, application):
    sign_in(page, demo, "applicant.cav@example.org")
    page.goto(f"{demo}/applications/{application.reference}/apply/attachments/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Attachments")
    assert_accessible(page)


def test_applicant_uploads_downloads_and_removes_a_file(page, demo, cav_draft, media_root):
    open_attachments(page, demo, cav_draft)

    page.get_by_label("Plan on a page").check()
    page.get_by_label("Choose the file").set_input_files(
        files=[{"name": "Plan on a page.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_role("button", name="Upload file").click()

    expect(page.get_by_role("alert")).to_contain_text("Plan_on_a_page.pdf has been uploaded.")
    row = page.get_by_role("row").filter(has_text="Plan_on_a_page.pdf")
    expect(row.get_by_role("cell").nth(0)).to_have_text("Plan on a page")
    assert_accessible(page)

    with page.expect_download() as started:
        page.get_by_role("link", name="Plan_on_a_page.pdf", exact=True).click()
    download = started.value
    assert download.suggested_filename == "Plan_on_a_page.pdf"
    assert Path(download.path()).read_bytes() == PDF_BYTES

    stored = Path(Attachment.objects.get(application=cav_draft).file.path)
    page.get_by_role("link", name="Remove Plan_on_a_page.pdf").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to remove Plan_on_a_page.pdf?"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Yes, remove the file").click()

    expect(page.get_by_role("alert")).to_contain_text("Plan_on_a_page.pdf has been removed.")
    expect(page.get_by_text("No files are attached yet.")).to_be_visible()
    assert_accessible(page)
    assert Attachment.objects.filter(application=cav_draft).count() == 0
    assert stored.exists() is False


def test_keyboard_user_is_told_a_disguised_program_is_refused(page, demo, cav_draft, media_root):
    open_attachments(page, demo, cav_draft)
    page.get_by_label("Choose the file").set_input_files(
        files=[{"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": EXE_BYTES}]
    )

    page.get_by_label("Evaluation plan").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Upload file")).to_be_focused()
    page.keyboard.press("Enter")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["The selected file must be a PDF, DOCX, XLSX, PNG or JPEG"]
    )
    expect(page).to_have_title("Error: Attachments – Pacesetter portal")
    expect(page.get_by_label("Evaluation plan")).to_be_checked()
    assert_accessible(page)
    summary.get_by_role("link").press("Enter")
    expect(page.get_by_label("Choose the file")).to_be_focused()
    assert Attachment.objects.filter(application=cav_draft).count() == 0
    assert list(Path(media_root).rglob("*.*")) == []
