"""Deployment defaults: `check --deploy` is clean for the documented production
configuration, and an https site gets Secure cookies and HSTS without being told."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "production.env.example"


def _clean_env() -> dict:
    # Nothing from the test process (its ADUAN_*, DATABASE_URL, or the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE) leaks into the configuration under test.
    return {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}


def _production_env(tmp_path, **extra) -> dict:
    env = _clean_env()
    for line in EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _sep, value = line.partition("=")
            env[name.strip()] = value.strip()
    keys = tmp_path / "data_keys"
    keys.write_text("k1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() + "\n")
    env.update(ADUAN_SECRET_KEY=secrets.token_urlsafe(50), ADUAN_VAR_DIR=str(tmp_path),
               ADUAN_DATA_KEYS_FILE=str(keys), DJANGO_SETTINGS_MODULE="aduan.settings", **extra)
    return env


def _aduan(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aduan", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_for_the_production_configuration(tmp_path):
    # The one swapped value: Django's model checks ask the database server for its
    # version, and the example's PostgreSQL host does not exist here.
    env = _production_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}")
    result = _aduan(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_an_https_site_gets_secure_cookies_and_hsts_by_default(tmp_path):
    show = ("from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
            "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)")
    shell = ("shell", "--no-imports", "-c", show)
    base = {**_clean_env(), "ADUAN_VAR_DIR": str(tmp_path)}
    https = _aduan({**base, "ADUAN_SITE_URL": "https://aduan.example.go.id"}, *shell)
    assert https.stdout.split() == ["True", "True", "31536000", "True"], https.stderr
    plain = _aduan({**base, "ADUAN_SITE_URL": "http://127.0.0.1:8000"}, *shell)
    assert plain.stdout.split() == ["False", "False", "0", "True"], plain.stderr
    tuned = _aduan({**base, "ADUAN_SITE_URL": "https://aduan.example.go.id",
                    "ADUAN_HSTS_SECONDS": "300", "ADUAN_SECURE_COOKIES": "false"},
                   *shell)
    assert tuned.stdout.split() == ["False", "False", "300", "True"], tuned.stderr


def test_a_mistyped_two_factor_role_stops_the_checks(tmp_path):
    env = {**_clean_env(), "ADUAN_VAR_DIR": str(tmp_path),
           "ADUAN_2FA_ROLES": "national_admin,agency_admn"}
    result = _aduan(env, "check")
    assert result.returncode != 0 and "agency_admn" in result.stderr


def test_data_keys_are_checked_and_should_live_apart_from_the_data(tmp_path):
    env = _production_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}")
    del env["ADUAN_DATA_KEYS_FILE"]
    broken = _aduan({**env, "ADUAN_DATA_KEYS": "k1:tooshort"}, "check")
    assert broken.returncode != 0 and "aduan.E010" in broken.stderr and "32 bytes" in broken.stderr
    embedded = _aduan(env, "check", "--deploy", "--fail-level", "WARNING")
    assert embedded.returncode != 0 and "aduan.W010" in embedded.stderr
