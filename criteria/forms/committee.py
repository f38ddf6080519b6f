"""The programme manager's form for the narrative of a round's committee paper."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from criteria.domain.committee import NARRATIVE_FIELDS
from schemes.forms.dates import RoundDateField, date_layout

NARRATIVE_MAX_LENGTH = 10_000
PLAIN_TEXT_HINT = _(
    "Plain text. Leave a blank line between paragraphs; start a line with • for a bullet."
)


def short_text(label, max_length, too_long, *, help_text=""):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=max_length,
        error_messages={"max_length": too_long},
    )


def narrative(label, too_long, help_text=PLAIN_TEXT_HINT):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": too_long},
    )


class CommitteePaperForm(forms.Form):
    committee = forms.CharField(
        label=_("Committee"),
        max_length=200,
        error_messages={
            "required": _("Enter the name of the committee"),
            "max_length": _("The committee’s name must be 200 characters or fewer"),
        },
    )
    meeting_date = RoundDateField(
        label=_("Date of meeting"),
        help_text=_("For example, 27 6 2019"),
        required=False,
        required_message=_("Enter the date of the meeting"),
        invalid_message=_("Enter the date of the meeting as a real date, like 27 6 2019"),
    )
    agenda_item = short_text(
        _("Agenda item"),
        20,
        _("The agenda item must be 20 characters or fewer"),
        help_text=_("For example, 7"),
    )
    paper_number = short_text(
        _("Paper number"),
        40,
        _("The paper number must be 40 characters or fewer"),
        help_text=_("For example, PCCC19/043"),
    )
    key_issues = narrative(_("Key issues"), _("The key issues must be 10,000 characters or fewer"))
    strategic_objectives = narrative(
        _("Strategic objectives / perspectives"),
        _("The strategic objectives must be 10,000 characters or fewer"),
    )
    actions_requested = narrative(
        _("Actions requested / recommendation"),
        _("The actions requested must be 10,000 characters or fewer"),
    )
    principal_risks = narrative(
        _("Principal risk(s) relating to this paper"),
        _("The principal risks must be 10,000 characters or fewer"),
    )
    other_committees = narrative(
        _("Other committees / groups where evidence supporting this paper has been considered"),
        _("The other committees or groups must be 10,000 characters or fewer"),
    )
    financial_implications = narrative(
        _("Financial and resource implications / impact"),
        _("The financial implications must be 10,000 characters or fewer"),
        help_text=_(
            "The financial summary and the table of schemes are added from the record. "
            "Plain text. Leave a blank line between paragraphs; start a line with • for a bullet."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("committee", label_size=Size.SMALL),
            date_layout("meeting_date"),
            Field.text("agenda_item", label_size=Size.SMALL, field_width=10),
            Field.text("paper_number", label_size=Size.SMALL, field_width=20),
            *(
                Field.textarea(name, label_size=Size.SMALL)
                for name in NARRATIVE_FIELDS
                if name not in ("committee", "meeting_date", "agenda_item", "paper_number")
            ),
            Button("save", _("Save")),
        )

    @classmethod
    def initial_from(cls, paper):
        return {name: getattr(paper, name) for name in NARRATIVE_FIELDS}
