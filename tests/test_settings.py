"""Settings come from the environment, and production values pass Django's deploy checks."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k7Qm2vX9pL4sT8wZ1nB6cR3yH5jF0dG7aE2uK9iO4qW8tY1xV6zN3mS5lP0rJ",
    "ALLOWED_HOSTS": "navigator.example",
    "DJANGO_SETTINGS_MODULE": "navigator.settings",
}


def clean_env(overrides):
    """A process environment with none of this test run's settings, plus `overrides`."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(overrides)
    return env


def run_manage(*args, env_overrides):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env(env_overrides),
        capture_output=True,
        text=True,
    )


def read_setting(expression, env_overrides):
    """Evaluate `expression` over django.conf.settings (as `s`) in a fresh process."""
    code = (
        f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_env(env_overrides),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_check_deploy_with_production_values_prints_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_without_a_secret_key_refuses_to_start():
    settings = {**PRODUCTION, "SECRET_KEY": ""}
    result = run_manage("check", env_overrides=settings)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_debug_value_that_is_not_yes_or_no_is_an_error():
    result = run_manage("check", env_overrides={**PRODUCTION, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be one of 1/0/true/false" in result.stderr


@pytest.mark.parametrize(
    "env,expected",
    [
        ({}, "redirect=True debug=False"),
        ({"SECURE_SSL_REDIRECT": "0"}, "redirect=False debug=False"),
        ({"DEBUG": "true", "SECRET_KEY": ""}, "redirect=False debug=True"),
        ({"DEBUG": "1"}, "redirect=False debug=True"),
    ],
)
def test_debug_and_the_ssl_redirect_follow_the_environment(env, expected):
    value = read_setting(
        "f'redirect={s.SECURE_SSL_REDIRECT} debug={s.DEBUG}'", {**PRODUCTION, **env}
    )
    assert value == expected


def test_database_url_selects_postgresql():
    env = {**PRODUCTION, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/navigator"}
    assert read_setting("s.DATABASES['default']['ENGINE']", env) == "django.db.backends.postgresql"


def test_sqlite_in_the_project_folder_is_the_default():
    assert read_setting("s.DATABASES['default']['NAME']", PRODUCTION) == str(
        ROOT / "navigator.sqlite3"
    )


def test_redis_url_makes_redis_the_shared_cache():
    env = {**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/0"}
    assert read_setting("s.CACHES['default']['BACKEND']", env).endswith(".RedisCache")


def test_gunicorn_started_here_freezes_the_loaded_app_for_the_collector():
    # gunicorn reads ./gunicorn.conf.py by itself; run in a child so this process's own
    # collector is left alone.
    script = (
        "import gc, runpy\n"
        "config = runpy.run_path('gunicorn.conf.py')\n"
        "before = gc.get_freeze_count()\n"
        "config['post_worker_init'](None)\n"
        "print(gc.get_freeze_count() > before, gc.get_threshold())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.split(maxsplit=1) == ["True", "(10000, 10, 10)\n"]
    printed = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config", "navigator.wsgi:application"],
        cwd=ROOT,
        env=clean_env(PRODUCTION),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.search(r"^post_worker_init\s*=\s*<post_worker_init\(\)>", printed, re.MULTILINE)
