"""The attachments task: what may be uploaded, where it is kept, and who may download it."""

import io
import random
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from pacesetter.models import Organisation, User
from pacesetter.times import govuk_datetime
from schemes.domain.attachments import attachment_add
from schemes.domain.editing import editing
from schemes.enums import ApplicationStatus, AttachmentKind
from schemes.models import Application, Attachment, Round
from schemes.validators import (
    DOCX,
    JPEG,
    PDF,
    PNG,
    XLSX,
    attachment_type,
    safe_file_name,
)
from tests.factories import ApplicationFactory

APPLICANT_CAV = "applicant.cav@example.org"
APPLICANT_HDD = "applicant.hdd@example.org"
APPLICANT_PTH = "applicant.pth@example.org"
REVIEWERS = ["reviewer1@example.org", "reviewer2@example.org", "reviewer3@example.org"]
CHAIR = "chair@example.org"
MANAGER = "manager@example.org"
ADMIN = "admin@example.org"

WRONG_TYPE = "The selected file must be a PDF, DOCX, XLSX, PNG or JPEG"
STALE = (
    "Someone else changed this application after you opened this page. Nothing you entered "
    "here has been saved. Open the page again to see their changes, then make yours."
)
STORED_NAME = re.compile(r"attachments/[0-9a-f]{32}\.(pdf|docx|xlsx|png|jpg)")
TEN_MB = 10 * 1024 * 1024


# Real small files, built by hand.

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
JPEG_BYTES = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + bytes(32)
    + b"\xff\xd9"
)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n"
    + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    + png_chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    + png_chunk(b"IEND", b"")
)

OPC_NAMESPACE = "http://schemas.openxmlformats.org/package/2006"


def zip_of(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def office_document(main_part, main_content_type, body):
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Types xmlns="{OPC_NAMESPACE}/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_content_type}"/>'
        "</Types>"
    )
    relationships = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="{OPC_NAMESPACE}/relationships">'
        '<Relationship Id="rId1" Target="' + main_part + '" Type="http://schemas.openxml'
        'formats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
    )
    return zip_of(
        {"[Content_Types].xml": content_types, "_rels/.rels": relationships, main_part: body}
    )


DOCX_BYTES = office_document(
    "word/document.xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Plan on a page</w:t></w:r></w:p></w:body></w:document>",
)
XLSX_BYTES = office_document(
    "xl/workbook.xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheets><sheet name="Logic model" sheetId="1"/></sheets></workbook>',
)
DOCM_BYTES = office_document(
    "word/document.xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "<w:document/>",
)
PLAIN_ZIP_BYTES = zip_of({"notes.txt": "not a spreadsheet", "data.csv": "a,b\n1,2\n"})
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(48) + b"PE\x00\x00"
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + bytes(56)
SHELL_BYTES = b"#!/bin/sh\nrm -rf --no-preserve-root /\n"


# Fixtures and helpers.


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def cav_draft(db):
    return ApplicationFactory(
        round=Round.objects.get(code="2027-29"),
        organisation=Organisation.objects.get(code="CAV"),
        status=ApplicationStatus.DRAFT,
    )


@pytest.fixture
def hdd_draft(db):
    return ApplicationFactory(
        round=Round.objects.get(code="2027-29"),
        organisation=Organisation.objects.get(code="HDD"),
        status=ApplicationStatus.DRAFT,
    )


def attachments_url(application):
    return reverse("schemes:attachments", args=[application.reference])


def download_url(application, attachment):
    return reverse("schemes:attachment_download", args=[application.reference, attachment.pk])


def remove_url(application, attachment):
    return reverse("schemes:remove_attachment", args=[application.reference, attachment.pk])


def post_upload(client, application, *, name, content, kind="plan_on_a_page", version=None):
    return client.post(
        attachments_url(application),
        {
            "version": application.version if version is None else version,
            "kind": kind,
            "file": SimpleUploadedFile(name, content),
            "upload": "",
        },
    )


def attach(application, *, name="plan.pdf", content=PDF_BYTES, kind="plan_on_a_page"):
    """Attach a file the way the upload view does, as the CAV applicant."""
    user = User.objects.get(email=APPLICANT_CAV)
    upload = SimpleUploadedFile(name, content)
    file_type = attachment_type(upload)
    with editing(application, expected_version=application.version, acting_user=user) as fresh:
        attachment = attachment_add(
            application=fresh, acting_user=user, kind=kind, upload=upload, file_type=file_type
        )
    application.refresh_from_db()
    return attachment


def uploaded(attachment):
    return govuk_datetime(attachment.uploaded_at)


def stored_files(media_root):
    return sorted(path for path in Path(media_root).rglob("*") if path.is_file())


def error_summary(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [item.get_text(strip=True) for item in soup.select(".govuk-error-summary__list li")]


def field_errors(response, field):
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        " ".join(error.get_text().split())
        for error in soup.select(f"#div_id_{field} .govuk-error-message")
    ]


# Uploading.


@pytest.mark.parametrize(
    ("name", "content", "file_type"),
    [
        ("Plan on a page.pdf", PDF_BYTES, PDF),
        ("Plan on a page.docx", DOCX_BYTES, DOCX),
        ("Plan on a page.xlsx", XLSX_BYTES, XLSX),
        ("Plan on a page.png", PNG_BYTES, PNG),
        ("Plan on a page.jpg", JPEG_BYTES, JPEG),
    ],
    ids=["pdf", "docx", "xlsx", "png", "jpeg"],
)
def test_upload_allowed_type_is_stored_under_a_generated_name(
    signed_in, cav_draft, media_root, name, content, file_type
):
    response = post_upload(signed_in(APPLICANT_CAV), cav_draft, name=name, content=content)

    assert response.status_code == 302
    assert response["Location"] == attachments_url(cav_draft)
    attachment = Attachment.objects.get(application=cav_draft)
    assert STORED_NAME.fullmatch(attachment.file.name)
    assert attachment.file.name.endswith(f".{file_type.extension}")
    stored = Path(attachment.file.path)
    assert stored.parent == media_root / "attachments"
    assert not stored.is_relative_to(django_settings.BASE_DIR / "static")
    assert not stored.is_relative_to(django_settings.STATIC_ROOT)
    assert stored.read_bytes() == content
    assert attachment.original_name == name.replace(" ", "_")
    assert attachment.content_type == file_type.content_type
    assert attachment.size == len(content)
    assert attachment.uploaded_by.email == APPLICANT_CAV
    assert attachment.kind == AttachmentKind.PLAN_ON_A_PAGE


def test_upload_raises_the_application_version(signed_in, cav_draft, media_root):
    post_upload(signed_in(APPLICANT_CAV), cav_draft, name="plan.pdf", content=PDF_BYTES)

    assert Application.objects.get(pk=cav_draft.pk).version == cav_draft.version + 1


def test_upload_png_named_pdf_is_stored_as_png(signed_in, cav_draft, media_root):
    response = post_upload(
        signed_in(APPLICANT_CAV), cav_draft, name="diagram.pdf", content=PNG_BYTES
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get(application=cav_draft)
    assert attachment.content_type == "image/png"
    assert Path(attachment.file.name).suffix == ".png"
    assert attachment.original_name == "diagram.pdf"


def test_upload_then_save_and_come_back_later_returns_to_task_list(
    signed_in, cav_draft, media_root
):
    response = signed_in(APPLICANT_CAV).post(
        attachments_url(cav_draft),
        {
            "version": cav_draft.version,
            "kind": "logic_model",
            "file": SimpleUploadedFile("logic.pdf", PDF_BYTES),
            "later": "",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("schemes:task_list", args=[cav_draft.reference])
    assert list(
        Attachment.objects.filter(application=cav_draft).values_list("kind", flat=True)
    ) == ["logic_model"]


def test_save_and_come_back_later_with_no_file_stores_nothing(signed_in, cav_draft, media_root):
    response = signed_in(APPLICANT_CAV).post(
        attachments_url(cav_draft), {"version": cav_draft.version, "later": ""}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("schemes:task_list", args=[cav_draft.reference])
    assert Attachment.objects.filter(application=cav_draft).count() == 0
    assert Application.objects.get(pk=cav_draft.pk).version == cav_draft.version


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "huge.pdf",
            b"%PDF-1.4\n" + bytes(TEN_MB + 1 - 9),
            "The selected file must be smaller than 10MB",
        ),
        ("empty.pdf", b"", "The selected file is empty"),
        ("invoice.pdf", EXE_BYTES, WRONG_TYPE),
        ("report.docx", ELF_BYTES, WRONG_TYPE),
        ("budget.xlsx", PLAIN_ZIP_BYTES, WRONG_TYPE),
        ("macros.docx", DOCM_BYTES, WRONG_TYPE),
        ("script.pdf", SHELL_BYTES, WRONG_TYPE),
        ("notes.txt", b"Just some notes\n", WRONG_TYPE),
    ],
    ids=["too-big", "empty", "exe", "elf", "plain-zip", "macro-docm", "shell-script", "text"],
)
def test_upload_bad_file_is_refused_and_nothing_stored(
    signed_in, cav_draft, media_root, name, content, message
):
    response = post_upload(signed_in(APPLICANT_CAV), cav_draft, name=name, content=content)

    assert response.status_code == 200
    assert error_summary(response) == [message]
    assert field_errors(response, "file") == [f"Error: {message}"]
    assert Attachment.objects.filter(application=cav_draft).count() == 0
    assert stored_files(media_root) == []
    assert Application.objects.get(pk=cav_draft.pk).version == cav_draft.version


def test_upload_file_of_exactly_10_mb_is_accepted(signed_in, cav_draft, media_root):
    content = b"%PDF-1.4\n" + bytes(TEN_MB - 9)

    response = post_upload(signed_in(APPLICANT_CAV), cav_draft, name="big.pdf", content=content)

    assert response.status_code == 302
    assert Attachment.objects.get(application=cav_draft).size == TEN_MB


def test_upload_docx_too_big_to_keep_in_memory_is_accepted(signed_in, cav_draft, media_root):
    # Django spools uploads over 2.5MB to a temporary file; the ZIP check must read that too.
    # Random bytes, so compression cannot shrink the document under that size.
    noise = random.Random(0).randbytes(3 * 1024 * 1024)  # noqa: S311 - not a secret
    content = zip_of(
        {
            "[Content_Types].xml": zipfile.ZipFile(io.BytesIO(DOCX_BYTES)).read(
                "[Content_Types].xml"
            ),
            "word/document.xml": "<w:document/>",
            "word/media/image1.bin": noise,
        }
    )

    response = post_upload(signed_in(APPLICANT_CAV), cav_draft, name="big.docx", content=content)

    assert len(content) > django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    assert response.status_code == 302
    attachment = Attachment.objects.get(application=cav_draft)
    assert attachment.content_type == DOCX.content_type
    assert Path(attachment.file.path).read_bytes() == content


def test_upload_without_kind_or_file_asks_for_both(signed_in, cav_draft, media_root):
    response = signed_in(APPLICANT_CAV).post(
        attachments_url(cav_draft), {"version": cav_draft.version, "upload": ""}
    )

    assert response.status_code == 200
    assert error_summary(response) == ["Select what the file is", "Select a file"]
    soup = BeautifulSoup(response.content, "html.parser")
    links = [link["href"] for link in soup.select(".govuk-error-summary__list a")]
    assert links == ["#id_kind_1", "#id_file"]
    assert soup.select_one("#id_kind_1") is not None
    assert soup.select_one("input#id_file[type=file].govuk-file-upload") is not None
    assert Attachment.objects.filter(application=cav_draft).count() == 0


def test_upload_path_traversal_name_never_reaches_the_disk(signed_in, cav_draft, media_root):
    response = post_upload(
        signed_in(APPLICANT_CAV), cav_draft, name="../../etc/passwd.pdf", content=PDF_BYTES
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get(application=cav_draft)
    assert attachment.original_name == "passwd.pdf"
    assert stored_files(media_root) == [Path(media_root) / attachment.file.name]
    assert STORED_NAME.fullmatch(attachment.file.name)


def test_upload_very_long_name_is_cut_keeping_its_extension(signed_in, cav_draft, media_root):
    response = post_upload(
        signed_in(APPLICANT_CAV), cav_draft, name="a" * 300 + ".pdf", content=PDF_BYTES
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get(application=cav_draft)
    assert attachment.original_name == "a" * 96 + ".pdf"
    assert STORED_NAME.fullmatch(attachment.file.name)


@pytest.mark.parametrize(
    ("name", "recorded"),
    [
        ('report "final"\r\nSet-Cookie: x=1.pdf', "report_finalSet-Cookie_x1.pdf"),
        ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
        ("<script>alert(1)</script>.pdf", "script.pdf"),
    ],
)
def test_attach_hostile_name_is_recorded_safely(cav_draft, media_root, name, recorded):
    attachment = attach(cav_draft, name=name)

    assert attachment.original_name == recorded
    assert STORED_NAME.fullmatch(attachment.file.name)
    assert stored_files(media_root) == [Path(media_root) / attachment.file.name]


def test_upload_stale_version_is_refused_and_nothing_stored(signed_in, cav_draft, media_root):
    client = signed_in(APPLICANT_CAV)
    drawn_at = cav_draft.version
    someone = User.objects.get(email=APPLICANT_CAV)
    with editing(cav_draft, expected_version=drawn_at, acting_user=someone) as fresh:
        fresh.title = "Changed in another tab"

    response = post_upload(client, cav_draft, name="plan.pdf", content=PDF_BYTES, version=drawn_at)

    assert response.status_code == 200
    assert error_summary(response) == [STALE]
    assert Attachment.objects.filter(application=cav_draft).count() == 0
    assert stored_files(media_root) == []
    assert Application.objects.get(pk=cav_draft.pk).version == drawn_at + 1


@pytest.mark.parametrize(
    "status",
    [
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.WITHDRAWN,
        ApplicationStatus.APPROVED,
        ApplicationStatus.DECLINED,
        ApplicationStatus.DEFERRED,
    ],
)
def test_upload_to_application_that_cannot_change_is_forbidden(
    signed_in, cav_draft, media_root, status
):
    Application.objects.filter(pk=cav_draft.pk).update(status=status)
    client = signed_in(APPLICANT_CAV)

    page = client.get(attachments_url(cav_draft))
    response = post_upload(client, cav_draft, name="plan.pdf", content=PDF_BYTES)

    assert page.status_code == 403
    assert response.status_code == 403
    assert Attachment.objects.filter(application=cav_draft).count() == 0
    assert stored_files(media_root) == []


def test_upload_during_clarification_is_accepted(signed_in, cav_draft, media_root):
    Application.objects.filter(pk=cav_draft.pk).update(status=ApplicationStatus.CLARIFICATION)

    response = post_upload(signed_in(APPLICANT_CAV), cav_draft, name="plan.pdf", content=PDF_BYTES)

    assert response.status_code == 302
    assert Attachment.objects.filter(application=cav_draft).count() == 1


def test_upload_without_csrf_token_is_forbidden(demo_user, cav_draft, media_root):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user(APPLICANT_CAV))

    response = post_upload(client, cav_draft, name="plan.pdf", content=PDF_BYTES)

    assert response.status_code == 403
    assert Attachment.objects.filter(application=cav_draft).count() == 0
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("email", "status"),
    [
        (APPLICANT_HDD, 404),
        (APPLICANT_PTH, 404),
        *[(reviewer, 404) for reviewer in REVIEWERS],
        (CHAIR, 404),
        (MANAGER, 403),
    ],
)
def test_attachments_page_for_someone_who_may_not_edit(signed_in, cav_draft, email, status):
    response = signed_in(email).get(attachments_url(cav_draft))

    assert response.status_code == status


def test_attachments_page_sends_signed_out_visitor_to_sign_in(client, cav_draft):
    url = attachments_url(cav_draft)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_attachments_page_lists_the_applications_files(signed_in, cav_draft, media_root):
    plan = attach(cav_draft, name="plan.pdf", kind="plan_on_a_page")
    model = attach(cav_draft, name="model.png", content=PNG_BYTES, kind="logic_model")

    response = signed_in(APPLICANT_CAV).get(attachments_url(cav_draft))

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    rows = [
        [" ".join(cell.get_text().split()) for cell in row.select("td")]
        for row in soup.select("table.govuk-table tbody tr")
    ]
    assert rows == [
        [
            "Logic model",
            "model.png",
            f"{len(PNG_BYTES)} bytes",
            f"Carys Evans, {uploaded(model)}",
            "Remove model.png",
        ],
        [
            "Plan on a page",
            "plan.pdf",
            f"{len(PDF_BYTES)} bytes",
            f"Carys Evans, {uploaded(plan)}",
            "Remove plan.pdf",
        ],
    ]
    links = [link["href"] for link in soup.select("table a.govuk-link")]
    assert links == [
        download_url(cav_draft, model),
        remove_url(cav_draft, model),
        download_url(cav_draft, plan),
        remove_url(cav_draft, plan),
    ]
    upload_form = soup.select_one("input#id_file").find_parent("form")
    assert upload_form["enctype"] == "multipart/form-data"


# Downloading.


@pytest.mark.parametrize(
    ("email", "status"),
    [
        (APPLICANT_CAV, 200),
        (APPLICANT_HDD, 404),
        (APPLICANT_PTH, 404),
        *[(reviewer, 404) for reviewer in REVIEWERS],
        (CHAIR, 404),
        (MANAGER, 200),
        (ADMIN, 200),
    ],
)
def test_download_for_every_role(signed_in, cav_draft, media_root, email, status):
    attachment = attach(cav_draft)

    response = signed_in(email).get(download_url(cav_draft, attachment))

    assert response.status_code == status


def test_download_sends_the_file_as_an_attachment(signed_in, cav_draft, media_root):
    attachment = attach(cav_draft, name="plan.pdf")

    response = signed_in(APPLICANT_CAV).get(download_url(cav_draft, attachment))

    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(PDF_BYTES))


def test_download_offers_the_extension_the_content_calls_for(signed_in, cav_draft, media_root):
    attachment = attach(cav_draft, name="diagram.pdf", content=PNG_BYTES)

    response = signed_in(APPLICANT_CAV).get(download_url(cav_draft, attachment))

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="diagram.png"'


def test_download_name_edited_to_something_hostile_is_made_safe(signed_in, cav_draft, media_root):
    attachment = attach(cav_draft, name="plan.pdf")
    Attachment.objects.filter(pk=attachment.pk).update(
        original_name='x"; filename="evil.exe\r\nSet-Cookie: a=b.pdf'
    )

    response = signed_in(MANAGER).get(download_url(cav_draft, attachment))

    assert response["Content-Disposition"] == (
        'attachment; filename="x_filenameevil.exeSet-Cookie_ab.pdf"'
    )


def test_download_of_another_applications_attachment_is_not_found(
    signed_in, cav_draft, hdd_draft, media_root
):
    theirs = attach(hdd_draft)

    response = signed_in(MANAGER).get(download_url(cav_draft, theirs))

    assert response.status_code == 404


def test_download_of_an_attachment_that_does_not_exist_is_not_found(
    signed_in, cav_draft, media_root
):
    response = signed_in(APPLICANT_CAV).get(
        reverse("schemes:attachment_download", args=[cav_draft.reference, 999999])
    )

    assert response.status_code == 404


def test_download_of_a_submitted_applications_attachment_is_allowed(
    signed_in, cav_draft, media_root
):
    attachment = attach(cav_draft)
    Application.objects.filter(pk=cav_draft.pk).update(status=ApplicationStatus.SUBMITTED)

    response = signed_in(APPLICANT_CAV).get(download_url(cav_draft, attachment))

    assert response.status_code == 200


def test_download_permission_agrees_with_rule(demo_user, cav_draft):
    allowed = {
        email
        for email in [
            APPLICANT_CAV,
            APPLICANT_HDD,
            APPLICANT_PTH,
            *REVIEWERS,
            CHAIR,
            MANAGER,
            ADMIN,
        ]
        if demo_user(email).has_perm("schemes.download_attachment", cav_draft)
    }

    assert allowed == {APPLICANT_CAV, MANAGER, ADMIN}


# Removing.


def test_remove_page_asks_for_confirmation(signed_in, cav_draft, media_root):
    attachment = attach(cav_draft, name="plan.pdf")

    response = signed_in(APPLICANT_CAV).get(remove_url(cav_draft, attachment))

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text(strip=True) == "Are you sure you want to remove plan.pdf?"


def test_remove_deletes_the_row_and_then_the_file(
    signed_in, cav_draft, media_root, django_capture_on_commit_callbacks
):
    attachment = attach(cav_draft)
    stored = Path(attachment.file.path)
    client = signed_in(APPLICANT_CAV)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(remove_url(cav_draft, attachment), {"version": cav_draft.version})
    kept_until_commit = stored.exists()
    for callback in callbacks:
        callback()

    assert response.status_code == 302
    assert response["Location"] == attachments_url(cav_draft)
    assert Attachment.objects.filter(pk=attachment.pk).exists() is False
    assert kept_until_commit is True
    assert stored.exists() is False
    assert Application.objects.get(pk=cav_draft.pk).version == cav_draft.version + 1


def test_remove_stale_version_is_refused_and_keeps_the_file(
    signed_in, cav_draft, media_root, django_capture_on_commit_callbacks
):
    attachment = attach(cav_draft)
    drawn_at = cav_draft.version
    with editing(cav_draft, expected_version=drawn_at, acting_user=attachment.uploaded_by):
        pass

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(APPLICANT_CAV).post(
            remove_url(cav_draft, attachment), {"version": drawn_at}
        )

    assert response.status_code == 200
    assert error_summary(response) == [STALE]
    assert Attachment.objects.filter(pk=attachment.pk).exists() is True
    assert Path(attachment.file.path).exists() is True


def test_remove_from_submitted_application_is_forbidden(signed_in, cav_draft, media_root):
    attachment = attach(cav_draft)
    Application.objects.filter(pk=cav_draft.pk).update(status=ApplicationStatus.SUBMITTED)

    response = signed_in(APPLICANT_CAV).post(
        remove_url(cav_draft, attachment), {"version": cav_draft.version}
    )

    assert response.status_code == 403
    assert Attachment.objects.filter(pk=attachment.pk).exists() is True


def test_remove_another_applications_attachment_is_not_found(
    signed_in, cav_draft, hdd_draft, media_root
):
    theirs = attach(hdd_draft)

    response = signed_in(APPLICANT_CAV).post(
        remove_url(cav_draft, theirs), {"version": cav_draft.version}
    )

    assert response.status_code == 404
    assert Attachment.objects.filter(pk=theirs.pk).exists() is True


def test_remove_without_csrf_token_is_forbidden(demo_user, cav_draft, media_root):
    attachment = attach(cav_draft)
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user(APPLICANT_CAV))

    response = client.post(remove_url(cav_draft, attachment), {"version": cav_draft.version})

    assert response.status_code == 403
    assert Attachment.objects.filter(pk=attachment.pk).exists() is True


# The content check on its own.


def test_attachment_type_leaves_the_file_at_its_start():
    upload = ContentFile(DOCX_BYTES, name="plan.docx")

    found = attachment_type(upload)

    assert found == DOCX
    assert upload.read() == DOCX_BYTES


# Each generated file below is built so that the right answer is known from how it was made,
# not by asking the check: the bytes it opens with, and what may follow them.


def refusal(data):
    """Return the code and messages attachment_type refuses `data` with; fail if it accepts it."""
    with pytest.raises(ValidationError) as refused:
        attachment_type(ContentFile(data, name="anything.pdf"))
    return refused.value.code, refused.value.messages


# Every accepted kind opens with one of these bytes: the % of %PDF- (or the byte-order mark
# that may come before it), the first byte of the PNG signature, JPEG's 0xFF, ZIP's P.
FIRST_BYTES_OF_ACCEPTED_KINDS = {ord("%"), 0xEF, 0x89, 0xFF, ord("P")}
REFUSED_AS_WRONG_TYPE = ("file_type", [WRONG_TYPE])


@given(
    st.binary(min_size=1, max_size=4096).filter(
        lambda data: data[0] not in FIRST_BYTES_OF_ACCEPTED_KINDS
    )
)
def test_attachment_type_of_bytes_without_an_accepted_signature_is_refused(data):
    assert refusal(data) == REFUSED_AS_WRONG_TYPE


# filetype tries other formats before PDF, and a few look for an ASCII marker further in (EOT
# at byte 34, DICOM at 128, tar at 257): a PDF body of bytes above 0x7F can carry none of them.
PDF_BODY = st.lists(st.integers(0x80, 0xFF), max_size=2048).map(bytes)
# An animation chunk before the image data makes filetype call a PNG an animated PNG, which is
# not taken; after the header and the image data nothing that follows can.
PNG_HEADER_AND_IMAGE_DATA = PNG_BYTES[: PNG_BYTES.index(b"IEND") - 4]


@given(
    st.one_of(
        st.tuples(st.just(b"%PDF-"), PDF_BODY, st.just(PDF)),
        st.tuples(st.just(PNG_HEADER_AND_IMAGE_DATA), st.binary(max_size=2048), st.just(PNG)),
        st.tuples(st.just(b"\xff\xd8\xff"), st.binary(max_size=2048), st.just(JPEG)),
    )
)
def test_attachment_type_of_bytes_behind_a_pdf_png_or_jpeg_signature_is_that_type(case):
    """The check reads only the signature of these three: what follows is not parsed."""
    opening, body, file_type = case

    assert attachment_type(ContentFile(opening + body, name="anything.pdf")) == file_type


END_OF_ZIP_DIRECTORY = b"PK\x05\x06"


@given(
    st.one_of(
        st.tuples(st.sampled_from([b"MZ", b"\x7fELF"]), st.binary(max_size=2048)),
        st.tuples(
            st.just(b"PK\x03\x04"),
            st.binary(max_size=2048).filter(lambda body: END_OF_ZIP_DIRECTORY not in body),
        ),
    )
)
def test_attachment_type_of_a_program_or_a_zip_without_its_directory_is_refused(case):
    """A ZIP is opened from its end-of-directory record; with none it cannot be an Office file."""
    opening, body = case

    assert refusal(opening + body) == REFUSED_AS_WRONG_TYPE


CONTENT_TYPES = "[Content_Types].xml"


def office_layout(document, main_part):
    """Return the positions of `document` the Office check reads, and the main part's body.

    The check finds the end-of-directory record, walks every central directory entry, looks
    the content types part and the main part up by name, and reads only the content types.
    """
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        entries = archive.infolist()
        position = archive.start_dir
    end_record = document.rindex(END_OF_ZIP_DIRECTORY)
    read = [*range(end_record, end_record + 4)]
    for entry in entries:
        name_length, extra_length, comment_length = struct.unpack_from(
            "<3H", document, position + 28
        )
        read += range(position, position + 4)
        if entry.filename in (CONTENT_TYPES, main_part):
            read += range(position + 46, position + 46 + name_length)
        if entry.filename == CONTENT_TYPES:
            header = entry.header_offset
            read += [*range(header, header + 4), *range(header + 30, header + 30 + name_length)]
        position += 46 + name_length + extra_length + comment_length
    main = next(entry for entry in entries if entry.filename == main_part)
    name_length, extra_length = struct.unpack_from("<2H", document, main.header_offset + 26)
    body = main.header_offset + 30 + name_length + extra_length
    return read, range(body, body + main.compress_size)


OFFICE_DOCUMENTS = [
    (DOCX_BYTES, DOCX, *office_layout(DOCX_BYTES, "word/document.xml")),
    (XLSX_BYTES, XLSX, *office_layout(XLSX_BYTES, "xl/workbook.xml")),
]


@given(
    st.sampled_from(OFFICE_DOCUMENTS).flatmap(
        lambda case: st.tuples(st.just(case[0]), st.integers(1, len(case[0]) - 1))
    )
)
def test_attachment_type_of_office_document_cut_short_is_refused(case):
    """The end-of-directory record is the document's last 22 bytes, and its only one."""
    document, cut = case

    assert refusal(document[: len(document) - cut]) == REFUSED_AS_WRONG_TYPE


@given(
    st.sampled_from(OFFICE_DOCUMENTS).flatmap(
        lambda case: st.tuples(st.just(case[0]), st.sampled_from(case[2]), st.integers(1, 255))
    )
)
def test_attachment_type_of_office_document_damaged_where_the_check_reads_is_refused(case):
    document, position, flip = case
    damaged = bytearray(document)
    damaged[position] ^= flip

    assert refusal(bytes(damaged)) == REFUSED_AS_WRONG_TYPE


@given(
    st.sampled_from(OFFICE_DOCUMENTS).flatmap(
        lambda case: st.tuples(
            st.just(case),
            st.lists(st.tuples(st.sampled_from(case[3]), st.integers(0, 255)), max_size=8),
        )
    )
)
def test_attachment_type_of_office_document_damaged_only_in_its_body_is_still_that_type(case):
    """The check does not read the document's body: Word or Excel judge that when opening it."""
    (document, file_type, _, _), changes = case
    damaged = bytearray(document)
    for position, value in changes:
        damaged[position] = value

    assert attachment_type(ContentFile(bytes(damaged), name="plan.docx")) == file_type


@given(
    st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=8),
    st.integers(min_value=0),
)
def test_attachment_type_of_damaged_plain_zip_is_refused(changes, cut):
    """An Office document's directory and part header both name [Content_Types].xml.

    The plain ZIP names no such part, and eight changed bytes cannot write those 38 bytes.
    """
    damaged = bytearray(PLAIN_ZIP_BYTES)
    for position, value in changes:
        damaged[position % len(damaged)] = value

    kept = max(1, len(damaged) - cut % len(damaged))
    assert refusal(bytes(damaged[:kept])) == REFUSED_AS_WRONG_TYPE


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("..", "fallback.pdf"),
        ("", "fallback.pdf"),
        ("Plan on a page (final).pdf", "Plan_on_a_page_final.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("b" * 200 + ".docx", "b" * 95 + ".docx"),
    ],
)
def test_safe_file_name_of_hostile_or_long_names(name, safe):
    assert safe_file_name(name, fallback="fallback.pdf") == safe


def text(element):
    return " ".join(element.get_text(" ").split())


def raw_upload(client, application, *, file_name, token):
    """POST the upload form as a browser sends it, with a file name no test helper would cut."""
    boundary = "----portal-test-boundary"
    fields = {
        "csrfmiddlewaretoken": token,
        "version": str(application.version),
        "kind": "plan_on_a_page",
        "upload": "",
    }
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    body += (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    body += PDF_BYTES + f"\r\n--{boundary}--\r\n".encode()
    return client.post(
        attachments_url(application),
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


@pytest.mark.parametrize("length", [2_000, 100_000])
def test_upload_with_a_huge_file_name_shows_a_form_error(demo_user, cav_draft, media_root, length):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user(APPLICANT_CAV))
    page = BeautifulSoup(client.get(attachments_url(cav_draft)).content, "html.parser")
    token = page.select_one("input[name=csrfmiddlewaretoken]")["value"]

    response = raw_upload(client, cav_draft, file_name="a" * length + ".pdf", token=token)
    shown = BeautifulSoup(client.get(response["Location"]).content, "html.parser")

    cav_draft.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, attachments_url(cav_draft))
    assert [text(item) for item in shown.select(".govuk-error-summary li")] == [
        "The file name must be 255 characters or fewer. Rename the file and choose it again"
    ]
    assert shown.select_one(".govuk-error-message").get_text(" ", strip=True) == (
        "Error: The file name must be 255 characters or fewer. Rename the file and choose it again"
    )
    assert cav_draft.version == 1
    assert stored_files(media_root) == []


def test_upload_refusal_is_shown_once(demo_user, cav_draft, media_root):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user(APPLICANT_CAV))
    page = BeautifulSoup(client.get(attachments_url(cav_draft)).content, "html.parser")
    token = page.select_one("input[name=csrfmiddlewaretoken]")["value"]
    raw_upload(client, cav_draft, file_name="a" * 100_000 + ".pdf", token=token)
    client.get(attachments_url(cav_draft))

    again = BeautifulSoup(client.get(attachments_url(cav_draft)).content, "html.parser")

    assert again.select(".govuk-error-summary") == []


def test_upload_with_a_long_file_name_a_browser_can_send_is_stored_cut(
    demo_user, cav_draft, media_root
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user(APPLICANT_CAV))
    page = BeautifulSoup(client.get(attachments_url(cav_draft)).content, "html.parser")
    token = page.select_one("input[name=csrfmiddlewaretoken]")["value"]

    response = raw_upload(client, cav_draft, file_name="a" * 600 + ".pdf", token=token)

    assert (response.status_code, response["Location"]) == (302, attachments_url(cav_draft))
    assert Attachment.objects.get(application=cav_draft).original_name == "a" * 96 + ".pdf"
