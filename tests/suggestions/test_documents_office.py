"""A generated 公文 opens in an office suite: LibreOffice (headless) converts a
交办函 to PDF on an A4 page and reads its text, with the unit and the item's
figures. Skipped, saying so, where ``soffice`` is not installed (Debian:
``apt-get install --no-install-recommends libreoffice-writer-nogui``)."""
import re
import shutil
import subprocess

import pytest
from django.utils import timezone

from suggestions import documents
from suggestions.models import Status
from tests.deputies import factories as df
from tests.suggestions.factories import in_status

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.office,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
]


def convert(path, target, outdir, profile):
    subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", target, "--outdir", str(outdir), str(path)],
        check=True, capture_output=True, timeout=180,
    )


def test_libreoffice_opens_an_assignment_letter_as_an_a4_document(actors, tmp_path):
    unit = df.HandlingUnitFactory(name="省交通运输厅")
    suggestion = in_status(Status.ASSIGNED, actors, units=[unit, df.HandlingUnitFactory()])[0]
    path = tmp_path / "letter.docx"
    path.write_bytes(documents.assignment_letter(unit=unit, held_on=timezone.localdate(), doc_number="〔2026〕5号"))
    profile = tmp_path / "profile"  # its own profile: a running or another user's LibreOffice does not interfere
    convert(path, "pdf", tmp_path, profile)
    pdf = (tmp_path / "letter.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    width, height = map(float, re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf).groups())
    assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1  # A4 in points
    convert(path, "txt:Text (encoded):UTF8", tmp_path, profile)
    text = (tmp_path / "letter.txt").read_text(encoding="utf-8-sig")
    assert "省交通运输厅：" in text and "〔2026〕5号" in text and "1件代表建议" in text
    assert suggestion.number_label in text and suggestion.title in text
