import pytest

from congress_portal import celery_app


@pytest.fixture
def no_broker(monkeypatch):
    """Record what would be queued instead of publishing (tests that are not
    about the broker call the send service themselves)."""
    queued = []
    from congress_portal.notifications import tasks

    monkeypatch.setattr(tasks.send_deliveries, "delay", lambda ids: queued.append(list(ids)))
    return queued


@pytest.fixture
def eager(monkeypatch):
    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)
    monkeypatch.setattr(celery_app.conf, "task_eager_propagates", True)
