"""Save screenshots of the portal's main pages at 1280 px and 375 px, for the README.

Drives Debian's Chromium through Playwright (a test dependency: `make install-test`) against a
running portal, signed in as each role's demo user. The pages come from
`criteria.demo.pages.demo_pages`, read from this project's database, so the server must serve
the same database (`make demo` does).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from criteria.demo import DEMO_PASSWORD
from criteria.demo.pages import DEMO_ROLE_EMAILS, demo_pages

CHROMIUM = "/usr/bin/chromium"
WIDTHS = (1280, 375)
# The tallest a screenshot may be, in CSS px: the top of a long page shows what it is.
TALLEST = 2400

# The main pages of each role, by their names in `demo_pages`.
MAIN_PAGES = {
    "applicant": ["home", "round-open", "task-list", "budget", "check-answers", "feedback"],
    "reviewer": ["home", "scoring-ps-2020-cav-001"],
    "chair": ["home", "score-matrix", "ranking"],
    "manager": ["home", "round", "assignments", "ranking", "committee-paper", "charts"],
}


class Command(BaseCommand):
    help = (
        "Save PNG screenshots of the main pages of each role at 1280 px and 375 px wide into "
        "--output, taken from a running portal (--base-url, default http://127.0.0.1:8000) "
        "whose second factor is off (REQUIRE_TWO_FACTOR=false). The applicant's form pages "
        "are taken when Hywel Dda has a draft application in an open round."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="The folder to write.")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument("--browser", default=CHROMIUM, help="The Chromium to drive.")

    def handle(self, *args, output, base_url, browser, **options):
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as error:
            raise CommandError("Screenshots need Playwright: run `make install-test`.") from error
        if not Path(browser).exists():
            raise CommandError(f"Screenshots need Chromium at {browser}.")
        output.mkdir(parents=True, exist_ok=True)
        base_url = base_url.rstrip("/")
        # Read before Playwright starts: its event loop makes the database refuse queries.
        pages = {role: {each.name: each.path for each in demo_pages(role)} for role in MAIN_PAGES}
        saved = []
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=browser, args=["--no-sandbox"])
            try:
                saved += self.signed_out(chromium, base_url, output)
                for role in MAIN_PAGES:
                    saved += self.role_pages(chromium, base_url, output, role, pages[role])
            finally:
                chromium.close()
        for path in saved:
            self.stdout.write(str(path))

    def signed_out(self, chromium, base_url, output):
        context = chromium.new_context(locale="en-GB")
        try:
            page = context.new_page()
            return self.save(page, f"{base_url}/accounts/login/", output / "sign-in")
        finally:
            context.close()

    def role_pages(self, chromium, base_url, output, role, pages):
        email = DEMO_ROLE_EMAILS[role]
        context = chromium.new_context(locale="en-GB")
        try:
            page = context.new_page()
            page.goto(f"{base_url}/accounts/login/")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
            if "/account" in page.url or "/accounts/" in page.url:
                raise CommandError(
                    f"{email} could not sign in at {base_url} without a second factor: serve "
                    "the portal with REQUIRE_TWO_FACTOR=false and the demo data loaded."
                )
            saved = []
            for name in MAIN_PAGES[role]:
                if name in pages:
                    saved += self.save(page, base_url + pages[name], output / f"{role}-{name}")
            return saved
        finally:
            context.close()

    def save(self, page, url, stem):
        """Save `url` at each width as `<stem>-<width>.png`; return the paths."""
        saved = []
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            height = min(page.evaluate("() => document.documentElement.scrollHeight"), TALLEST)
            path = stem.with_name(f"{stem.name}-{width}.png")
            page.screenshot(
                path=path,
                full_page=True,
                clip={"x": 0, "y": 0, "width": width, "height": height},
            )
            saved.append(path)
        return saved
