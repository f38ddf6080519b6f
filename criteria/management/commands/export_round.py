"""Write a round's exports to a file; for scheduled jobs (cron, systemd timer)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from criteria.exports.files import FORMATS, export, monitoring_xlsx
from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.pdf import document_language
from schemes.domain.monitoring.overview import funded_schemes
from schemes.models import Round

PDF_FORMATS = ("pdf", "committee")
# The round's monitoring sheets (overview, reports, spend, measure values, milestones), XLSX.
MONITORING = "monitoring"
# What each format exports, for the audit trail.
EXPORT_ACTIONS = {
    "pdf": AuditAction.EXPORT_PACK,
    "committee": AuditAction.EXPORT_COMMITTEE_PAPER,
    MONITORING: AuditAction.EXPORT_MONITORING,
}


def pdf_export(round, fmt, *, anonymise):
    """The appraisal pack (pdf) or the committee paper (committee), as PDF bytes."""
    if fmt == "pdf":
        from criteria.domain.pack import build_pack

        return build_pack(round, reviewers_named=not anonymise).pdf
    from criteria.domain.committee import committee_paper_pdf_bytes

    return committee_paper_pdf_bytes(round, lang=document_language())


class Command(BaseCommand):
    help = (
        "Write a round's export to --output: the appraisal pack (--format pdf), the committee "
        "paper (--format committee), or its applications, budget lines, scores and decisions "
        "as an Excel workbook (--format xlsx) or a ZIP of CSV files (--format csv), both with "
        "the monitoring sheets, or the monitoring sheets alone as an Excel workbook (--format "
        "monitoring: the Overview of Pacesetters, quarterly reports, spend lines, spend against "
        "budget, measure values and milestones of the round's funded schemes). Reviewers are "
        "lettered unless --named-reviewers is given. Written in English unless --language cy."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="The round's code, e.g. 2020-22.")
        parser.add_argument(
            "--format", required=True, choices=(*PDF_FORMATS, *FORMATS, MONITORING), dest="fmt"
        )
        parser.add_argument("--output", required=True, type=Path, help="The file to write.")
        parser.add_argument(
            "--named-reviewers",
            action="store_true",
            help="Name reviewers beside their scores instead of lettering them.",
        )
        parser.add_argument(
            "--language",
            default="en",
            choices=[code for code, _name in settings.LANGUAGES],
            help="The language the export is written in: en (the default) or cy.",
        )

    def handle(self, *args, code, fmt, output, named_reviewers, language, **options):
        # Headings, sheet names, reference content and the PDF's lang follow the language.
        with translation.override(language):
            self.export(code, fmt, output, named_reviewers, language)

    def export(self, code, fmt, output, named_reviewers, language):
        round = Round.objects.filter(code=code).first()
        if round is None:
            raise CommandError(_("No round with code %(code)s.") % {"code": code})
        if fmt in PDF_FORMATS:
            content = pdf_export(round, fmt, anonymise=not named_reviewers)
        elif fmt == MONITORING:
            content = monitoring_xlsx(
                funded_schemes().filter(round=round),
                _("%(round)s: monitoring") % {"round": round.name},
            )
        else:
            content = export(round, fmt, anonymise=not named_reviewers)
        try:
            output.write_bytes(content)
        except OSError as error:
            raise CommandError(
                _("Could not write %(output)s: %(error)s") % {"output": output, "error": error}
            ) from error
        # Nobody is signed in to a command: the portal itself exported, to this file.
        audit_record(
            EXPORT_ACTIONS.get(fmt, AuditAction.EXPORT_SPREADSHEET),
            actor=None,
            obj=round,
            details={
                "format": fmt,
                "reviewers": "named" if named_reviewers else "anonymised",
                "language": language,
                "output": str(output),
                "command": "export_round",
            },
        )
        self.stdout.write(
            _("Wrote %(output)s (%(size)d bytes): %(round)s as %(format)s.")
            % {"output": output, "size": len(content), "round": round.name, "format": fmt}
        )
