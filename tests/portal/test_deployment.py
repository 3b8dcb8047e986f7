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


def test_check_deploy_with_production_settings_has_no_warnings(tmp_path):
    """HSTS, the HTTPS redirect, secure cookies: ``check --deploy`` says nothing."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "congress_portal.settings.production",
        "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
        "DJANGO_ALLOWED_HOSTS": "portal.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.db'}",
    }
    for test_only in ("DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"):  # set by the test run, never in production
        env.pop(test_only, None)
    run = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout


def test_production_redirects_to_https_but_not_the_health_check():
    """The compose health check calls gunicorn over plain HTTP: a redirect would fail it."""
    import re

    text = (ROOT / "congress_portal/settings/production.py").read_text()
    assert "SECURE_SSL_REDIRECT" in text
    exempt = re.search(r"SECURE_REDIRECT_EXEMPT = \[r\"(.+?)\"\]", text).group(1)
    assert re.search(exempt, "healthz") and not re.search(exempt, "api/suggestions/")
