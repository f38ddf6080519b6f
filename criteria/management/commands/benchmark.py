import json

from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import setup_test_environment

from criteria.demo.benchmark import Sizes, measure


class Command(BaseCommand):
    help = (
        "Build a synthetic programme in a throwaway database, time the main pages and print "
        "the figures as one JSON object. Never touches the real database."
    )

    def add_arguments(self, parser):
        defaults = Sizes()
        for name in ("boards", "rounds", "applications", "reviewers"):
            parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
        parser.add_argument(
            "--reviews-per-application", type=int, default=defaults.reviews_per_application
        )
        parser.add_argument("--budget-lines", type=int, default=defaults.budget_lines)
        parser.add_argument(
            "--pack-applications",
            type=int,
            default=defaults.pack_applications,
            help="Applications in the round whose appraisal pack is timed.",
        )
        parser.add_argument(
            "--funded-schemes",
            type=int,
            default=defaults.funded_schemes,
            help="Applications approved and monitored, for the programme and scheme pages.",
        )
        parser.add_argument(
            "--reports-per-scheme",
            type=int,
            default=defaults.reports_per_scheme,
            help="Accepted quarterly reports of each funded scheme (up to 16).",
        )
        parser.add_argument(
            "--learning-summaries",
            type=int,
            default=defaults.learning_summaries,
            help="Published learning summaries in the library the search is timed on.",
        )
        parser.add_argument("--no-pdf", action="store_true", help="Time the pages only.")
        parser.add_argument("--repeat", type=int, default=20, help="Requests per page.")

    def handle(self, *args, **options):
        sizes = Sizes.from_options(options)
        setup_test_environment()
        real_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            figures = measure(sizes, options["repeat"], pdf=not options["no_pdf"])
        finally:
            connection.creation.destroy_test_db(real_name, verbosity=0)
        self.stdout.write(json.dumps(figures, indent=2))
