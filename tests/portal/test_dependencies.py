"""The pinned packages: no known vulnerability (pip-audit against the advisory
data PyPI publishes), and every pin at the latest patch release of its line, so
a security release (Django 5.2.8 while 5.2.19 was out) is not missed.

A patch release counts once it is PORTAL_PIN_GRACE_DAYS old (default 14): a
release published this morning should not turn the build red before anyone could
read its notes, but a security release is not left for longer than that.

Both ask PyPI. The pins check fails under CI when PyPI does not answer (bin/test
has just installed from it). The audit needs PyPI's per-release advisory pages
(or OSV), which some networks do not reach although the package index answers:
then it is skipped, saying so, unless PORTAL_REQUIRE_AUDIT=true makes that a
failure (set it where the advisory service is reachable)."""
import datetime
import json
from concurrent.futures import ThreadPoolExecutor
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

pytestmark = pytest.mark.network

ROOT = Path(__file__).resolve().parents[2]
CI = os.environ.get("CI") == "true"
REQUIRE_AUDIT = os.environ.get("PORTAL_REQUIRE_AUDIT") == "true"
FILES = ["requirements.txt", "requirements-dev.txt"]


def pins():
    found = {}
    for name in FILES:
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if not line or line.startswith("-"):
                continue
            requirement = Requirement(line)
            (spec,) = requirement.specifier
            assert spec.operator == "==", f"{name}: {line} is not pinned"
            found[requirement.name] = Version(spec.version)
    return found


GRACE = datetime.timedelta(days=int(os.environ.get("PORTAL_PIN_GRACE_DAYS", "14")))


def released_versions(name):
    """The releases of ``name`` published at least GRACE ago (not yanked, not pre-releases)."""
    with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json", timeout=20) as response:
        releases = json.load(response)["releases"]
    cutoff = datetime.datetime.now(datetime.timezone.utc) - GRACE
    versions = []
    for text, files in releases.items():
        version = Version(text)
        if version.is_prerelease or version.is_devrelease or not files or all(f.get("yanked") for f in files):
            continue
        uploaded = min(datetime.datetime.fromisoformat(f["upload_time_iso_8601"].replace("Z", "+00:00")) for f in files)
        if uploaded <= cutoff:
            versions.append(version)
    return versions


def unreachable(reason):
    if CI:
        pytest.fail(reason)
    pytest.skip(reason)


def test_every_pin_is_the_latest_patch_release_of_its_line():
    pinned_versions = pins()
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            released = dict(zip(pinned_versions, pool.map(released_versions, pinned_versions)))
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        unreachable(f"PyPI does not answer ({error})")
    behind = []
    for name, pinned in sorted(pinned_versions.items()):
        versions = released[name]
        line = pinned.release[:2]
        latest = max((v for v in versions if v.release[:2] == line), default=pinned)
        if latest > pinned:
            behind.append(f"{name}=={pinned} (latest patch {latest})")
    assert not behind, behind


def test_no_pinned_package_has_a_known_vulnerability():
    # --no-deps --disable-pip: the pins as written, no resolver run in a throwaway venv.
    args = [sys.executable, "-m", "pip_audit", "--progress-spinner", "off", "--format", "json", "--no-deps", "--disable-pip"]
    for name in FILES:  # without pip, pip-audit does not follow requirements-dev.txt's "-r requirements.txt"
        args += ["-r", str(ROOT / name)]
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=ROOT)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"pip-audit gave no report (exit {result.returncode}): {result.stderr[-2000:]}")
    dependencies = report["dependencies"]
    audited = [d for d in dependencies if "skip_reason" not in d]
    if not audited:
        reason = "the vulnerability service did not answer for any package: " + dependencies[0]["skip_reason"]
        if REQUIRE_AUDIT:
            pytest.fail(reason)
        pytest.skip(reason)
    vulnerable = [
        f"{d['name']}=={d['version']}: " + ", ".join(f"{v['id']} (fixed in {', '.join(v['fix_versions']) or '—'})" for v in d["vulns"])
        for d in audited
        if d["vulns"]
    ]
    assert not vulnerable, vulnerable
    # A package the service could not answer for is not a pass.
    assert len(audited) == len(dependencies), [d for d in dependencies if "skip_reason" in d]
