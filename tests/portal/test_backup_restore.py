"""A backup restored into a fresh database and fresh media directories serves the same content."""

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from consultations import services
from consultations.models import Attachment, PendingUpload
from consultations.uploads import validate_upload

# The consultation desk's people and municipalities, shared with the desk's own tests.
from tests.consultations.conftest import desk  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
IMAGE = bytes(range(256)) * 64  # stands in for an uploaded image: only its bytes matter here

pytestmark = [
    pytest.mark.postgres,
    # Committed for real: pg_dump runs in another process and sees only committed rows.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Fetches a page anonymously and a case file as its requester, and prints both as JSON.
FETCH = """
import base64, json, os
from django.contrib.auth import get_user_model
from django.test import Client
page_path, user_name, file_path = (os.environ[k] for k in ("FETCH_PAGE", "FETCH_USER", "FETCH_FILE"))
page = Client(HTTP_HOST="testserver").get(page_path)
member = Client(HTTP_HOST="testserver")
member.force_login(get_user_model().objects.get(username=user_name))
download = member.get(file_path)
print(json.dumps({
    "page_status": page.status_code,
    "page": page.content.decode(),
    "file_status": download.status_code,
    "file": base64.b64encode(b"".join(download.streaming_content)).decode(),
    "disposition": download["Content-Disposition"],
}))
"""


def database_url(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"


def run(args, env=None, timeout=120):
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result


def fetch(*, url, media, private_media, cache_dir, page_path, user_name, file_path):
    """What an installation on the given database and directories serves, from a separate process."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
        # Development settings: production's hashed static files would need a collectstatic run first, and
        # both copies are served with the same settings, so only their data can make them differ.
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(media),
        "PRIVATE_MEDIA_ROOT": str(private_media),
        "CACHE_DIR": str(cache_dir),
        "ALLOWED_HOSTS": "testserver",
        "TASKS_BACKEND": "immediate",
        "REDIS_URL": "",
        "ELASTICSEARCH_URL": "",
        "LOG_LEVEL": "ERROR",
        "FETCH_PAGE": page_path,
        "FETCH_USER": user_name,
        "FETCH_FILE": file_path,
    }
    result = run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", FETCH],
        env=env,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def comparable(html: str) -> str:
    # Per-response values: CSRF tokens and nonces differ on every request, whatever the database holds.
    html = re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1", html)
    return re.sub(r'(nonce=")[^"]+', r"\1", html)


@pytest.fixture
def file_storages(tmp_path, monkeypatch):
    """Case files and public media on disk, as in production (the test settings keep them in memory)."""
    media, private = tmp_path / "media", tmp_path / "private-media"
    storage = FileSystemStorage(location=private, base_url=None)
    for model in (Attachment, PendingUpload):
        monkeypatch.setattr(model._meta.get_field("file"), "storage", storage)
    return media, private


@pytest.fixture
def restored_database():
    name = f"test_restore_{uuid.uuid4().hex[:10]}"
    yield name
    run(
        [
            "psql",
            "-X",
            "-q",
            database_url("postgres"),
            "-c",
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        ]
    )


def test_restored_copy_serves_the_same_page_and_case_file(
    make,
    desk,  # noqa: F811 (the imported fixture)
    file_storages,
    restored_database,
    tmp_path,
    settings,
):
    media, private = file_storages
    page = make.good_practice(title="Kopia zapasowa w Gogolinie", slug="kopia-zapasowa")
    case = desk.ask()
    upload = SimpleUploadedFile("uchwala.pdf", PDF, content_type="application/pdf")
    upload.checked = validate_upload(upload, max_bytes=settings.CONSULTATION_UPLOAD_MAX_MB * 1024 * 1024)
    services.attachment_add(
        consultation=case,
        pending=services.pending_upload_store(owner=desk.official, upload=upload),
        user=desk.official,
    )
    attachment = case.attachments.get()
    assert (private / attachment.file.name).read_bytes() == PDF
    (media / "images").mkdir(parents=True)
    (media / "images" / "herb.png").write_bytes(IMAGE)
    file_path = reverse(
        "consultation_attachment", kwargs={"year": case.year, "seq": case.seq, "pk": attachment.pk}
    )
    source = database_url(connection.settings_dict["NAME"])

    backups = tmp_path / "backups"
    backup_env = {
        **os.environ,
        "DATABASE_URL": source,
        "MEDIA_ROOT": str(media),
        "PRIVATE_MEDIA_ROOT": str(private),
    }
    backup = Path(
        run(["deploy/backup.sh", "--dest", str(backups), "--keep", "2"], env=backup_env).stdout.strip()
    )
    assert sorted(p.name for p in backup.iterdir()) == [
        "MANIFEST",
        "SHA256SUMS",
        "database.dump",
        "media.tar.gz",
        "private-media.tar.gz",
    ]
    assert "cus:***@" in (backup / "MANIFEST").read_text()

    target = database_url(restored_database)
    restored_media, restored_private = (
        tmp_path / "restored" / "media",
        tmp_path / "restored" / "private-media",
    )
    run(
        [
            "deploy/restore.sh",
            str(backup),
            "--database-url",
            target,
            "--create",
            "--media-root",
            str(restored_media),
            "--private-media-root",
            str(restored_private),
        ]
    )

    common = {"page_path": page.url, "user_name": desk.official.username, "file_path": file_path}
    original = fetch(url=source, media=media, private_media=private, cache_dir=tmp_path / "c1", **common)
    restored = fetch(
        url=target, media=restored_media, private_media=restored_private, cache_dir=tmp_path / "c2", **common
    )

    assert original["page_status"] == restored["page_status"] == 200
    assert "Kopia zapasowa w Gogolinie" in restored["page"]
    assert comparable(restored["page"]) == comparable(original["page"])
    assert original["file_status"] == restored["file_status"] == 200
    assert restored["file"] == original["file"]
    assert restored["disposition"].startswith("attachment")
    assert (restored_media / "images" / "herb.png").read_bytes() == IMAGE
