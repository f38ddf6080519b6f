"""The Welsh catalogues are complete, well formed and never out of date."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import get_default_password_validators
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
PORTAL = ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po"
DJANGO_SUPPLEMENT = ROOT / "pacesetter" / "django_locale" / "cy" / "LC_MESSAGES" / "django.po"
# What `make messages` reads: the apps and the templates (tests and docs hold no interface).
SOURCES = ["pacesetter", "schemes", "criteria", "templates", "manage.py"]


def run(program, *arguments, check=True, **options):
    """Run one of gettext's programs (or Python) with fixed arguments of our own; its result."""
    command = [shutil.which(program) or program, *map(str, arguments)]
    return subprocess.run(command, capture_output=True, text=True, check=check, **options)  # noqa: S603


def entries(path, *options):
    """The number of entries `msgattrib` keeps of the catalogue at `path` with `options`."""
    output = run("msgattrib", *options, path).stdout
    # Every entry but the header starts with a msgid line of its own.
    return max(0, output.count('\nmsgid "') - 1 + output.startswith('msgid ""'))


@pytest.mark.parametrize("catalogue", [PORTAL, DJANGO_SUPPLEMENT], ids=["portal", "django"])
def test_catalogue_has_no_untranslated_or_fuzzy_entry(catalogue):
    assert entries(catalogue, "--untranslated") == 0
    assert entries(catalogue, "--only-fuzzy") == 0
    assert entries(catalogue, "--only-obsolete") == 0
    assert entries(catalogue, "--translated") > 100


@pytest.mark.parametrize("catalogue", [PORTAL, DJANGO_SUPPLEMENT], ids=["portal", "django"])
def test_catalogue_compiles_with_every_placeholder_kept(catalogue):
    # --check compares each translation's format placeholders with its msgid's.
    result = run("msgfmt", "--check", "-o", "/dev/null", catalogue, check=False)

    assert result.returncode == 0, result.stderr


def test_makemessages_would_add_no_string_the_catalogue_lacks(tmp_path):
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / "locale" / "cy" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(PORTAL, tmp_path / "locale" / "cy" / "LC_MESSAGES" / "django.po")

    run(
        sys.executable,
        "manage.py",
        "makemessages",
        "-l",
        "cy",
        "--verbosity",
        "0",
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "pacesetter.settings"},
    )

    refreshed = tmp_path / "locale" / "cy" / "LC_MESSAGES" / "django.po"
    missing = run("msgattrib", "--untranslated", "--no-obsolete", refreshed).stdout
    assert entries(refreshed, "--untranslated") == 0, missing
    # A msgid changed in the code comes back fuzzy, matched to its old translation.
    changed = run("msgattrib", "--only-fuzzy", "--no-obsolete", refreshed).stdout
    assert entries(refreshed, "--only-fuzzy") == 0, changed
    assert entries(refreshed, "--only-obsolete") == 0
    assert entries(refreshed, "--translated") == entries(PORTAL, "--translated")


@pytest.mark.parametrize(
    "english",
    [
        "This field is required.",
        "Enter a valid email address.",
        "The two password fields didn’t match.",
        "Previous",
        "Next",
    ],
)
def test_django_strings_the_portal_shows_have_their_welsh(english):
    with translation.override("cy"):
        welsh = translation.gettext(english)

    assert welsh != english


def test_password_rules_are_explained_in_welsh():
    for validator in get_default_password_validators():
        english = validator.get_help_text()
        with translation.override("cy"):
            welsh = validator.get_help_text()
        assert welsh != english, english
