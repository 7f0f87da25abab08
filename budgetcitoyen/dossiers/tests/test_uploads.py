"""Uploaded images are re-encoded: no metadata is stored or served, and bombs are refused."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.test import Client
from PIL import ExifTags, Image

from budgetcitoyen.core.errors import InvalidInput
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.dossiers import services
from budgetcitoyen.dossiers.snapshot import build_snapshot, canonical_json, sha256_hex
from budgetcitoyen.testing import images as samples
from budgetcitoyen.testing.factories import complete_dossier, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_deposit")]

SECRETS = (samples.AUTHOR, samples.SERIAL, samples.SOFTWARE, samples.XMP_AUTHOR, samples.COMMENT)


@pytest.fixture
def draft(registration):
    return services.dossier_start(registration=registration, by=registration.person)


@pytest.fixture
def holder_client(draft):
    client = Client()
    client.force_login(draft.holder)
    return client


def read(field_file) -> bytes:  # type: ignore[no-untyped-def]
    with field_file.open("rb") as handle:
        return handle.read()


def assert_only_pixels(content: bytes) -> None:
    for secret in SECRETS:
        assert secret.encode() not in content, secret
    image = Image.open(io.BytesIO(content))
    exif = image.getexif()
    assert not exif
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)


class TestCameraPhoto:
    def test_the_photo_is_stored_without_its_metadata_and_upright(self, draft):
        services.photo_set(
            dossier=draft, by=draft.holder, upload=upload("IMG_0001.jpg", samples.camera_jpeg())
        )
        draft.refresh_from_db()
        content = read(draft.photo)
        assert_only_pixels(content)
        assert draft.photo_content_type == "image/jpeg"
        assert draft.photo_name == "IMG_0001.jpg"
        assert draft.photo_size == len(content)
        assert draft.photo_sha256 == hashlib.sha256(content).hexdigest()
        entry = AuditEntry.objects.get(action="dossiers.photo_set")
        assert entry.data["sha256"] == draft.photo_sha256
        assert Image.open(io.BytesIO(content)).size == (32, 64)

    def test_an_image_attachment_is_stored_without_its_metadata(self, draft):
        item = services.attachment_add(
            dossier=draft, by=draft.holder, upload=upload("plan.jpg", samples.camera_jpeg())
        )
        content = read(item.file)
        assert_only_pixels(content)
        assert (item.size, item.sha256) == (len(content), hashlib.sha256(content).hexdigest())

    def test_what_is_served_has_no_metadata(self, holder_client, draft):
        response = holder_client.post(
            f"/mes-dossiers/{draft.pk}/presentation/",
            {
                "title": "Titre",
                "photo": upload("IMG_0001.jpg", samples.camera_jpeg()),
                "action": "save",
            },
        )
        assert response.status_code == 302
        holder_client.post(
            f"/mes-dossiers/{draft.pk}/pieces/",
            {"attachments": [upload("plan.jpg", samples.camera_jpeg())], "action": "save"},
        )
        photo = holder_client.get(f"/dossiers/{draft.pk}/photo/")
        assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
        assert_only_pixels(b"".join(photo.streaming_content))
        item = draft.attachments.get()
        attachment = holder_client.get(f"/dossiers/{draft.pk}/pieces/{item.pk}/")
        assert_only_pixels(b"".join(attachment.streaming_content))

    def test_the_snapshot_and_receipt_name_the_stored_file(self, registration):
        dossier = complete_dossier(registration)
        services.photo_set(
            dossier=dossier, by=dossier.holder, upload=upload("vue.jpg", samples.camera_jpeg())
        )
        item = services.attachment_add(
            dossier=dossier, by=dossier.holder, upload=upload("plan.jpg", samples.camera_jpeg())
        )
        dossier = services.dossier_submit(dossier=dossier, by=dossier.holder, sworn=True)
        snapshot = build_snapshot(dossier)
        photo = read(dossier.photo)
        assert snapshot["presentation"]["photo"]["sha256"] == hashlib.sha256(photo).hexdigest()
        assert snapshot["presentation"]["photo"]["size"] == len(photo)
        attachment = read(item.file)
        assert snapshot["attachments"][0]["sha256"] == hashlib.sha256(attachment).hexdigest()
        assert canonical_json(snapshot) == dossier.snapshot
        assert sha256_hex(dossier.snapshot) == dossier.snapshot_sha256


class TestBombs:
    def test_the_service_refuses_a_bomb_in_french(self, draft):
        bomb = upload("carte.png", samples.bomb_png())
        with pytest.raises(InvalidInput) as refused:
            services.photo_set(dossier=draft, by=draft.holder, upload=bomb)
        assert "carte.png" in refused.value.errors["photo"]
        assert "millions de pixels" in refused.value.errors["photo"]
        with pytest.raises(InvalidInput) as refused:
            services.attachment_add(dossier=draft, by=draft.holder, upload=bomb)
        assert "millions de pixels" in refused.value.errors["attachments"]

    def test_a_bomb_photo_is_a_400_and_the_step_is_kept(self, holder_client, draft):
        response = holder_client.post(
            f"/mes-dossiers/{draft.pk}/presentation/",
            {
                "title": "La recyclerie",
                "summary": "Réparer ensemble.",
                "photo": upload("carte.png", samples.bomb_png()),
                "action": "save",
            },
        )
        assert response.status_code == 400
        assert "millions de pixels" in response.content.decode()
        draft.refresh_from_db()
        assert (draft.title, draft.summary) == ("La recyclerie", "Réparer ensemble.")
        assert not draft.photo

    def test_a_bomb_attachment_is_a_400_and_the_other_files_are_kept(self, holder_client, draft):
        response = holder_client.post(
            f"/mes-dossiers/{draft.pk}/pieces/",
            {
                "attachments": [upload("statuts.pdf"), upload("carte.png", samples.bomb_png())],
                "action": "save",
            },
        )
        assert response.status_code == 400
        assert "carte.png" in response.content.decode()
        assert [a.original_name for a in draft.attachments.all()] == ["statuts.pdf"]
