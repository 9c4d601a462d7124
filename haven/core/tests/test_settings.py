"""Settings as a production installation meets them: run in a fresh process."""

import os
import subprocess
import sys
from pathlib import Path

from haven.core.crypto import generate_key

ROOT = Path(__file__).resolve().parents[3]


def haven(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
    return subprocess.run(
        [sys.executable, "-m", "haven.cli", *args],
        env={**clean, "DJANGO_SETTINGS_MODULE": "haven.settings", **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_outside_debug_haven_refuses_to_start_without_its_keys(tmp_path: Path) -> None:
    result = haven("check", HAVEN_DEBUG="0", HAVEN_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "HAVEN_SECRET_KEY" in result.stderr and "HAVEN_FIELD_KEYS" in result.stderr
    assert not (tmp_path / "dev-field-key").exists()  # no silent default key was made


def test_the_deployment_check_passes_without_a_warning_when_keys_are_set(tmp_path: Path) -> None:
    result = haven(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        HAVEN_DEBUG="0",
        HAVEN_SECRET_KEY="x" * 10 + generate_key(),
        HAVEN_FIELD_KEYS=generate_key(),
        HAVEN_ALLOWED_HOSTS="haven.example.org",
        HAVEN_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_malformed_field_key_fails_the_deployment_check(tmp_path: Path) -> None:
    result = haven(
        "check",
        "--deploy",
        HAVEN_DEBUG="0",
        HAVEN_SECRET_KEY="y" * 60,
        HAVEN_FIELD_KEYS="tooshort",
        HAVEN_ALLOWED_HOSTS="haven.example.org",
        HAVEN_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "haven.E001" in result.stderr
