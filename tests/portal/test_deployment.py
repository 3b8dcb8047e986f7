"""No Docker engine runs here, so the compose file is checked by reading it:
every service's command must name a module or entry point that exists."""
import importlib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_services():
    services = _compose()["services"]
    assert {"db", "redis", "web", "worker", "beat", "migrate"} <= set(services)
    for name in ("db", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert {"pgdata", "redisdata", "media"} <= set(_compose()["volumes"])


def test_every_command_names_something_that_exists():
    from django.core.management import get_commands

    for name, service in _compose()["services"].items():
        command = service.get("command")
        if not command or name in ("db", "redis"):
            continue
        program = command[0]
        if program == "gunicorn":
            module, attribute = command[1].split(":")
            assert hasattr(importlib.import_module(module), attribute), name
        elif program == "celery":
            app_module = command[command.index("-A") + 1]
            assert hasattr(importlib.import_module(app_module), "celery_app"), name
            assert command[3] in ("worker", "beat"), name
            if "--scheduler" in command:
                module, attribute = command[command.index("--scheduler") + 1].split(":")
                assert hasattr(importlib.import_module(module), attribute), name
        elif program == "python":
            assert command[1] == "manage.py" and (ROOT / "manage.py").exists()
            assert command[2] in get_commands(), name
        else:
            raise AssertionError(f"{name}: unknown program {program}")


def test_dockerfile_runs_the_wsgi_app():
    text = (ROOT / "Dockerfile").read_text()
    assert "congress_portal.wsgi:application" in text
    assert "requirements.txt" in text
