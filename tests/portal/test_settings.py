import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env=None):
    full_env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", env={"DJANGO_SETTINGS_MODULE": "portal.settings.production"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_deploy_check_is_clean():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "SECRET_KEY": "x" * 60 + "-Aa1!",
            "ALLOWED_HOSTS": "cus.example.pl",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_database_url_selects_the_database():
    code = "from django.conf import settings as s;db=s.DATABASES['default']; print(db['ENGINE'],db['NAME'])"
    result = run_manage("shell", "-c", code, env={"DATABASE_URL": "postgres://u:p@db.example:5432/cus"})
    assert "django.db.backends.postgresql cus" in result.stdout, result.stderr


def test_redis_holds_sessions_written_through_to_the_database():
    code = "from django.conf import settings as s; print(s.SESSION_ENGINE, s.CACHES['default']['BACKEND'])"
    result = run_manage("shell", "-c", code, env={"REDIS_URL": "redis://127.0.0.1:6379/0"})
    expected = "sessions.backends.cached_db django_redis.cache.RedisCache"
    assert expected in result.stdout, result.stderr
    without = run_manage("shell", "-c", code, env={"REDIS_URL": ""})
    assert "sessions.backends.db " in without.stdout, without.stderr


def test_json_logs_and_a_half_configured_error_reporter():
    code = "import logging; logging.getLogger('portal').warning('zażółć')"
    result = run_manage("shell", "-c", code, env={"LOG_FORMAT": "json"})
    assert '"message": "zażółć"' in result.stderr, result.stderr
    assert '"level": "WARNING"' in result.stderr
    if importlib.util.find_spec("sentry_sdk") is None:
        # Error reporting switched on without its package must stop the start, not run silently without it.
        broken = run_manage("check", env={"SENTRY_DSN": "https://key@errors.example/1"})
        assert broken.returncode != 0
        assert "sentry-sdk is not installed" in broken.stderr
