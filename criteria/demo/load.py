"""A load test: the portal under gunicorn with production settings, driven by simulated people.

`manage.py loadtest` runs it against a PostgreSQL database of its own. The data are the
benchmark's programme (`criteria.demo.benchmark.build_programme`) plus, for the people the
load test simulates, an open round with a draft application for each applicant, three
assignments for each reviewer, and programme managers.

People are signed in with sessions made in the database exactly as the two-step sign-in leaves
them: Django's `login` and django-otp's `login` with a confirmed authenticator, on a request
that never leaves the process. The password and code steps themselves are not timed.

The client is our own and bounded: one thread per simulated person, each with its own cookies
and a new HTTP connection per request (a TLS proxy's `X-Forwarded-Proto: https` on every one),
pausing between pages. Every request's time is kept; nothing is sampled.
"""

import datetime
import http.client
import http.cookies
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.utils import timezone

from criteria.demo.benchmark import build_programme, percentile

# Pages the simulated people open, by role. Their names are the JSON's keys.
APPLICANT_PAGES = ("task_list", "section_form", "section_save")
REVIEWER_PAGES = ("scoring_page", "scoring_save")
MANAGER_PAGES = ("round_page", "ranking", "score_matrix")
SIGN_IN = (
    "sessions made in the database as the two-step sign-in leaves them (Django login and "
    "django-otp login with a confirmed TOTP device); the password and code steps are not timed"
)
LOAD_ROUND_CODE = "2090-92"
ASSIGNMENTS_PER_REVIEWER = 3


@dataclass
class Person:
    role: str
    email: str
    session_key: str
    # Applicant: their draft's reference and the sections they edit. Reviewer: assignment ids.
    reference: str = ""
    sections: tuple = ()
    assignments: tuple = ()


@dataclass
class Plan:
    people: list
    round_codes: list
    references: list


def role_counts(users):
    """Half applicants, 30% reviewers, 20% managers (at least one manager when there are users)."""
    reviewers = round(users * 0.3)
    managers = round(users * 0.2)
    applicants = users - reviewers - managers
    return applicants, reviewers, managers


def signed_in_session(user):
    """Return the key of a session signed in as `user` past both steps, as production does."""
    from django.contrib.auth import login
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="Load test authenticator", defaults={"confirmed": True}
    )
    engine = __import__(settings.SESSION_ENGINE, fromlist=["SessionStore"])
    request = HttpRequest()
    request.META.update(REMOTE_ADDR="127.0.0.1", SERVER_NAME="127.0.0.1", SERVER_PORT="443")
    request.session = engine.SessionStore()
    request.user = AnonymousUser()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    request.session.save()
    if DEVICE_ID_SESSION_KEY not in request.session:
        raise RuntimeError(f"{user.email} was not signed in past the second step")
    return request.session.session_key


def editable_sections(question_set):
    """Numbers of the sections whose questions are all free text (a save needs nothing else)."""
    from schemes.enums import QuestionKind

    numbers = []
    for section in question_set.sections.prefetch_related("questions").order_by("number"):
        kinds = {question.kind for question in section.questions.all()}
        if kinds == {QuestionKind.TEXT}:
            numbers.append(section.number)
    return tuple(numbers)


def prepare_people(users):
    """Create the simulated people and what they work on; return the plan."""
    from criteria.domain.round_figures import bump_round_figures
    from criteria.models import Assignment
    from pacesetter.enums import Role
    from pacesetter.models import Organisation, User
    from schemes.domain.applications import application_start
    from schemes.enums import RoundState
    from schemes.models import Application, Round

    applicants, reviewers, managers = role_counts(users)
    boards = list(Organisation.objects.health_boards())
    government = Organisation.objects.get(code="WG")
    template = Round.objects.get(code="2040-42")
    manager = User.objects.get(email="bench.manager@example.org")
    now = timezone.now()
    load_round, _created = Round.objects.get_or_create(
        code=LOAD_ROUND_CODE,
        defaults={
            "name": "Load test round",
            "state": RoundState.OPEN,
            "opens_at": now - datetime.timedelta(days=1),
            "closes_at": now + datetime.timedelta(days=60),
            "max_duration_months": 24,
            "envelope_total": Decimal("5000000.00"),
            "criteria_set": template.criteria_set,
            "question_set": template.question_set,
            "panel_chair": manager,
        },
    )
    sections = editable_sections(load_round.question_set)
    benchmark_rounds = list(
        Round.objects.filter(name__startswith="Benchmark round").order_by("code")
    )
    references = list(
        Application.objects.filter(round__in=benchmark_rounds)
        .order_by("reference")
        .values_list("reference", flat=True)
    )
    people = []

    def simulated(kind, n, role, organisation):
        return User.objects.get_or_create(
            email=f"load.{kind}{n}@example.org",
            defaults={
                "full_name": f"Load {kind.capitalize()} {n}",
                "role": role,
                "organisation": organisation,
            },
        )

    for n in range(applicants):
        user, _created = simulated("applicant", n, Role.APPLICANT, boards[n % len(boards)])
        draft = Application.objects.filter(round=load_round, created_by=user).first()
        if draft is None:
            draft = application_start(
                round=load_round, title=f"Load test scheme {n}", acting_user=user
            )
        people.append(
            Person("applicant", user.email, signed_in_session(user), draft.reference, sections)
        )
    first_round = benchmark_rounds[0]
    candidates = list(
        Application.objects.filter(round=first_round)
        .order_by("reference")
        .values_list("pk", flat=True)
    )
    for n in range(reviewers):
        user, created = simulated("reviewer", n, Role.REVIEWER, government)
        if created:
            chosen = [
                candidates[(n * ASSIGNMENTS_PER_REVIEWER + k) % len(candidates)]
                for k in range(ASSIGNMENTS_PER_REVIEWER)
            ]
            Assignment.objects.bulk_create(
                Assignment(application_id=pk, reviewer=user, assigned_by=manager)
                for pk in dict.fromkeys(chosen)
            )
            bump_round_figures([first_round.pk])
        assignments = tuple(
            Assignment.objects.filter(reviewer=user).order_by("pk").values_list("pk", flat=True)
        )
        people.append(
            Person("reviewer", user.email, signed_in_session(user), assignments=assignments)
        )
    for n in range(managers):
        user, _created = simulated("manager", n, Role.PROGRAMME_MANAGER, government)
        people.append(Person("manager", user.email, signed_in_session(user)))
    return Plan(
        people=people,
        round_codes=[round.code for round in benchmark_rounds],
        references=references,
    )


def has_programme():
    from pacesetter.models import User

    return User.objects.filter(email="bench.manager@example.org").exists()


# --- The HTTP client ---------------------------------------------------------------------


class FormReader(HTMLParser):
    """Collect the POST forms of a page: action, fields as a browser would send them, buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self._form = {"action": attrs.get("action") or "", "fields": [], "buttons": []}
                self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file"):
                if kind == "submit":
                    self._form["buttons"].append(name)
                return
            if kind in ("radio", "checkbox") and "checked" not in attrs:
                return
            self._form["fields"].append([name, attrs.get("value") or ""])
        elif tag == "button" and name:
            self._form["buttons"].append(name)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            self._form["fields"].append(self._textarea)
        elif tag == "select" and name:
            self._select = [name, None]
            self._form["fields"].append(self._select)
        elif (
            tag == "option"
            and self._select is not None
            and (self._select[1] is None or "selected" in attrs)
        ):
            self._select[1] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            if self._select is not None and self._select[1] is None:
                self._select[1] = ""
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def post_forms(body):
    reader = FormReader()
    reader.feed(body)
    return reader.forms


class Browser:
    """One simulated person's cookies; a new connection for each request."""

    def __init__(self, port, session_key, record):
        self.port = port
        self.cookies = {settings.SESSION_COOKIE_NAME: session_key}
        self.record = record
        self.origin = f"https://127.0.0.1:{port}"

    def request(self, page, method, path, fields=None):
        """Send one request and record it; return (status, body) or (None, "") on failure."""
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "pacesetter-loadtest",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if method == "POST":
            body = urlencode([tuple(pair) for pair in fields]).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                status = response.status
                set_cookies = response.headers.get_all("Set-Cookie") or []
            finally:
                conn.close()
        except (OSError, http.client.HTTPException) as error:
            self.record(page, (time.perf_counter() - started) * 1000, False, repr(error), None)
            return None, ""
        elapsed = (time.perf_counter() - started) * 1000
        for header in set_cookies:
            cookie = http.cookies.SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        ok = 200 <= status < 400
        self.record(page, elapsed, ok, "" if ok else f"{status} {method} {path}", status)
        return status, text


@dataclass
class Results:
    measuring_from: float = 0.0
    samples: dict = field(default_factory=dict)  # page -> [ms]
    errors: dict = field(default_factory=dict)  # page -> count
    statuses: dict = field(default_factory=dict)  # page -> {status: count}
    error_examples: list = field(default_factory=list)
    refused_saves: int = 0
    # (kind, key) -> the last value a save reported as saved
    saved: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note_save(self, status, key, value):
        """A save that redirected is checked against the database at the end; one that drew
        its form again was refused (someone saved first)."""
        with self.lock:
            if status == 302:
                self.saved[key] = value
            elif status == 200:
                self.refused_saves += 1

    def record(self, page, ms, ok, problem, status=None):
        if time.perf_counter() < self.measuring_from:
            return
        with self.lock:
            self.samples.setdefault(page, []).append(ms)
            statuses = self.statuses.setdefault(page, {})
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            if not ok:
                self.errors[page] = self.errors.get(page, 0) + 1
                if len(self.error_examples) < 10:
                    self.error_examples.append(f"{page}: {problem}")


def _token():
    return f"Load test answer {secrets.token_hex(6)}."


def applicant_visit(browser, person, results, chance, pause):
    reference = person.reference
    browser.request("task_list", "GET", f"/applications/{reference}/apply/")
    pause()
    number = chance.choice(person.sections)
    path = f"/applications/{reference}/apply/section/{number}/"
    status, body = browser.request("section_form", "GET", path)
    if status != 200:
        return
    pause()
    forms = [form for form in post_forms(body) if any(n.startswith("q") for n, _ in form["fields"])]
    if not forms:
        results.record("section_save", 0, False, "no section form on the page")
        return
    fields = forms[0]["fields"]
    answers = [pair for pair in fields if pair[0].startswith("q") and pair[0][1:].isdigit()]
    target = chance.choice(answers)
    target[1] = _token()
    status, _body = browser.request("section_save", "POST", path, fields)
    results.note_save(status, ("answer", reference, int(target[0][1:])), target[1])


def reviewer_visit(browser, person, results, chance, pause):
    from criteria.forms.reviews import SAVE_DRAFT

    assignment = chance.choice(person.assignments)
    path = f"/reviews/{assignment}/"
    status, body = browser.request("scoring_page", "GET", path)
    if status != 200:
        return
    pause()
    forms = [f for f in post_forms(body) if SAVE_DRAFT in f["buttons"]]
    if not forms:
        results.record("scoring_save", 0, False, "no scoring form on the page")
        return
    fields = list(forms[0]["fields"])
    criteria = sorted(
        {name.split("_", 1)[1] for name, _value in fields if name.startswith("justification_")}
    )
    criterion = chance.choice(criteria)
    token = _token()
    fields = [
        pair
        for pair in fields
        if pair[0] not in (f"score_{criterion}", f"justification_{criterion}")
    ]
    fields += [
        [f"score_{criterion}", str(chance.randint(0, 5))],
        [f"justification_{criterion}", token],
        [SAVE_DRAFT, ""],
    ]
    status, _body = browser.request("scoring_save", "POST", path, fields)
    results.note_save(status, ("justification", assignment, int(criterion)), token)


def manager_visit(browser, person, plan, chance, pause):
    code = chance.choice(plan.round_codes)
    browser.request("round_page", "GET", f"/rounds/{code}/")
    pause()
    browser.request("ranking", "GET", f"/rounds/{code}/ranking/")
    pause()
    reference = chance.choice(plan.references)
    browser.request("score_matrix", "GET", f"/applications/{reference}/scores/")


def drive(plan, port, *, pause_range, until, results, seed=2026):
    """Run every simulated person in a thread of its own until `until` (perf_counter)."""
    stop = threading.Event()

    def person_loop(n, person):
        chance = random.Random(seed + n)  # noqa: S311 - simulated people, not security

        def pause():
            wait = chance.uniform(*pause_range)
            if time.perf_counter() + wait >= until:
                raise TimeoutError
            stop.wait(wait)

        browser = Browser(port, person.session_key, results.record)
        try:
            # Arrive spread over the first pause, as people do.
            stop.wait(chance.uniform(0, pause_range[1]))
            while time.perf_counter() < until and not stop.is_set():
                try:
                    if person.role == "applicant":
                        applicant_visit(browser, person, results, chance, pause)
                    elif person.role == "reviewer":
                        reviewer_visit(browser, person, results, chance, pause)
                    else:
                        manager_visit(browser, person, plan, chance, pause)
                except TimeoutError:
                    raise
                except Exception as error:  # noqa: BLE001 - counted, and the person carries on
                    results.record("client", 0, False, repr(error))
                pause()
        except TimeoutError:
            return

    threads = [
        threading.Thread(target=person_loop, args=(n, person), daemon=True)
        for n, person in enumerate(plan.people)
    ]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join(max(0.0, until - time.perf_counter()) + 90)
    finally:
        stop.set()


def lost_updates(saved):
    """Count saves reported as done whose value is not in the database now."""
    from criteria.models import Score
    from schemes.models import Answer

    lost = 0
    for (kind, key, part), value in saved.items():
        if kind == "answer":
            current = (
                Answer.objects.filter(application__reference=key, question_id=part)
                .values_list("text", flat=True)
                .first()
            )
        else:
            current = (
                Score.objects.filter(review__assignment_id=key, criterion_id=part)
                .values_list("justification", flat=True)
                .first()
            )
        if current != value:
            lost += 1
    return lost


# --- Processes and their CPU -------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu_s(pid):
    """User plus system CPU seconds `pid` has used, or None if it has gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _pids():
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def gunicorn_pids(master):
    """The master and its workers."""
    pids = [master]
    for pid in _pids():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if int(stat[stat.rindex(")") + 2 :].split()[1]) == master:
            pids.append(pid)
    return pids


def postgres_backend_pids(database):
    """PostgreSQL's server processes for connections to `database` (from their titles)."""
    pids = []
    for pid in _pids():
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {database} " in title:
            pids.append(pid)
    return pids


class CpuMeter:
    """Follow the CPU of a changing set of processes (backends come and go with connections).

    Each process's CPU is read every `every` seconds; a process that ends between two readings
    loses at most that interval's work.
    """

    def __init__(self, find, every=0.5):
        self.find = find
        self.every = every
        self.first = {}
        self.last = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _read(self):
        for pid in self.find():
            seconds = process_cpu_s(pid)
            if seconds is None:
                continue
            self.first.setdefault(pid, 0.0 if self._thread.is_alive() else seconds)
            self.last[pid] = seconds

    def start(self):
        self._read()  # the baseline of what is already running
        self._thread.start()

    def _run(self):
        while not self._stop.wait(self.every):
            self._read()

    def stop(self):
        self._stop.set()
        self._thread.join()
        self._read()
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


LOAD_STATIC_ROOT = Path(tempfile.gettempdir()) / f"pacesetter-loadtest-static-{os.getpid()}"


def gunicorn_environment(database_url):
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        # The sessions were signed by this process: the server must share its key.
        SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        SECURE_SSL_REDIRECT="false",
        DJANGO_SETTINGS_MODULE="pacesetter.settings",
        LOG_LEVEL=env.get("LOG_LEVEL", "WARNING"),
        # Static files collected into a folder of the load test's own, never the checkout's
        # staticfiles/, which another process of the same checkout may be serving from.
        STATIC_ROOT=str(LOAD_STATIC_ROOT),
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def start_gunicorn(database_url, *, port, workers, threads, log):
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "pacesetter.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--chdir",
        str(settings.BASE_DIR),
    ]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command,
        env=gunicorn_environment(database_url),
        stdout=log,
        stderr=log,
        start_new_session=True,
    )


def wait_until_serving(process, port, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped while starting")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def stop_process_group(process):
    """Stop gunicorn and every worker it started (its own process group)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def warm_up(plan, port, workers):
    """Open every kind of page a few times in each worker before timing (templates, caches)."""
    results = Results()
    chance = random.Random(1)  # noqa: S311 - simulated people, not security
    for person in {p.role: p for p in plan.people}.values():
        browser = Browser(port, person.session_key, results.record)
        for _ in range(2 * workers):
            if person.role == "applicant":
                applicant_visit(browser, person, results, chance, lambda: None)
            elif person.role == "reviewer":
                reviewer_visit(browser, person, results, chance, lambda: None)
            else:
                manager_visit(browser, person, plan, chance, lambda: None)
    return results


def summary(results, *, seconds, portal_cpu_s, postgres_cpu_s, lost, options):
    pages = {}
    total = 0
    errors = 0
    for page in (*APPLICANT_PAGES, *REVIEWER_PAGES, *MANAGER_PAGES, "client"):
        if page == "client" and page not in results.samples:
            continue
        samples = results.samples.get(page, [])
        total += len(samples)
        errors += results.errors.get(page, 0)
        pages[page] = {
            "requests": len(samples),
            "p50_ms": round(statistics.median(samples), 1) if samples else None,
            "p95_ms": round(percentile(samples, 0.95), 1) if samples else None,
            "max_ms": round(max(samples), 1) if samples else None,
            "errors": results.errors.get(page, 0),
            "statuses": results.statuses.get(page, {}),
        }
    return {
        "settings": options,
        "sign_in": SIGN_IN,
        "pages": pages,
        "requests": total,
        "seconds": round(seconds, 1),
        "requests_per_s": round(total / seconds, 2) if seconds else None,
        "errors": errors,
        "error_examples": results.error_examples,
        "saves_refused": results.refused_saves,
        "saves_checked": len(results.saved),
        "lost_updates": lost,
        "cpu": {
            "portal_s": round(portal_cpu_s, 2),
            "postgres_s": round(postgres_cpu_s, 2),
            "portal_s_per_request": round(portal_cpu_s / total, 4) if total else None,
            "postgres_s_per_request": round(postgres_cpu_s / total, 4) if total else None,
        },
        "load_average_1m_after": round(os.getloadavg()[0], 2),
    }


def _stop_on_sigterm(number, frame):
    """Unwind as for Ctrl-C, so gunicorn is stopped; a second SIGTERM cannot cut that short."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(128 + number)


def run(
    *,
    database_url,
    database_name,
    sizes,
    users,
    workers,
    threads,
    pause_range,
    duration,
    warmup,
    log_path,
):
    """Prepare the data, serve, drive, and return the figures. Always stops gunicorn."""
    from django.core.management import call_command

    signal.signal(signal.SIGTERM, _stop_on_sigterm)

    call_command("migrate", verbosity=0)
    if not has_programme():
        build_programme(sizes)
    plan = prepare_people(users)
    connection.close()
    # With production settings, so the hashed names' manifest the pages need is written.
    subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=gunicorn_environment(database_url),
        check=True,
    )
    port = free_port()
    with open(log_path, "ab") as log:
        process = start_gunicorn(database_url, port=port, workers=workers, threads=threads, log=log)
        try:
            wait_until_serving(process, port)
            warm_up(plan, port, workers)
            results = Results()
            portal = CpuMeter(lambda: gunicorn_pids(process.pid))
            postgres = CpuMeter(lambda: postgres_backend_pids(database_name))
            start = time.perf_counter()
            results.measuring_from = start + warmup
            until = results.measuring_from + duration
            measuring = threading.Timer(warmup, lambda: (portal.start(), postgres.start()))
            measuring.start()
            drive(plan, port, pause_range=pause_range, until=until, results=results)
            measuring.join()
            seconds = time.perf_counter() - results.measuring_from
            portal_cpu_s = portal.stop()
            postgres_cpu_s = postgres.stop()
        finally:
            stop_process_group(process)
            shutil.rmtree(LOAD_STATIC_ROOT, ignore_errors=True)
    lost = lost_updates(results.saved)
    options = {
        "users": users,
        "applicants_reviewers_managers": list(role_counts(users)),
        "workers": workers,
        "threads": threads,
        "pause_s": list(pause_range),
        "duration_s": duration,
        "warmup_s": warmup,
        "cpus": os.cpu_count(),
        "applications": sizes.applications,
    }
    return summary(
        results,
        seconds=seconds,
        portal_cpu_s=portal_cpu_s,
        postgres_cpu_s=postgres_cpu_s,
        lost=lost,
        options=options,
    )
