"""Write a round's spreadsheets to a file; for scheduled jobs (cron, systemd timer)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from criteria.exports.files import FORMATS, export
from schemes.models import Round


class Command(BaseCommand):
    help = (
        "Write a round's applications, budget lines, scores and decisions to --output: "
        "an Excel workbook (--format xlsx) or a ZIP of CSV files (--format csv). Reviewers are "
        "lettered unless --named-reviewers is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="The round's code, e.g. 2020-22.")
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument("--output", required=True, type=Path, help="The file to write.")
        parser.add_argument(
            "--named-reviewers",
            action="store_true",
            help="Name reviewers beside their scores instead of lettering them.",
        )

    def handle(self, *args, code, fmt, output, named_reviewers, **options):
        round = Round.objects.filter(code=code).first()
        if round is None:
            raise CommandError(_("No round with code %(code)s.") % {"code": code})
        content = export(round, fmt, anonymise=not named_reviewers)
        try:
            output.write_bytes(content)
        except OSError as error:
            raise CommandError(
                _("Could not write %(output)s: %(error)s") % {"output": output, "error": error}
            ) from error
        self.stdout.write(
            _("Wrote %(output)s (%(size)d bytes): %(round)s as %(format)s.")
            % {"output": output, "size": len(content), "round": round.name, "format": fmt}
        )
