"""Settings come from the environment; production refuses to start half-configured."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from portal.tasks import ping

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 30 + "-production-secret-for-the-test-" + "z" * 10


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for their own process: not for this one.
    ignored = (
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "SITE_URL",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "CACHE_URL",
        "TRUSTED_PROXY_COUNT",
    )
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="verbale.example.org")
    assert result.returncode != 0
    assert "DJANGO_ENV=production needs SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "placeholder",
    [
        # The key docker-compose.yml used to fall back on: 64 characters, public.
        "change-me-to-64-random-characters-before-any-real-use-0123456789",
        "placeholder-" + "x" * 60,
        "django-insecure-" + "y" * 50,
        "Change-Me-" + "z" * 60,
    ],
)
def test_production_refuses_to_start_with_a_placeholder_secret_key(placeholder):
    result = _manage(
        "check",
        DJANGO_ENV="production",
        SECRET_KEY=placeholder,
        ALLOWED_HOSTS="verbale.example.org",
    )
    assert result.returncode != 0
    assert "refuses this SECRET_KEY: it is a placeholder" in result.stderr


def test_compose_file_has_no_secret_key_of_its_own():
    """docker compose must stop when SECRET_KEY is not set in .env, not fall back on a key."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    key = compose["x-verbale"]["environment"]["SECRET_KEY"]
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", key), key
    example = (ROOT / ".env.example").read_text()
    assert re.search(r"^SECRET_KEY=$", example, re.MULTILINE)


def test_compose_web_service_names_its_proxies_and_shares_rate_counts_in_redis():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web = compose["services"]["web"]["environment"]
    assert web["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-0}"
    assert web["DJANGO_ENV"] == "production"  # the shared settings are kept
    assert web["CACHE_URL"].startswith("redis://")


def test_production_refuses_to_start_without_allowed_hosts():
    result = _manage("check", DJANGO_ENV="production", SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "DJANGO_ENV=production needs ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize("site_url", ["", "verbale.example.org", "https://", "ftp://x.org"])
def test_production_refuses_to_start_without_a_site_address(site_url):
    """Links in e-mails are written by workers, with no request to take the host from."""
    result = _manage(
        "check",
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="verbale.example.org",
        **({"SITE_URL": site_url} if site_url else {}),
    )
    assert result.returncode != 0
    assert "DJANGO_ENV=production needs SITE_URL" in result.stderr


def test_compose_file_requires_the_site_address_and_the_example_gives_one():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    site_url = compose["x-verbale"]["environment"]["SITE_URL"]
    assert re.fullmatch(r"\$\{SITE_URL:\?[^}]+\}", site_url), site_url
    example = (ROOT / ".env.example").read_text()
    assert re.search(r"^SITE_URL=https?://\S+$", example, re.MULTILINE)


def test_the_site_address_loses_its_trailing_slash():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SITE_URL)",
        SITE_URL="https://verbale.example.org/",
    )
    assert result.stdout.strip().splitlines()[-1] == "https://verbale.example.org", result.stderr


def test_deploy_check_is_clean_in_production():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="verbale.example.org",
        SITE_URL="https://verbale.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_with_no_variables_set_verbale_runs_embedded():
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print("
        "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.MEDIA_ROOT)",
    )
    assert result.returncode == 0, result.stderr
    engine, eager, media = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert eager == "True"
    assert media == str(ROOT / "var" / "media")


def test_database_and_broker_urls_switch_to_the_real_services():
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print("
        "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.CELERY_BROKER_URL)",
        DATABASE_URL="postgres://verbale@db.example:5432/verbale",
        CELERY_BROKER_URL="redis://cache.example:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "False",
        "redis://cache.example:6379/0",
    ]


def test_a_database_host_that_does_not_answer_is_given_up_after_a_timeout():
    """Without a connect timeout, a PostgreSQL host that drops packets holds every request and
    /health/ for as long as the operating system waits."""
    show = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default'].get('OPTIONS', {}).get('connect_timeout'))"
    )
    url = "postgres://verbale@db.example:5432/verbale"
    default = _manage("shell", "--no-imports", "-c", show, DATABASE_URL=url)
    chosen = _manage(
        "shell", "--no-imports", "-c", show, DATABASE_URL=url, DATABASE_CONNECT_TIMEOUT="2"
    )
    assert default.returncode == 0, default.stderr
    assert default.stdout.split() == ["5"]
    assert chosen.stdout.split() == ["2"]


def test_token_lifetime_rates_proxies_and_cache_come_from_the_environment():
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; r = s.REST_FRAMEWORK; print("
        "s.REST_KNOX['TOKEN_TTL'].days, r['DEFAULT_THROTTLE_RATES']['user'], "
        "r['DEFAULT_THROTTLE_RATES']['sign-in'], s.TRUSTED_PROXY_COUNT, r['NUM_PROXIES'], "
        "s.CACHES['default']['BACKEND'])",
        API_TOKEN_LIFETIME_DAYS="7",
        API_RATE_PERSON="100/minute",
        API_RATE_SIGN_IN="3/minute",
        TRUSTED_PROXY_COUNT="1",
        CACHE_URL="redis://cache.example:6379/2",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "7",
        "100/minute",
        "3/minute",
        "1",
        "1",
        "django.core.cache.backends.redis.RedisCache",
    ]


@pytest.mark.django_db
def test_ping_task_reports_what_the_database_holds(django_user_model):
    django_user_model.objects.create_user("someone@verbale.test", "x" * 12)
    result = ping.delay().get(timeout=10)
    assert result["users"] == 1


def test_health_check_answers_without_a_login(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
