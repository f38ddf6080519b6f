import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from criteria.demo.benchmark import Sizes

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/pacesetter_load"
# The benchmark's sizes this command takes (the others keep the benchmark's defaults).
SIZE_OPTIONS = (
    "boards",
    "rounds",
    "applications",
    "reviewers",
    "budget_lines",
    "pack_applications",
    "funded_schemes",
    "learning_summaries",
)
# Set in the copy of this command that runs with the load test's database as its own.
CHILD = "PACESETTER_LOADTEST_CHILD"


def _maintenance_connection(config):
    import psycopg2

    return psycopg2.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )


def _database_state(config):
    """Return "missing", "empty" or "data" for the load test's database."""
    import psycopg2

    maintenance = _maintenance_connection(config)
    try:
        with maintenance.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            if cursor.fetchone() is None:
                return "missing"
    finally:
        maintenance.close()
    target = psycopg2.connect(
        dbname=config["NAME"],
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )
    try:
        with target.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'r' AND n.nspname = 'public' AND c.reltuples <> 0"
            )
            (tables_with_rows,) = cursor.fetchone()
            cursor.execute("SELECT to_regclass('public.pacesetter_user') IS NOT NULL")
            (has_users_table,) = cursor.fetchone()
            users = 0
            if has_users_table:
                cursor.execute("SELECT count(*) FROM pacesetter_user")
                (users,) = cursor.fetchone()
    finally:
        target.close()
    return "data" if users or tables_with_rows else "empty"


def _maintain(config, statement):
    """Run `statement` (CREATE or DROP DATABASE: outside a transaction) from `postgres`."""
    maintenance = _maintenance_connection(config)
    maintenance.autocommit = True
    try:
        with maintenance.cursor() as cursor:
            cursor.execute(statement)
    finally:
        maintenance.close()


def _create_database(config):
    _maintain(config, f'CREATE DATABASE "{config["NAME"]}"')


def _drop_database(config):
    _maintain(config, f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')


def _pause(text):
    low, _dash, high = text.partition("-")
    try:
        pause = (float(low), float(high or low))
    except ValueError as error:
        raise CommandError(_("--pause takes seconds as LOW-HIGH, e.g. 1-3.")) from error
    if pause[0] < 0 or pause[1] < pause[0]:
        raise CommandError(_("--pause takes seconds as LOW-HIGH, e.g. 1-3."))
    return pause


class Command(BaseCommand):
    help = _(
        "Serve the portal under gunicorn with production settings on a PostgreSQL database of "
        "its own, filled with the benchmark's programme; drive simulated signed-in people "
        "(half applicants editing drafts, 30% reviewers scoring, 20% programme managers) and "
        "print per page p50, p95 and max, requests per second, errors, lost updates and CPU "
        "seconds per request of the portal and of PostgreSQL as one JSON object."
    )

    def add_arguments(self, parser):
        defaults = Sizes()
        parser.add_argument(
            "--database",
            default=DEFAULT_DATABASE,
            help=_("PostgreSQL URL of the load test's own database (made if missing)."),
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help=_("Use a database that already has the load test's data instead of refusing."),
        )
        parser.add_argument(
            "--drop", action="store_true", help=_("Drop the database when finished.")
        )
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument(
            "--pause", type=_pause, default=(1.0, 3.0), help=_("Seconds between pages: LOW-HIGH.")
        )
        parser.add_argument("--duration", type=float, default=120, help=_("Seconds measured."))
        parser.add_argument(
            "--warmup", type=float, default=10, help=_("Seconds of load before measuring.")
        )
        parser.add_argument(
            "--workers", type=int, default=3, help=_("gunicorn workers (one more than cores).")
        )
        parser.add_argument(
            "--threads", type=int, default=2, help=_("Threads per worker (gthread when over 1).")
        )
        for name in SIZE_OPTIONS:
            parser.add_argument(
                f"--{name.replace('_', '-')}", type=int, default=getattr(defaults, name)
            )
        parser.add_argument(
            "--log",
            default=os.path.join(tempfile.gettempdir(), "pacesetter-loadtest.log"),
            help=_("Where gunicorn's output goes."),
        )

    def handle(self, *args, **options):
        config = dj_database_url.parse(options["database"])
        if "postgresql" not in config["ENGINE"]:
            raise CommandError(_("The load test runs on PostgreSQL only."))
        if os.environ.get(CHILD) == "1":
            self._run(config, options)
            return
        # The parent makes (and drops) the database; a copy of the command with it as its
        # DATABASE_URL does the rest, so the real database is never touched.
        state = _database_state(config)
        if state == "data" and not options["reuse"]:
            raise CommandError(
                _(
                    "Database %(name)s already has data: use --reuse to run on it, or another "
                    "--database."
                )
                % {"name": config["NAME"]}
            )
        if state == "missing":
            _create_database(config)
        env = dict(os.environ, DATABASE_URL=options["database"], **{CHILD: "1"})
        # The sessions it makes and the server it starts share this key (never a real one).
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
        child = subprocess.Popen(  # noqa: S603 - this command again, with our own arguments
            [sys.executable, "manage.py", "loadtest", *self._arguments(options)],
            cwd=settings.BASE_DIR,
            env=env,
        )
        # Stopped with SIGTERM as with Ctrl-C: the copy is stopped and stops its server.
        signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
        try:
            try:
                child.wait()
            except KeyboardInterrupt:
                child.wait(60)  # Ctrl-C reached the copy too: it is stopping its server
        finally:
            if child.poll() is None:
                child.terminate()
                child.wait()
            if options["drop"]:
                _drop_database(config)
        if child.returncode:
            raise CommandError(_("The load test failed (see above)."))

    @staticmethod
    def _arguments(options):
        arguments = []
        for name in ("database", "users", "duration", "warmup", "workers", "threads", "log"):
            arguments += [f"--{name}", str(options[name])]
        for name in SIZE_OPTIONS:
            arguments += [f"--{name.replace('_', '-')}", str(options[name])]
        arguments += ["--pause", "-".join(str(value) for value in options["pause"])]
        return arguments

    def _run(self, config, options):
        from criteria.demo import load

        current = connection.settings_dict
        if current["NAME"] != config["NAME"] or "postgresql" not in current["ENGINE"]:
            raise CommandError(_("The load test's copy is not on its own database."))
        figures = load.run(
            database_url=options["database"],
            database_name=config["NAME"],
            sizes=Sizes.from_options(options),
            users=options["users"],
            workers=options["workers"],
            threads=options["threads"],
            pause_range=options["pause"],
            duration=options["duration"],
            warmup=options["warmup"],
            log_path=options["log"],
        )
        self.stdout.write(json.dumps(figures, indent=2))
