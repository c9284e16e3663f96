"""Settings fail fast on bad values; every UI string exists in every language with the same placeholders."""

import string

import pytest
from pydantic import ValidationError

from services import i18n
from services.errors import StartupError
from services.runtime import build_runtime
from services.settings import Settings


@pytest.mark.parametrize(
    "env, field",
    [
        ({"DATABASE_URL": "mysql://localhost/x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql+psycopg://vm:CHANGE_ME@db/vm"}, "placeholder"),
        ({"VM_MIN_GROUP_SIZE": "2"}, "min_group_size"),
        ({"VM_DEFAULT_LANGUAGE": "fr"}, "default_language"),
        ({"VM_UNKNOWN_SETTING": "1"}, None),
    ],
)
def test_bad_settings_fail_fast(monkeypatch, env, field):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    if field is None:
        Settings()  # unknown environment variables are ignored, not an error
        return
    with pytest.raises(ValidationError, match=field):
        Settings()


def test_startup_error_lists_every_bank_problem(tmp_path):
    broken = tmp_path / "banks"
    broken.mkdir()
    (broken / "bad.yaml").write_text("id: x\nversion: 1\n", encoding="utf-8")
    with pytest.raises(StartupError) as err:
        build_runtime(Settings(database_url=f"sqlite:///{tmp_path / 'vm.db'}", question_banks_dir=broken))
    message = str(err.value)
    assert "bad.yaml" in message and "field 'version'" in message and "field 'items': is missing" in message


def test_unwritable_database_path_is_named(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StartupError, match="a-file"):
        build_runtime(Settings(database_url=f"sqlite:///{blocker / 'vm.db'}"))


def _fields(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_string_in_every_language_with_the_same_placeholders():
    english = i18n.catalogue("en")
    for language in i18n.LANGUAGES:
        other = i18n.catalogue(language)
        assert set(other) == set(english), language
        for key, text in english.items():
            assert _fields(other[key]) == _fields(text), (language, key)


def test_unknown_language_falls_back_to_english():
    assert i18n.normalise_language("xx") == "en"
    assert i18n.t("nav.start", "nl") == "Start"


def test_every_setting_is_documented_in_the_readme(repo_root):
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        variable = field.validation_alias or f"VM_{name.upper()}"
        assert f"`{variable}`" in readme, variable
        assert field.description, name
