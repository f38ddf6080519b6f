"""Asking for the appraisal pack, watching its progress, and downloading it."""

import pytest
from django.test import Client

from criteria.models import PackJob
from schemes.models import Round

pytestmark = pytest.mark.django_db

MANAGER = "manager@example.org"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_manager_asks_for_a_pack_and_downloads_it_when_ready(
    signed_in, django_capture_on_commit_callbacks
):
    client = signed_in(MANAGER)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/rounds/2018-19/pack/", {"reviewers": "lettered"})

    job = PackJob.objects.get()
    assert response["Location"] == f"/rounds/2018-19/pack/{job.pk}/"
    assert (job.status, job.progress, job.reviewers_named) == (PackJob.Status.DONE, 100, False)
    page = client.get(response["Location"]).content.decode()
    assert "Your pack is ready" in page
    assert '<meta http-equiv="refresh" content="3">' not in page
    download = client.get(f"/rounds/2018-19/pack/{job.pk}/download/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="appraisal-pack-2018-19.pdf"'
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_pack_page_refreshes_itself_while_the_pack_is_being_made(signed_in, demo_user):
    job = PackJob.objects.create(
        round=Round.objects.get(code="2018-19"),
        requested_by=demo_user(MANAGER),
        status=PackJob.Status.RUNNING,
        progress=40,
        message="Rendering PS-2018-HDD-001",
    )

    page = signed_in(MANAGER).get(f"/rounds/2018-19/pack/{job.pk}/").content.decode()

    assert '<meta http-equiv="refresh" content="3">' in page
    assert 'data-progress="40"' in page
    assert "Being made: 40% done." in page


def test_failed_pack_says_why_and_offers_no_download(signed_in, demo_user):
    job = PackJob.objects.create(
        round=Round.objects.get(code="2018-19"),
        requested_by=demo_user(MANAGER),
        status=PackJob.Status.FAILED,
        message="Making the PDF took longer than 60 seconds and was stopped.",
    )
    client = signed_in(MANAGER)

    page = client.get(f"/rounds/2018-19/pack/{job.pk}/").content.decode()

    assert "The pack could not be made" in page
    assert "Making the PDF took longer than 60 seconds and was stopped." in page
    assert client.get(f"/rounds/2018-19/pack/{job.pk}/download/").status_code == 404


def test_pack_request_without_a_choice_is_refused(signed_in):
    response = signed_in(MANAGER).post("/rounds/2018-19/pack/", {})

    assert "Choose how reviewers should appear" in response.content.decode()
    assert PackJob.objects.count() == 0


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("manager@example.org", 200),
        ("admin@example.org", 200),
        ("chair@example.org", 403),
        ("reviewer1@example.org", 403),
        ("applicant.hdd@example.org", 403),
    ],
)
def test_pack_pages_for_every_role(signed_in, demo_user, email, status):
    job = PackJob.objects.create(
        round=Round.objects.get(code="2018-19"), requested_by=demo_user(MANAGER)
    )
    client = signed_in(email)

    assert client.get("/rounds/2018-19/pack/").status_code == status
    assert client.get(f"/rounds/2018-19/pack/{job.pk}/").status_code == status


def test_pack_request_without_csrf_token_is_refused(demo_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user(MANAGER))

    response = client.post("/rounds/2018-19/pack/", {"reviewers": "lettered"})

    assert response.status_code == 403
    assert PackJob.objects.count() == 0


@pytest.mark.parametrize(("email", "shown"), [(MANAGER, True), ("chair@example.org", False)])
def test_round_page_links_to_the_pack_for_programme_managers_only(signed_in, email, shown):
    page = signed_in(email).get("/rounds/2018-19/").content.decode()

    assert ('href="/rounds/2018-19/pack/"' in page) is shown
