"""Files in an S3-compatible object store: attachments, packs and the pack's cached parts.

The store is moto's in-process S3 (what leaves the process is mocked, nothing else): the
portal's own storage code, django-storages and boto3 run as they do in production.
"""

import datetime
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import storages
from django.utils import timezone
from moto import mock_aws

from criteria.domain.pack import build_pack, prune_cache
from criteria.models import PackJob
from pacesetter.models import Organisation
from pacesetter.stored_files import mark_used, read_whole, write_whole
from schemes.enums import ApplicationStatus
from schemes.models import Attachment, Round
from tests.factories import ApplicationFactory
from tests.test_attachments import (
    APPLICANT_CAV,
    MANAGER,
    PDF_BYTES,
    attach,
    download_url,
    post_upload,
    remove_url,
    stored_files,
)

pytestmark = pytest.mark.django_db

BUCKET = "pacesetter-test"


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
def bucket(settings, monkeypatch, media_root):
    """A private, versioned bucket as the default storage, as production configures it."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        s3 = boto3.resource("s3", region_name="eu-west-2")
        created = s3.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
        created.Versioning().enable()
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": "eu-west-2",
                    "default_acl": "private",
                    "querystring_expire": 300,
                    "file_overwrite": True,
                },
            },
        }
        yield created


def keys(bucket):
    return sorted(entry.key for entry in bucket.objects.all())


def versions(bucket, key):
    return len(list(bucket.object_versions.filter(Prefix=key)))


def test_attachment_uploaded_to_the_object_store_downloads_byte_for_byte(
    signed_in, cav_draft, bucket, media_root
):
    client = signed_in(APPLICANT_CAV)

    response = post_upload(client, cav_draft, name="plan.pdf", content=PDF_BYTES)
    attachment = Attachment.objects.get(application=cav_draft)
    download = signed_in(MANAGER).get(download_url(cav_draft, attachment))

    assert response.status_code == 302
    assert keys(bucket) == [attachment.file.name]
    assert bucket.Object(attachment.file.name).get()["Body"].read() == PDF_BYTES
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert stored_files(media_root) == []


def test_attachment_in_the_object_store_is_private_and_any_url_is_signed(cav_draft, bucket):
    attachment = attach(cav_draft)

    grants = bucket.Object(attachment.file.name).Acl().grants
    url = attachment.file.url

    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=300&" in url


def test_attachment_removed_leaves_the_object_store_once_committed(
    signed_in, cav_draft, bucket, django_capture_on_commit_callbacks
):
    attachment = attach(cav_draft)

    with django_capture_on_commit_callbacks(execute=True):
        signed_in(APPLICANT_CAV).post(
            remove_url(cav_draft, attachment), {"version": cav_draft.version}
        )

    assert keys(bucket) == []


def test_attachment_missing_from_the_object_store_is_not_found(signed_in, cav_draft, bucket):
    attachment = attach(cav_draft)
    bucket.Object(attachment.file.name).delete()
    for version in bucket.object_versions.all():
        version.delete()

    response = signed_in(MANAGER).get(download_url(cav_draft, attachment))

    assert response.status_code == 404


def test_pack_made_into_the_object_store_downloads_from_it(
    signed_in, bucket, media_root, django_capture_on_commit_callbacks
):
    client = signed_in(MANAGER)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/rounds/2018-19/pack/", {"reviewers": "lettered", "language": "en"})
    job = PackJob.objects.get()
    download = client.get(f"/rounds/2018-19/pack/{job.pk}/download/")
    pdf = b"".join(download.streaming_content)

    assert job.status == PackJob.Status.DONE
    assert pdf == bucket.Object(job.pdf.name).get()["Body"].read()
    assert pdf.startswith(b"%PDF-")
    assert job.pdf.name == f"packs/appraisal-pack-2018-19-{job.pk}.pdf"
    assert all(key.startswith(("packs/", "pack-cache/")) for key in keys(bucket))
    assert stored_files(media_root) == []


def test_pack_parts_cached_in_the_object_store_are_reused(bucket, media_root):
    round = Round.objects.get(code="2018-19")

    cold = build_pack(round)
    warm = build_pack(round)

    assert (cold.parts_rendered, warm.parts_rendered) == (1, 0)
    assert warm.pages == cold.pages
    assert {Path(key).suffix for key in keys(bucket)} == {".pdf", ".json"}
    assert not Path(media_root).exists()


def test_prune_cache_in_the_object_store_deletes_only_what_has_been_unused_for_long(bucket):
    storage = storages["default"]
    for name in ("pack-cache/a.pdf", "pack-cache/b.json", "pack-cache/notes.txt", "packs/c.pdf"):
        write_whole(storage, name, b"x")
    soon = timezone.now() + datetime.timedelta(days=29)
    later = timezone.now() + datetime.timedelta(days=31)

    kept = prune_cache(now=soon)
    removed = prune_cache(now=later)

    assert (kept, removed) == (0, 2)
    assert keys(bucket) == ["pack-cache/notes.txt", "packs/c.pdf"]


def test_mark_used_in_the_object_store_writes_again_only_a_day_after(bucket):
    storage = storages["default"]
    name = "pack-cache/part.pdf"
    write_whole(storage, name, b"%PDF- part")

    mark_used(storage, name, b"%PDF- part", now=timezone.now())
    unchanged = versions(bucket, name)
    mark_used(storage, name, b"%PDF- part", now=timezone.now() + datetime.timedelta(days=2))

    assert (unchanged, versions(bucket, name)) == (1, 2)
    assert read_whole(storage, name) == b"%PDF- part"


def test_write_whole_on_the_filesystem_replaces_the_file_under_its_name(media_root):
    storage = storages["default"]

    write_whole(storage, "pack-cache/part.pdf", b"first")
    write_whole(storage, "pack-cache/part.pdf", b"second")

    assert read_whole(storage, "pack-cache/part.pdf") == b"second"
    assert [path.name for path in stored_files(media_root)] == ["part.pdf"]
