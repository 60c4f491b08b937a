"""``manage.py start`` on PostgreSQL refuses the embedded default's public keys."""

import pytest
from django.core.management import CommandError, call_command

from softwaresupp.management.commands.start import development_keys_in_use


@pytest.fixture
def postgresql_configured(settings, monkeypatch):
    """DATABASE_URL pointing at PostgreSQL, as start reads it (the test connection is kept)."""
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    return settings


def test_start_on_postgresql_with_the_development_keys_refuses_and_names_them(
    postgresql_configured, db
):
    settings = postgresql_configured
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    settings.FIELD_ENCRYPTION_KEYS = [settings.DEVELOPMENT_FIELD_ENCRYPTION_KEY]

    with pytest.raises(CommandError) as refusal:
        call_command("start", "--no-seed")

    assert "DJANGO_SECRET_KEY and FIELD_ENCRYPTION_KEYS" in str(refusal.value)
    assert "secrets.token_urlsafe" in str(refusal.value)


def test_one_development_key_left_is_named_alone(postgresql_configured):
    settings = postgresql_configured
    settings.SECRET_KEY = "a-real-secret-set-by-the-operator"
    settings.FIELD_ENCRYPTION_KEYS = ["new", settings.DEVELOPMENT_FIELD_ENCRYPTION_KEY]
    assert development_keys_in_use() == ["FIELD_ENCRYPTION_KEYS"]
    settings.FIELD_ENCRYPTION_KEYS = ["new"]
    assert development_keys_in_use() == []


def test_the_embedded_default_keeps_its_development_keys(settings, monkeypatch):
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.sqlite3")
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    settings.FIELD_ENCRYPTION_KEYS = [settings.DEVELOPMENT_FIELD_ENCRYPTION_KEY]
    assert development_keys_in_use() == []


def test_the_file_brokers_folders_all_live_under_var(tmp_path):
    """kombu writes its exchange tables to ./control unless told otherwise (issue 8)."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {key: value for key, value in os.environ.items() if key != "CELERY_BROKER_URL"}
    env.update(REDIS_URL="", VAR_DIR=str(tmp_path))
    env["DJANGO_SETTINGS_MODULE"] = "softwaresupp.settings.local"
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(sorted(settings.CELERY_BROKER_TRANSPORT_OPTIONS.items()))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for folder in ("control_folder", "data_folder_in", "data_folder_out", "processed_folder"):
        assert f"('{folder}', '{tmp_path}/broker/" in shown, folder
