"""The load test serves the portal under gunicorn and drives simulated people against it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from criteria.demo.load import post_forms, role_counts
from criteria.management.commands.loadtest import _drop_database

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
PAGES = {
    "task_list",
    "section_form",
    "section_save",
    "scoring_page",
    "scoring_save",
    "round_page",
    "ranking",
    "score_matrix",
}


def postgres_reachable():
    import psycopg2

    try:
        psycopg2.connect(
            dbname="postgres", user="postgres", host="127.0.0.1", connect_timeout=3
        ).close()
    except psycopg2.OperationalError:
        return False
    return True


def loadtest(*arguments):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    return subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "manage.py", "loadtest", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_role_counts_half_applicants_thirty_percent_reviewers_twenty_percent_managers():
    assert role_counts(50) == (25, 15, 10)
    assert role_counts(2) == (1, 1, 0)


def test_post_forms_reads_fields_as_a_browser_sends_them():
    page = """
    <form method="get" action="/search/"><input name="q" value="ignored"></form>
    <form method="post" action="">
      <input type="hidden" name="csrfmiddlewaretoken" value="abc">
      <input type="radio" name="score_1" value="2">
      <input type="radio" name="score_1" value="3" checked>
      <textarea name="justification_1">Fine &amp; clear</textarea>
      <select name="recommendation"><option value="">Choose</option>
        <option value="fund" selected>Fund</option></select>
      <button name="save_draft">Save draft</button>
    </form>"""

    forms = post_forms(page)

    assert forms == [
        {
            "action": "",
            "fields": [
                ["csrfmiddlewaretoken", "abc"],
                ["score_1", "3"],
                ["justification_1", "Fine & clear"],
                ["recommendation", "fund"],
            ],
            "buttons": ["save_draft"],
        }
    ]


@pytest.mark.skipif(not postgres_reachable(), reason="needs PostgreSQL on 127.0.0.1:5432")
def test_loadtest_tiny_run_prints_every_page_with_no_errors_and_refuses_a_used_database():
    name = f"pacesetter_load_test_{os.getpid()}"
    database = f"{SERVER}/{name}"
    try:
        run = loadtest(
            "--database", database, "--users", "2", "--duration", "5", "--warmup", "1",
            "--pause", "0.2-0.5", "--workers", "1", "--threads", "2", "--applications", "12",
            "--reviewers", "4", "--rounds", "2", "--budget-lines", "2", "--pack-applications",
            "2", "--funded-schemes", "2", "--learning-summaries", "10",
        )  # fmt: skip
        assert run.returncode == 0, run.stderr[-3000:]
        figures = json.loads(run.stdout)
        again = loadtest("--database", database, "--users", "2", "--duration", "1")
    finally:
        _drop_database(
            {"NAME": name, "USER": "postgres", "PASSWORD": "", "HOST": "127.0.0.1", "PORT": 5432}
        )

    assert set(figures["pages"]) == PAGES
    for page in figures["pages"].values():
        assert set(page) == {"requests", "p50_ms", "p95_ms", "max_ms", "errors", "statuses"}
    assert figures["requests"] == sum(page["requests"] for page in figures["pages"].values())
    assert figures["requests"] > 0
    assert figures["errors"] == 0
    assert figures["lost_updates"] == 0
    assert set(figures["cpu"]) == {
        "portal_s",
        "postgres_s",
        "portal_s_per_request",
        "postgres_s_per_request",
    }
    assert figures["cpu"]["portal_s"] > 0
    assert figures["settings"]["applicants_reviewers_managers"] == [1, 1, 0]
    assert again.returncode == 1
    assert "already has data" in again.stderr


def test_production_settings_cache_templates_and_keep_database_connections():
    check = (
        "import django; django.setup();"
        "from django.template import engines; from django.db import connection;"
        "loaders = engines['django'].engine.template_loaders;"
        "age = connection.settings_dict['CONN_MAX_AGE'];"
        "print([type(loader).__module__ for loader in loaders], age)"
    )
    env = dict(
        os.environ,
        DEBUG="false",
        SECRET_KEY="x" * 50,
        DATABASE_URL=f"{SERVER}/pacesetter_load_settings",
        DJANGO_SETTINGS_MODULE="pacesetter.settings",
    )
    env.pop("CONN_MAX_AGE", None)

    run = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", check], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )

    assert run.stdout.split("\n")[-2] == "['django.template.loaders.cached'] 60"
