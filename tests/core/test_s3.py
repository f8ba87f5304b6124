"""Media on S3-compatible storage (django-storages) against moto's server mode on 127.0.0.1: evidence is
stored, served through the permission-checking view, backed up and checked."""

from __future__ import annotations

import json

import boto3
import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal.assessments.layers import assessment_get_or_create
from appraisal.assessments.models import Evidence, StoredFile
from appraisal.core.operations import backup_create, integrity_check
from tests.assessments.conftest import PDF, entry_of, open_self_assessment, pdf_file

moto_server = pytest.importorskip("moto.server")

BUCKET = "parindex-media"
KEYS = {"access_key": "thu-nghiem", "secret_key": "thu-nghiem-bi-mat"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, settings):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="ap-southeast-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"})
    # The same options parindex/settings.py builds from PARINDEX_S3_* variables.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "location": "media",
                "endpoint_url": s3_endpoint,
                "region_name": "ap-southeast-1",
                "addressing_style": "path",
                "default_acl": "private",
                "file_overwrite": False,
                **KEYS,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def assessment(period, unit, index_set):
    open_self_assessment(period)
    return assessment_get_or_create(period=period, unit=unit)


def test_evidence_is_stored_served_backed_up_and_checked_through_s3(
    s3, client_for, editor, assessment, tmp_path
):
    client = client_for(editor)
    entry = entry_of(assessment, "1.1")
    upload = client.post(
        reverse("assessments:entry_upload", args=[assessment.pk, entry.pk]),
        {"file": pdf_file("Báo cáo CCHC 2023.pdf")},
        headers={"HX-Request": "true"},
    )
    stored = StoredFile.objects.get()
    key = f"media/evidence/{timezone.now().year}/{stored.sha256}.pdf"
    assert upload.status_code == 200
    assert stored.file.name == f"evidence/{timezone.now().year}/{stored.sha256}.pdf"
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PDF

    download = client.get(reverse("assessments:evidence_download", args=[Evidence.objects.get().pk]))
    assert (download.status_code, download["Content-Type"]) == (200, "application/pdf")
    assert b"".join(download.streaming_content) == PDF

    report = backup_create(output=tmp_path / "backup")
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    assert report.files == 1
    assert (tmp_path / "backup" / "media" / stored.file.name).read_bytes() == PDF
    assert manifest["files"][f"media/{stored.file.name}"]["sha256"] == stored.sha256

    assert integrity_check(hashes=True).ok
    s3.put_object(Bucket=BUCKET, Key="media/evidence/la.pdf", Body=PDF)
    s3.delete_object(Bucket=BUCKET, Key=key)
    broken = integrity_check()
    assert (broken.missing, broken.orphans) == (
        [f"assessments.StoredFile #{stored.pk}: {stored.file.name}"],
        ["evidence/la.pdf"],
    )
