import pytest

from congress_portal import celery_app
from tests.deputies.conftest import province  # noqa: F401 - the province's congresses, terms, delegations


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded and written files of jobs go to a folder of the test's own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def eager(monkeypatch):
    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)
    monkeypatch.setattr(celery_app.conf, "task_eager_propagates", True)
