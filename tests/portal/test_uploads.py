"""Every upload path goes through congress_portal.uploads: an oversized file, one
whose first bytes are not what its extension says, an SVG and an HTML page
(also disguised as .txt) are refused with a clear message and nothing is
stored, through the API, the pages and the services alike. Stored files get
random names and are only sent by views that check the reader, as downloads
(images inline) with nosniff and a policy that runs nothing; /media/ is not
served to anyone but staff."""
import datetime
import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from congress_portal.uploads import check_upload
from suggestions import services as suggestion_services
from suggestions.models import AssignmentState, Reply, ReplyAttachment, Status, SuggestionAttachment
from tests.deputies import factories as df
from tests.suggestions.factories import Actors, in_status, result
from tests.voting import factories as vf
from training.models import TrainingMaterial
from voting import services as voting_services
from voting.models import ProgressPhoto, ProgressReport, ProjectStatus

pytestmark = pytest.mark.django_db

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"/>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


# (file name, content, what the message says)
BAD_FILES = {
    "svg": ("图示.svg", SVG, "类型不允许上传"),
    "html": ("答复.html", HTML, "类型不允许上传"),
    "wrong magic": ("答复函.pdf", b"MZ\x90\x00 not a pdf", "内容与扩展名不符"),
    "svg as png": ("照片.png", SVG, "内容与扩展名不符"),
    "html as txt": ("说明.txt", HTML, "内容与扩展名不符"),
    "svg as txt": ("说明.txt", b"  " + SVG, "内容与扩展名不符"),
    "oversized": ("答复函.pdf", b"%PDF-1.4 " + b"x" * 200, "超过"),
}


def bad(kind):
    name, content, _message = BAD_FILES[kind]
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PORTAL_MAX_ATTACHMENT_BYTES = 100  # the "oversized" file is 209 bytes; the good ones are smaller
    return tmp_path


def stored_files(root):
    return [name for _dir, _subdirs, names in os.walk(root) for name in names]


def assert_safe_download(response, *, inline=False):
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"] and "sandbox" in response["Content-Security-Policy"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline" if inline else "attachment"), disposition


# ---------------------------------------------------------------- the check itself


@pytest.mark.parametrize("kind", BAD_FILES)
def test_the_check_refuses_each_bad_file_with_a_message_naming_it(kind):
    name, _content, message = BAD_FILES[kind]
    with pytest.raises(ValidationError) as refused:
        check_upload(bad(kind))
    assert message in refused.value.messages[0] and name in refused.value.messages[0]


@pytest.mark.parametrize(
    "name,content",
    [
        ("答复函.pdf", b"%PDF-1.7\n1 0 obj"),
        ("现场.png", None),
        ("报告.docx", b"PK\x03\x04\x14\x00"),
        ("说明.txt", "经研究，答复如下：已纳入明年计划。".encode("gb18030")),
    ],
)
def test_the_check_lets_real_files_through(name, content):
    check_upload(SimpleUploadedFile(name, content if content is not None else png_bytes()))


# ---------------------------------------------------------------- unit replies: API, page, service


def _replying_unit():
    s, actors, units = in_status(Status.ASSIGNED)
    a = s.assignments.get(unit=units[0])
    suggestion_services.acknowledge_assignment(assignment=a, actor=actors.unit_user(a.unit))
    return s, a, actors.unit_user(a.unit), actors


def _api_reply(user, a, files):
    client = APIClient()
    client.force_authenticate(user)
    data = {"letter": "经研究，答复如下。", "result_category": result("B").pk, "signed_off_by": "刘局长", "attachments": files}
    return client.post(f"/api/suggestions/assignments/{a.pk}/reply/", data, format="multipart")


@pytest.mark.parametrize("kind", BAD_FILES)
def test_reply_through_the_api_refuses_each_bad_file_and_stores_nothing(kind, media):
    s, a, unit_user, _actors = _replying_unit()
    response = _api_reply(unit_user, a, [bad(kind)])
    assert response.status_code == 400
    assert BAD_FILES[kind][2] in str(response.json()["attachments"])
    a.refresh_from_db()
    assert a.state == AssignmentState.ACKNOWLEDGED and not Reply.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("kind", ["svg", "wrong magic", "html as txt", "oversized"])
def test_reply_page_refuses_each_bad_file_beside_the_field_and_stores_nothing(kind, client, media):
    s, a, unit_user, _actors = _replying_unit()
    client.force_login(unit_user)
    response = client.post(
        reverse("suggestions:unit_detail", args=[a.pk]),
        {"action": "reply", "letter": "经研究，答复如下。", "result_category": result("B").pk, "signed_off_by": "刘局长", "attachments": [bad(kind)]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert BAD_FILES[kind][2] in html and 'id="id_attachments_error"' in html
    assert not Reply.objects.exists() and stored_files(media) == []


@pytest.mark.parametrize("kind", ["svg", "wrong magic", "oversized"])
def test_the_reply_service_itself_checks_attachments(kind, media):
    """Whoever calls it (a task, an import, a new endpoint) gets the same check."""
    s, a, unit_user, _actors = _replying_unit()
    with pytest.raises(ValidationError) as refused:
        suggestion_services.reply_to_suggestion(
            assignment=a, actor=unit_user, letter="答复", result_category=result("B"), signed_off_by="刘局长", attachments=[bad(kind)]
        )
    assert "attachments" in refused.value.message_dict
    assert not Reply.objects.exists() and stored_files(media) == []


def test_the_submit_service_checks_attachments(media):
    actors = Actors()
    from tests.suggestions.factories import submit

    with pytest.raises(ValidationError) as refused:
        submit(actors, attachments=[bad("html")])
    assert "attachments" in refused.value.message_dict and stored_files(media) == []


def test_a_stored_reply_attachment_has_a_random_name_and_is_sent_as_a_download(client, media):
    s, a, unit_user, actors = _replying_unit()
    letter = SimpleUploadedFile("答复函 <script>.pdf", b"%PDF-1.4 reply", content_type="application/pdf")
    assert _api_reply(unit_user, a, [letter]).status_code == 200
    stored = ReplyAttachment.objects.get()
    assert stored.name == "答复函 <script>.pdf"
    base = os.path.basename(stored.file.name)
    assert "答复函" not in base and base.endswith(".pdf") and len(base) == 32 + 4
    url = reverse("suggestions:reply_attachment", args=[stored.pk])
    client.force_login(actors.deputy_user)
    response = client.get(url)
    assert_safe_download(response)
    assert response["Content-Type"] == "application/pdf" and b"".join(response.streaming_content) == b"%PDF-1.4 reply"
    # /media/ does not serve it, to anyone but staff (the admin's links).
    media_url = f"/media/{stored.file.name}"
    assert client.get(media_url).status_code == 404
    client.logout()
    assert client.get(media_url).status_code == 404 and client.get(url).status_code == 404
    client.force_login(actors.staff)
    assert_safe_download(client.get(media_url))


def test_a_suggestion_attachment_is_sent_as_a_download(client, media):
    actors = Actors()
    from tests.suggestions.factories import submit

    s = submit(actors, attachments=[SimpleUploadedFile("调研报告.docx", b"PK\x03\x04 docx")])
    item = SuggestionAttachment.objects.get(suggestion=s)
    assert "调研报告" not in item.file.name
    client.force_login(actors.deputy_user)
    response = client.get(reverse("suggestions:attachment", args=[item.pk]))
    assert_safe_download(response)
    assert "filename*=utf-8''%E8%B0%83%E7%A0%94%E6%8A%A5%E5%91%8A.docx" in response["Content-Disposition"]


# ---------------------------------------------------------------- voting progress photos


@pytest.fixture
def project():
    unit = df.HandlingUnitFactory()
    project = vf.ProjectFactory(call=vf.ProjectCallFactory(year=2026), responsible_unit=unit, title="老旧小区加装电梯")
    project.status = ProjectStatus.CHOSEN
    project.save(update_fields=["status"])
    return project


def _report(client, project, files):
    return client.post(
        reverse("voting-project-progress-reports", args=[project.pk]),
        {"reported_on": "2026-05-01", "percent_done": 30, "narrative": "已完成招标。", "upload_photos": files},
        format="multipart",
    )


@pytest.mark.parametrize("kind", ["svg", "html", "svg as png", "oversized"])
def test_progress_photos_through_the_api_refuse_each_bad_file(kind, project, media):
    client = APIClient()
    client.force_authenticate(df.unit_user(unit=project.responsible_unit))
    response = _report(client, project, [bad(kind)])
    assert response.status_code == 400
    assert not ProgressReport.objects.exists() and stored_files(media) == []


@pytest.mark.parametrize("kind", ["svg", "oversized"])
def test_progress_photos_through_the_service_are_checked(kind, project, media):
    with pytest.raises(ValidationError) as refused:
        voting_services.submit_progress_report(
            project=project, actor=df.unit_user(unit=project.responsible_unit), reported_on=datetime.date(2026, 5, 1),
            percent_done=30, narrative="已完成招标。", photos=[(bad(kind), "")],
        )
    assert "photos" in refused.value.message_dict
    assert not ProgressReport.objects.exists() and stored_files(media) == []


def test_progress_page_refuses_an_svg(project, client, media):
    client.force_login(df.unit_user(unit=project.responsible_unit))
    response = client.post(
        reverse("voting:unit_project", args=[project.pk]),
        {"reported_on": "2026-05-01", "percent_done": 30, "narrative": "已完成招标。", "photo": bad("svg"), "caption": ""},
    )
    assert response.status_code == 200 and not ProgressReport.objects.exists() and stored_files(media) == []


def test_a_progress_photo_is_an_inline_image_for_those_who_may_see_the_project(project, client, media):
    settings_limit = len(png_bytes()) + 1
    from django.conf import settings

    settings.PORTAL_MAX_ATTACHMENT_BYTES = settings_limit
    api = APIClient()
    api.force_authenticate(df.unit_user(unit=project.responsible_unit))
    response = _report(api, project, [SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")])
    assert response.status_code == 201, response.content
    photo = ProgressPhoto.objects.get()
    url = response.json()[0]["photos"][0]
    assert url == reverse("voting:progress_photo", args=[photo.pk]) and not url.startswith("/media/")
    # The public sees a chosen project, so its photos too; inline, typed, never sniffed.
    served = client.get(url)
    assert_safe_download(served, inline=True)
    assert served["Content-Type"] == "image/png"
    # A project that is not public: its photos are not either.
    project.status = ProjectStatus.CANDIDATE
    project.save(update_fields=["status"])
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------- training materials


def test_training_material_uploads_are_checked_and_served_as_downloads(client, media):
    staff = APIClient()
    staff.force_authenticate(df.staff_user())
    for kind in ("html", "svg as txt", "wrong magic"):
        response = staff.post("/api/training/materials/", {"title": "代表法释义", "file": bad(kind)}, format="multipart")
        assert response.status_code == 400 and BAD_FILES[kind][2] in str(response.json()), response.content
    assert not TrainingMaterial.objects.exists() and stored_files(media) == []
    response = staff.post(
        "/api/training/materials/", {"title": "代表法释义", "is_published": "true", "file": SimpleUploadedFile("代表法.pdf", b"%PDF-1.4 law")}, format="multipart"
    )
    assert response.status_code == 201, response.content
    material = TrainingMaterial.objects.get()
    url = reverse("training:material_file", args=[material.pk])
    assert response.json()["file"].endswith(url) and "代表法" not in material.file.name
    client.force_login(df.deputy_user())
    assert url in client.get(reverse("training:materials")).content.decode()
    assert_safe_download(client.get(url))
    client.force_login(df.unit_user())
    assert client.get(url).status_code == 404
