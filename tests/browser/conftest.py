"""Browser tests: Debian's Chromium driven by Playwright, with an axe-core audit per page."""

import datetime
import functools
import io
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import trans_real

from criteria.demo import DEMO_PASSWORD
from pacesetter.models import Organisation, User
from schemes.enums import ApplicationStatus, RoundState
from schemes.models import Round
from tests.factories import ApplicationFactory, BudgetLineFactory
from tests.test_ranking import review

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM}: run `make test`.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected as a script; the portal's CSP would rightly refuse it.
    return {**browser_context_args, "bypass_csp": True, "locale": "en-GB"}


def copy_tables():
    """Copy every table's rows as they stand now; return the copy for `put_back_tables`.

    SQLite: the whole test database, copied by SQLite's backup into a database in memory held
    here. PostgreSQL: each table's COPY text. Either outlives the connections Django opens.
    Table names come from Django's own list, quoted, never from input.
    """
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        return copy
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    copies = {}
    with connection.cursor() as cursor:
        for table in tables:
            text = io.StringIO()
            cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} TO STDOUT", text)
            copies[table] = text.getvalue()
    return copies


def put_back_tables(copy):
    """Make every table hold again the rows of `copy`, and nothing else.

    No model code runs, so no signal fires and no history is written. On PostgreSQL the
    foreign keys Django makes are checked at commit, so the order of the tables does not
    matter inside the one transaction. Kept figures and content types are forgotten: they may
    name rows of the last test.
    """
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy.backup(connection.connection)
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            for table in copy:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for table, text in copy.items():
                if text:
                    name = connection.ops.quote_name(table)
                    cursor.cursor.copy_expert(f"COPY {name} FROM STDIN", io.StringIO(text))
    ContentType.objects.clear_cache()
    for cache in caches.all():
        cache.clear()


@pytest.fixture(scope="session")
def demo_tables(django_db_setup, django_db_blocker):
    """Copy the reference and demo data as the session's set-up loaded them, once per process.

    Taken as the first browser test starts: every test before it rolled back, and only a
    browser test empties the database (pytest-django runs them after all the others).
    """
    with django_db_blocker.unblock():
        return copy_tables()


@pytest.fixture
def demo(transactional_db, live_server, demo_tables):
    """Give the live server the reference and demo data; return the server's URL.

    A browser test commits, so pytest-django empties the database after each one; copying
    the rows back takes milliseconds where loading the demo data again took a second or more.
    """
    put_back_tables(demo_tables)
    return live_server.url


def assert_accessible(page):
    """Run axe-core on the page as it stands and fail with every violation listed."""
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
    ]
    assert violations == [], f"axe violations on {page.url}:\n{json.dumps(violations, indent=2)}"


@functools.cache
def english_interface_strings():
    """Every interface string whose Welsh differs from its English, as the catalogues hold them.

    Short words that Welsh writes the same way never appear here (their Welsh is equal).
    """
    catalogue = trans_real.translation("cy")._catalog
    strings = set()
    for key, welsh in catalogue.items():
        english = key[0] if isinstance(key, tuple) else key
        if isinstance(english, str) and "\x04" in english:
            english = english.split("\x04", 1)[1]  # a msgctxt before the message
        if not isinstance(english, str) or "%" in english or "{" in english:
            continue
        english, welsh = " ".join(english.split()), " ".join(str(welsh).split())
        if welsh != english and any(character.isalpha() for character in english):
            strings.add(english)
    return frozenset(strings)


def assert_welsh(page):
    """Fail if the page is not Welsh, or if any interface string on it is left in English.

    Text inside an element marked lang="en" (content written in English) is not interface.
    """
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.lang") == "cy", page.url
    texts = page.evaluate(
        """() => {
          const found = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const node = walker.currentNode;
            const owner = node.parentElement;
            const skipped = !owner || owner.closest('[lang]:not([lang="cy"]), script, style');
            if (skipped) continue;
            const text = node.textContent.replace(/\\s+/g, ' ').trim();
            if (text) found.push(text);
          }
          for (const element of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
            if (element.closest('[lang]:not([lang="cy"])')) continue;
            for (const name of ['aria-label', 'title', 'placeholder']) {
              const value = element.getAttribute(name);
              if (value) found.push(value.replace(/\\s+/g, ' ').trim());
            }
          }
          return found;
        }"""
    )
    english = english_interface_strings()
    left = sorted({text for text in texts if text in english})
    assert left == [], f"English left on the Welsh page {page.url}: {left}"


def sign_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


REVIEWERS = ["reviewer1@example.org", "reviewer2@example.org"]


@pytest.fixture
def closed_round_with_reviews(demo):
    """The demo round, closed, with Cardiff and Vale and Powys submitted and both reviewed."""
    round = Round.objects.get(code="2027-29")
    now = timezone.now()
    Round.objects.filter(pk=round.pk).update(
        state=RoundState.CLOSED,
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=1),
    )
    round.refresh_from_db()
    criteria = round.criteria_set.criteria.count()
    reviewers = [User.objects.get(email=email) for email in REVIEWERS]
    for code, amount, base in (("CAV", "600000.00", 4), ("PTH", "500000.00", 2)):
        application = ApplicationFactory(
            reference=f"PS-2027-{code}-001",
            title=f"{code} demo scheme",
            round=round,
            organisation=Organisation.objects.get(code=code),
            status=ApplicationStatus.SUBMITTED,
        )
        BudgetLineFactory(application=application, amount=Decimal(amount))
        for offset, reviewer in enumerate(reviewers):
            review(
                application,
                [min(5, base + offset)] * criteria,
                reviewer=reviewer,
                justifications={
                    index: f"{code} point {index + 1}, reviewer {offset + 1}."
                    for index in range(criteria)
                },
            )
    return round
