"""A synthetic programme for the benchmark: many boards, rounds, applications and reviews.

Built with bulk inserts into whatever database is current; `manage.py benchmark` points it at
a throwaway test database first.
"""

import datetime
import itertools
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, fields
from decimal import Decimal

from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from criteria.domain.round_figures import bump_round_figures
from criteria.enums import Recommendation, ReviewStatus
from criteria.models import Assignment, Review, Score
from pacesetter.enums import OrganisationKind, Role
from pacesetter.fixture_loading import REFERENCE_FILES, load_fixture_files
from pacesetter.models import Organisation, User
from pacesetter.process import settle_after_loading
from schemes.enums import (
    AgreementStatus,
    ApplicationStatus,
    BudgetCategory,
    DecisionOutcome,
    LearningStatus,
    QuestionKind,
    ReportStatus,
    RoundState,
)
from schemes.models import (
    Answer,
    Application,
    BudgetLine,
    BudgetProfileLine,
    Decision,
    DeliveryAgreement,
    LearningSummary,
    Measure,
    MeasureValue,
    Milestone,
    MilestoneProgress,
    QuarterlyReport,
    QuestionSet,
    ReportingPeriod,
    Round,
    SpendLine,
    Theme,
)
from schemes.models.learning import index_for_search

BATCH = 2000


@dataclass(frozen=True)
class Sizes:
    boards: int = 7
    rounds: int = 3
    applications: int = 2000
    reviewers: int = 40
    reviews_per_application: int = 3
    budget_lines: int = 10
    pack_applications: int = 60
    funded_schemes: int = 300
    reports_per_scheme: int = 12
    learning_summaries: int = 2000

    @classmethod
    def from_options(cls, options):
        """The sizes a command's options of the same names give; the default for any it lacks."""
        return cls(
            **{size.name: options[size.name] for size in fields(cls) if size.name in options}
        )


@dataclass(frozen=True)
class Programme:
    rounds: list
    pack_round: Round
    applicant: User
    manager: User
    reviewer: User
    assignment: Assignment
    application: Application
    monitored: Application | None = None
    theme: Theme | None = None


def _populate(
    *, rounds, count, start, boards, reviewers, manager, question_set, template, sizes, now
):
    """Bulk-create `count` submitted applications across `rounds`, each fully reviewed."""
    applications = Application.objects.bulk_create(
        (
            Application(
                reference=f"PS-{rounds[n % len(rounds)].reference_year}-"
                f"{boards[n % len(boards)].code}-{n:04d}",
                round=rounds[n % len(rounds)],
                organisation=boards[n % len(boards)],
                title=f"Benchmark scheme {n}",
                status=ApplicationStatus.SUBMITTED,
                start_date=datetime.date(2040, 4, 1),
                duration_months=24,
                submitted_at=now,
            )
            for n in range(start, start + count)
        ),
        batch_size=BATCH,
    )
    questions = [q for q in question_set.questions_in_order() if q.kind == QuestionKind.TEXT]
    Answer.objects.bulk_create(
        (
            Answer(application=a, question=q, text=f"Answer {q.number} for {a.reference}.")
            for a in applications
            for q in questions
        ),
        batch_size=BATCH,
    )
    BudgetLine.objects.bulk_create(
        (
            BudgetLine(
                application=a,
                year=1 + line % 2,
                order=line,
                category=BudgetCategory.STAFF,
                description=f"Line {line}",
                quantity=10,
                unit_cost=Decimal("325.00"),
            )
            for a in applications
            for line in range(sizes.budget_lines)
        ),
        batch_size=BATCH,
    )
    cycle = itertools.cycle(reviewers)
    assignments = Assignment.objects.bulk_create(
        (
            Assignment(application=a, reviewer=next(cycle), assigned_by=manager)
            for a in applications
            for _ in range(min(sizes.reviews_per_application, sizes.reviewers))
        ),
        batch_size=BATCH,
    )
    reviews = Review.objects.bulk_create(
        (
            Review(
                assignment=assignment,
                status=ReviewStatus.SUBMITTED,
                recommendation=Recommendation.FUND,
                submitted_at=now,
            )
            for assignment in assignments
        ),
        batch_size=BATCH,
    )
    criteria = list(template.criteria_set.criteria.all())
    Score.objects.bulk_create(
        (
            Score(
                review=review,
                criterion=criterion,
                score=(review.pk + criterion.position) % 6,
                justification="Benchmark justification.",
            )
            for review in reviews
            for criterion in criteria
        ),
        batch_size=BATCH,
    )
    # Bulk inserts send no signals: move the rounds' figures version here.
    bump_round_figures([round.pk for round in rounds])
    return applications


def _populate_monitoring(applications, *, manager, applicant, sizes, now):
    """Approve the first `sizes.funded_schemes` applications and give each an accepted
    agreement, 16 quarters from April 2021 and `sizes.reports_per_scheme` accepted reports
    (milestones, spend, measure values), in bulk. The reports left owed are overdue.
    """
    funded = applications[: sizes.funded_schemes]
    if not funded:
        return None
    Application.objects.filter(pk__in=[a.pk for a in funded]).update(
        status=ApplicationStatus.APPROVED
    )
    Decision.objects.bulk_create(
        (
            Decision(
                application=application,
                outcome=DecisionOutcome.APPROVED,
                approved_amount=Decimal("400000.00"),
                decided_by=manager,
                decided_on=datetime.date(2021, 3, 1),
            )
            for application in funded
        ),
        batch_size=BATCH,
    )
    start = datetime.date(2021, 4, 1)
    agreements = DeliveryAgreement.objects.bulk_create(
        (
            DeliveryAgreement(
                application=application,
                status=AgreementStatus.ACCEPTED,
                start_date=start,
                end_date=datetime.date(2025, 3, 31),
                created_by=manager,
                accepted_by=applicant,
                accepted_at=now,
            )
            for application in funded
        ),
        batch_size=BATCH,
    )
    categories = (BudgetCategory.STAFF, BudgetCategory.NON_STAFF)
    BudgetProfileLine.objects.bulk_create(
        (
            BudgetProfileLine(
                agreement=agreement,
                financial_year=2021 + year,
                category=category,
                approved_amount=Decimal("50000.00"),
            )
            for agreement in agreements
            for year in range(4)
            for category in categories
        ),
        batch_size=BATCH,
    )
    milestones = Milestone.objects.bulk_create(
        (
            Milestone(
                agreement=agreement,
                order=n,
                title=f"Benchmark milestone {n}",
                due_date=datetime.date(2022 + n, 3, 31),
            )
            for agreement in agreements
            for n in range(3)
        ),
        batch_size=BATCH,
    )
    measures = Measure.objects.bulk_create(
        (
            Measure(
                agreement=agreement,
                order=n,
                kind=kind,
                name=f"Benchmark {kind} measure",
                definition="What is counted.",
                unit="people",
                data_source="Benchmark",
                collection_frequency="quarterly",
                baseline_value="10",
                baseline_date=datetime.date(2021, 3, 31),
                target_value="20",
                target_date=datetime.date(2025, 3, 31),
            )
            for agreement in agreements
            for n, kind in enumerate(("process", "outcome", "balancing"))
        ),
        batch_size=BATCH,
    )
    # The first days of 16 quarters from April 2021.
    quarters = [datetime.date(2021 + (3 + 3 * q) // 12, (3 + 3 * q) % 12 + 1, 1) for q in range(16)]
    periods = ReportingPeriod.objects.bulk_create(
        (
            ReportingPeriod(
                agreement=agreement,
                start=first,
                end=_quarter_end(first),
                due_date=_quarter_end(first) + datetime.timedelta(days=20),
            )
            for agreement in agreements
            for first in quarters
        ),
        batch_size=BATCH,
    )
    reported = [p for n, p in enumerate(periods) if n % 16 < sizes.reports_per_scheme]
    ratings = ("green", "amber", "red")
    reports = QuarterlyReport.objects.bulk_create(
        (
            QuarterlyReport(
                agreement_id=period.agreement_id,
                period=period,
                status=ReportStatus.ACCEPTED,
                delivery_rating=ratings[n % 3],
                delivery_narrative="Benchmark narrative.",
                spend_rating=ratings[(n + 1) % 3],
                spend_narrative="Benchmark narrative.",
                started_by=applicant,
                submitted_by=applicant,
                submitted_at=now,
                decided_at=now,
            )
            for n, period in enumerate(reported)
        ),
        batch_size=BATCH,
    )
    by_agreement = {}
    for measure in measures:
        by_agreement.setdefault(measure.agreement_id, {"measures": [], "milestones": []})
        by_agreement[measure.agreement_id]["measures"].append(measure)
    for milestone in milestones:
        by_agreement[milestone.agreement_id]["milestones"].append(milestone)
    SpendLine.objects.bulk_create(
        (
            SpendLine(
                report=report,
                category=category,
                actual=Decimal("12000.00"),
                forecast=Decimal("24000.00"),
            )
            for report in reports
            for category in categories
        ),
        batch_size=BATCH,
    )
    MeasureValue.objects.bulk_create(
        (
            MeasureValue(report=report, measure=measure, value=str(10 + n % 12))
            for n, report in enumerate(reports)
            for measure in by_agreement[report.agreement_id]["measures"]
        ),
        batch_size=BATCH,
    )
    MilestoneProgress.objects.bulk_create(
        (
            MilestoneProgress(report=report, milestone=milestone, status="on_track")
            for report in reports
            for milestone in by_agreement[report.agreement_id]["milestones"]
        ),
        batch_size=BATCH,
    )
    return funded[0]


def _quarter_end(first):
    month = first.month + 2
    following = datetime.date(first.year + (month // 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


LIBRARY_FIELDS = ("description", "problem", "what_was_done", "model", "what_helped", "advice")


def _populate_library(*, boards, sizes, now):
    """Bulk-create published learning summaries written from the first programme's sentences.

    Each summary takes its title and sentences at random (seeded, so every run searches the
    same library) from the 21 historic entries, with one of PHW's themes; they are indexed for
    search as a lead's would be. Returns the theme the filtered search uses.
    """
    historic = list(LearningSummary.objects.published().filter(application__isnull=True))
    sentences = [
        sentence.strip()
        for summary in historic
        for name in ("description", "status_as_printed", "title")
        for sentence in getattr(summary, name).split(".")
        if len(sentence.split()) > 2
    ]
    titles = [summary.title for summary in historic]
    themes = list(Theme.objects.all())
    chance = random.Random(2026)  # noqa: S311 - benchmark data, not security
    summaries = LearningSummary.objects.bulk_create(
        (
            LearningSummary(
                organisation=boards[n % len(boards)],
                programme="Benchmark programme",
                title=f"{chance.choice(titles)} {n}"[:300],
                status=LearningStatus.PUBLISHED,
                published_at=now - datetime.timedelta(hours=n),
                contact_role="Programme lead",
                **{name: ". ".join(chance.sample(sentences, 3)) + "." for name in LIBRARY_FIELDS},
            )
            for n in range(sizes.learning_summaries)
        ),
        batch_size=BATCH,
    )
    Through = LearningSummary.themes.through
    Through.objects.bulk_create(
        (
            Through(learningsummary_id=summary.pk, theme_id=themes[n % len(themes)].pk)
            for n, summary in enumerate(summaries)
        ),
        batch_size=BATCH,
    )
    index_for_search(summaries)
    return themes[0]


def build_programme(sizes: Sizes) -> Programme:
    """Create the synthetic programme and return the people and objects the pages need."""
    load_fixture_files(REFERENCE_FILES)
    boards = list(Organisation.objects.health_boards())[: sizes.boards]
    for number in range(len(boards), sizes.boards):
        boards.append(
            Organisation.objects.create(
                code=f"B{number:02d}",
                name=f"Benchmark Health Board {number}",
                kind=OrganisationKind.HEALTH_BOARD,
            )
        )
    government = Organisation.objects.get(code="WG")
    manager = User.objects.create_user(
        "bench.manager@example.org",
        full_name="Bench Manager",
        role=Role.PROGRAMME_MANAGER,
        organisation=government,
    )
    applicant = User.objects.create_user(
        "bench.applicant@example.org",
        full_name="Bench Applicant",
        role=Role.APPLICANT,
        organisation=boards[0],
    )
    reviewers = User.objects.bulk_create(
        User(
            email=f"bench.reviewer{n}@example.org",
            full_name=f"Reviewer {n:03d}",
            role=Role.REVIEWER,
            organisation=government,
        )
        for n in range(sizes.reviewers)
    )
    template = Round.objects.get(code="2020-22")
    question_set = QuestionSet.objects.get(code="2020-22")
    now = timezone.now()
    rounds = []
    for number in range(sizes.rounds):
        start = 2040 + 2 * number
        round = Round.objects.create(
            code=f"{start}-{(start + 2) % 100:02d}",
            name=f"Benchmark round {start}",
            state=RoundState.IN_REVIEW,
            opens_at=now - datetime.timedelta(days=120),
            closes_at=now - datetime.timedelta(days=60),
            max_duration_months=24,
            envelope_total=Decimal("5000000.00"),
            criteria_set=template.criteria_set,
            question_set=question_set,
            panel_chair=manager,
        )
        round.frameworks.set(template.frameworks.all())
        rounds.append(round)
    applications = _populate(
        rounds=rounds,
        count=sizes.applications,
        start=0,
        boards=boards,
        reviewers=reviewers,
        manager=manager,
        question_set=question_set,
        template=template,
        sizes=sizes,
        now=now,
    )
    pack_round = Round.objects.create(
        code="2070-72",
        name="Benchmark pack round",
        state=RoundState.IN_REVIEW,
        opens_at=now - datetime.timedelta(days=120),
        closes_at=now - datetime.timedelta(days=60),
        max_duration_months=24,
        envelope_total=Decimal("5000000.00"),
        criteria_set=template.criteria_set,
        question_set=question_set,
        panel_chair=manager,
    )
    pack_round.frameworks.set(template.frameworks.all())
    _populate(
        rounds=[pack_round],
        count=sizes.pack_applications,
        start=sizes.applications,
        boards=boards,
        reviewers=reviewers,
        manager=manager,
        question_set=question_set,
        template=template,
        sizes=sizes,
        now=now,
    )
    monitored = _populate_monitoring(
        applications, manager=manager, applicant=applicant, sizes=sizes, now=now
    )
    theme = _populate_library(boards=boards, sizes=sizes, now=now)
    first = applications[0]
    assignment = Assignment.objects.select_related("reviewer").filter(application=first).first()
    return Programme(
        rounds=rounds,
        pack_round=pack_round,
        applicant=User.objects.get(pk=applicant.pk),
        manager=manager,
        reviewer=assignment.reviewer,
        assignment=assignment,
        application=first,
        monitored=monitored,
        theme=theme,
    )


class QueryCounter:
    """Count every query a block runs (Django's own log is cleared as each request starts)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def dataset_counts(programme, sizes, built_s):
    return {
        "health_boards": Organisation.objects.health_boards().count(),
        "rounds": len(programme.rounds),
        "applications": Application.objects.filter(round__in=programme.rounds).count(),
        "reviewers": sizes.reviewers,
        "assignments": Assignment.objects.filter(application__round__in=programme.rounds).count(),
        "scores": Score.objects.filter(
            review__assignment__application__round__in=programme.rounds
        ).count(),
        "budget_lines": BudgetLine.objects.filter(application__round__in=programme.rounds).count(),
        "funded_schemes": DeliveryAgreement.objects.count(),
        "quarterly_reports": QuarterlyReport.objects.count(),
        "published_learning_summaries": LearningSummary.objects.published().count(),
        "build_s": round(built_s, 2),
    }


def main_pages(programme):
    """The pages people use most, each with the user who would open it."""
    round_code = programme.rounds[0].code
    reference = programme.application.reference
    return {
        "home_programme_manager": (programme.manager, "/"),
        "home_applicant": (programme.applicant, "/"),
        "round_list": (programme.manager, "/rounds/"),
        "round_detail": (programme.manager, f"/rounds/{round_code}/"),
        "application_detail": (programme.manager, f"/applications/{reference}/"),
        "reviewer_dashboard": (programme.reviewer, "/reviews/"),
        "scoring_page": (programme.reviewer, f"/reviews/{programme.assignment.pk}/"),
        "assignments": (programme.manager, f"/rounds/{round_code}/assignments/"),
        "score_matrix": (programme.manager, f"/applications/{reference}/scores/"),
        "ranking": (programme.manager, f"/rounds/{round_code}/ranking/"),
        **(
            {
                "programme_monitoring": (programme.manager, "/monitoring/"),
                "scheme_monitoring": (
                    programme.manager,
                    f"/monitoring/{programme.monitored.reference}/",
                ),
            }
            if programme.monitored
            else {}
        ),
        # Another board's applicant searching the whole library: common words, so most of
        # the 2,000 summaries match and are ranked; then one theme's and the newest first.
        "learning_search": (programme.applicant, "/learning/?q=practice+care"),
        "learning_search_theme": (
            programme.applicant,
            f"/learning/?q=pharmacist&theme={programme.theme.pk}"
            if programme.theme
            else "/learning/",
        ),
        "learning_browse": (programme.applicant, "/learning/"),
    }


def signed_in_client(user):
    """Return a test client signed in as `user` the way production signs people in.

    With a confirmed authenticator and the session marked as verified by it, as the second
    step of sign-in leaves it, so every timed request pays for the second-factor check too.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="Benchmark authenticator", defaults={"confirmed": True}
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def time_pages(programme, repeat):
    """Request each main page `repeat` times: p50, p95 and the queries one request makes.

    The process is first settled as `pacesetter.wsgi` settles a web worker, so that what
    building the programme left behind does not lengthen garbage collection.
    """
    settle_after_loading()
    figures = {}
    for name, (user, path) in main_pages(programme).items():
        client = signed_in_client(user)
        warm = client.get(path)
        if warm.status_code != 200:
            raise RuntimeError(f"{path} answered {warm.status_code} for {user.email}")
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            client.get(path)
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
        figures[name] = {
            "path": path,
            "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(percentile(samples, 0.95), 1),
            "queries": counter.count,
        }
    return figures


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def _floor_samples(pdf_variant, count=5):
    """Seconds to render a plain one-page document in the portal's PDF fonts (`PortalHTML`).

    `count` renders, after one that loads fonts and styles, as a warm worker has.
    """
    from weasyprint import CSS

    from pacesetter.pdf import PortalHTML, SafeURLFetcher, static_roots, stylesheet_url

    html = PortalHTML(
        string="<h1>Floor</h1><p>One plain page in the portal's PDF fonts.</p>",
        url_fetcher=SafeURLFetcher(static_roots()),
    )
    stylesheet = CSS(url=stylesheet_url(), url_fetcher=SafeURLFetcher(static_roots()))
    html.write_pdf(stylesheets=[stylesheet], pdf_variant=pdf_variant)
    samples = []
    for _ in range(count):
        _result, seconds = timed(
            lambda: html.write_pdf(stylesheets=[stylesheet], pdf_variant=pdf_variant)
        )
        samples.append(seconds)
    return samples


def content_s_per_page(round, sample=6):
    """Seconds a page of the pack's own application parts takes on one core, warm.

    The first `sample` applications' parts are rendered back to back in this process, tagged
    as the pack renders them, after one render that loads fonts and styles.
    """
    from criteria.domain.pack import PART_VARIANT, _application_html, pack_applications
    from pacesetter.pdf import _base_url, _render_document, static_roots
    from pacesetter.pdf_merge import page_count
    from schemes.domain.document import frameworks_with_components

    frameworks = list(frameworks_with_components(round))
    htmls = [
        _application_html(
            row.application, frameworks=frameworks, named=False, lang="en-GB", title=""
        )
        for row in pack_applications(round)[: sample + 1]
    ]
    roots = [str(root) for root in static_roots()]

    def render(html):
        outcome, pdf, _requested, _messages = _render_document(
            html, _base_url(), roots, "Part", "en-GB", PART_VARIANT
        )
        if outcome != "ok":
            raise RuntimeError(pdf)
        return pdf

    render(htmls[0])
    started = time.perf_counter()
    pages = sum(page_count(render(html)) for html in htmls[1:])
    return (time.perf_counter() - started) / pages


def time_pdfs(programme):
    """Time the application summary, and the pack: cold, warm, and after one answer changes."""
    from criteria.domain.pack import build_pack

    client = signed_in_client(programme.manager)
    path = f"/applications/{programme.application.reference}/summary.pdf"
    _response, summary_s = timed(lambda: client.get(path))
    # The machine's speed drifts: the floor is the median of renders just before and just
    # after the cold pack, so it stands for the same minute as the pack it is compared with.
    floor_before = _floor_samples(None)
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        cold, cold_s = timed(lambda: build_pack(programme.pack_round))
        floor = statistics.median(floor_before + _floor_samples(None))
        _warm, warm_s = timed(lambda: build_pack(programme.pack_round))
        answer = Answer.objects.filter(application__round=programme.pack_round).first()
        answer.text += " Changed for the benchmark."
        answer.save()
        changed, changed_s = timed(lambda: build_pack(programme.pack_round))
    return {
        "application_summary_s": round(summary_s, 2),
        "pack_applications": programme.pack_round.applications.count(),
        "pack_pages": cold.pages,
        "pack_cold_s": round(cold_s, 2),
        "pack_warm_s": round(warm_s, 2),
        "pack_warm_share_of_cold": round(warm_s / cold_s, 3),
        "pack_one_changed_s": round(changed_s, 2),
        "pack_one_changed_parts_rendered": changed.parts_rendered,
        "pack_s_per_page": round(cold_s / cold.pages, 4),
        "floor_s_per_page": round(floor, 4),
        "pack_over_floor": round(cold_s / cold.pages / floor, 2),
        "floor_tagged_s_per_page": round(statistics.median(_floor_samples("pdf/ua-1")), 4),
        "content_s_per_page_one_core": round(content_s_per_page(programme.pack_round), 4),
    }


def measure(sizes: Sizes, repeat: int, *, pdf: bool = True) -> dict:
    """Build the programme in the current database and return every figure."""
    programme, built_s = timed(lambda: build_programme(sizes))
    figures = {
        "dataset": dataset_counts(programme, sizes, built_s),
        "pages": time_pages(programme, repeat),
    }
    if pdf:
        figures["pdf"] = time_pdfs(programme)
    return figures
