"""Forms of monitoring after funding: the delivery agreement, its measures and variations,
and the quarterly report.

The forms only read what was typed; the rules (what adds up, what is allowed when) are the
domain's (`schemes.domain.monitoring`). A refusal's `errors` are keyed by the names these
forms give their fields, so `add_refusal` puts each message next to its field.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Layout, Size
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pacesetter.money import format_pounds
from pacesetter.text_limits import NOTE_MAX_LENGTH, text_field
from schemes.domain.monitoring.agreements import TEXT_LIMITS
from schemes.enums import (
    BudgetCategory,
    CollectionFrequency,
    MeasureKind,
    MilestoneStatus,
    Rating,
    SchemeStatus,
)
from schemes.forms.common import VersionedForm
from schemes.forms.dates import RoundDateField, date_layout
from schemes.forms.money import MoneyField
from schemes.models.monitoring import (
    LONG_TEXT,
    SHORT_TEXT,
    VALUE_LENGTH,
    financial_year_label,
    financial_year_of,
)

# The most rows the milestone list takes: far past any scheme's key stages.
MAX_MILESTONES = 60
# Spend is typed as text and read by the domain's money rules; this stops a pasted page.
SPEND_LENGTH = 30


def gds_helper(*fields):
    helper = FormHelper()
    helper.form_tag = False
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields)
    return helper


EXAMPLE_DATE = _("For example, 31 3 2019")


def date_field(label, required_message, hint=EXAMPLE_DATE, required=True):
    return RoundDateField(
        label=label,
        help_text=hint,
        required=required,
        required_message=required_message,
        invalid_message=_("Enter a real date between 2000 and 2100, like 31 3 2019"),
    )


class RefusalForm(forms.Form):
    """A form that shows a domain refusal (`Refused`) next to the fields it names."""

    def field_for(self, key):
        """The field a refusal's key belongs to, or None for the form as a whole."""
        for name in (key, f"{key}-actual", f"{key}-value", f"{key}-status"):
            if name in self.fields:
                return name
        return None

    def add_refusal(self, refused):
        if not refused.errors:
            self.add_error(None, refused.message)
            return
        for key, message in refused.errors.items():
            self.add_error(self.field_for(key), message)


# ---------------------------------------------------------------------------------------
# The agreement


class AgreementDetailsForm(VersionedForm, RefusalForm):
    conditions = text_field(
        label=_("Conditions"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("From the decision. The health board agrees to these."),
    )
    start_date = date_field(_("Start date"), _("Enter the start date"))
    end_date = date_field(_("End date"), _("Enter the end date"))
    report_due_days = forms.IntegerField(
        label=_("Reports are due this many days after each quarter ends"),
        help_text=_("Quarters end on 30 June, 30 September, 31 December and 31 March."),
        min_value=1,
        max_value=90,
        error_messages={
            "required": _("Enter a number of days from 1 to 90"),
            "invalid": _("Enter a number of days from 1 to 90"),
            "min_value": _("Enter a number of days from 1 to 90"),
            "max_value": _("Enter a number of days from 1 to 90"),
        },
    )
    variance_threshold = forms.DecimalField(
        label=_("Flag spend that is over or under the budget by more than (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        error_messages={
            "required": _("Enter a percentage from 0 to 100"),
            "invalid": _("Enter a percentage from 0 to 100, like 10"),
            "min_value": _("Enter a percentage from 0 to 100"),
            "max_value": _("Enter a percentage from 0 to 100"),
            "max_decimal_places": _("Enter a percentage with no more than 2 decimal places"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.textarea("conditions", rows=4),
            date_layout("start_date"),
            date_layout("end_date"),
            Field.text("report_due_days", field_width=3, inputmode="numeric"),
            Field.text("variance_threshold", field_width=4, inputmode="decimal"),
            "version",
            Button("save", _("Save")),
        )


class MilestonesForm(VersionedForm, RefusalForm):
    """The agreement's milestones as rows of title and due date; rows added and removed.

    Row i's fields are `milestones-<i>-title`, `-due_date`, `-pk` (hidden) and `-remove`,
    the names `agreement_update` uses for its errors (by position in the list it is given;
    `milestone_inputs` keeps the position of each row).
    """

    rows = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_MILESTONES)

    def __init__(self, data=None, *, milestones=(), add_row=False, **kwargs):
        initial = kwargs.setdefault("initial", {})
        for index, milestone in enumerate(milestones):
            initial[f"milestones-{index}-pk"] = milestone.pk
            initial[f"milestones-{index}-title"] = milestone.title
            initial[f"milestones-{index}-due_date"] = milestone.due_date
        count = len(milestones)
        if data is not None:
            try:
                count = min(max(int(data.get("rows", count)), 0), MAX_MILESTONES)
            except (TypeError, ValueError):
                count = len(milestones)
            if add_row and count < MAX_MILESTONES:
                data = data.copy()
                count += 1
                data["rows"] = str(count)
        initial["rows"] = count
        super().__init__(data, **kwargs)
        self.count = count
        layout = []
        for index in range(count):
            prefix = f"milestones-{index}"
            self.fields[f"{prefix}-pk"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False
            )
            self.fields[f"{prefix}-title"] = text_field(
                label=_("Milestone"), required=False, max_length=300
            )
            self.fields[f"{prefix}-due_date"] = date_field(
                _("Due date"), _("Enter the milestone's due date"), required=False
            )
            self.fields[f"{prefix}-remove"] = forms.BooleanField(
                label=_("Remove this milestone"), required=False
            )
            layout.append(
                Fieldset(
                    Field.text(f"{prefix}-title"),
                    date_layout(f"{prefix}-due_date"),
                    Field.checkbox(f"{prefix}-remove", small=True),
                    f"{prefix}-pk",
                    legend=_("Milestone %(number)s") % {"number": index + 1},
                    legend_size=Size.MEDIUM,
                )
            )
        self.helper = gds_helper(*layout, "rows", "version")

    def milestone_inputs(self):
        """Return (MilestoneInput list, row index of each) for the rows kept and not blank."""
        from schemes.domain.monitoring import MilestoneInput

        inputs, positions = [], []
        for index in range(self.count):
            prefix = f"milestones-{index}"
            title = self.cleaned_data.get(f"{prefix}-title") or ""
            due = self.cleaned_data.get(f"{prefix}-due_date")
            pk = self.cleaned_data.get(f"{prefix}-pk")
            if self.cleaned_data.get(f"{prefix}-remove") or (not pk and not title and not due):
                continue
            inputs.append(MilestoneInput(title=title, due_date=due, pk=pk))
            positions.append(index)
        return inputs, positions

    def add_refusal(self, refused, positions=()):
        """Put errors keyed by list position (`milestones-<n>-...`) on the row they came from."""
        errors = {}
        for key, message in (refused.errors or {}).items():
            parts = key.split("-")
            if parts[0] == "milestones" and len(parts) == 3 and int(parts[1]) < len(positions):
                key = f"milestones-{positions[int(parts[1])]}-{parts[2]}"
            errors[key] = message
        refused.errors = errors
        super().add_refusal(refused)


def profile_years(agreement):
    """The financial years an agreement spans, and any its profile already has."""
    first, last = financial_year_of(agreement.start_date), financial_year_of(agreement.end_date)
    years = set(range(first, last + 1))
    years.update(line.financial_year for line in agreement.profile_lines.all())
    return sorted(years)


class ProfileGrid(forms.Form):
    """Money fields `profile-<year>-<category>` for every year of the agreement and category."""

    def add_profile_fields(self, agreement):
        amounts = {
            (line.financial_year, line.category): line.approved_amount
            for line in agreement.profile_lines.all()
        }
        self.profile_years = profile_years(agreement)
        self.profile_fields = []
        for year in self.profile_years:
            for category, label in BudgetCategory.choices:
                name = f"profile-{year}-{category}"
                self.fields[name] = MoneyField(
                    label=format_html(
                        '{} <span class="govuk-visually-hidden">{}</span>',
                        label,
                        financial_year_label(year),
                    ),
                    required=False,
                )
                self.initial.setdefault(name, amounts.get((year, category)))
                self.profile_fields.append((year, category, name))
        self.current_profile = amounts

    def profile_rows(self):
        """The grid for the template: [(year label, [bound field per category])]."""
        return [
            (
                financial_year_label(year),
                [self[f"profile-{year}-{category}"] for category in BudgetCategory.values],
            )
            for year in self.profile_years
        ]

    def typed_profile(self):
        """{(year, category): amount} of every amount above zero typed into the grid."""
        profile = {}
        for year, category, name in self.profile_fields:
            amount = self.cleaned_data.get(name)
            if amount:
                profile[(year, category)] = amount
        return profile


class ProfileForm(VersionedForm, ProfileGrid, RefusalForm):
    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_profile_fields(agreement)

    def field_for(self, key):
        if key == "profile":
            return None
        return super().field_for(key)


class MeasureForm(VersionedForm, RefusalForm):
    """An evaluation measure; what is required and what must agree is `measure_problems`'s."""

    kind = forms.ChoiceField(
        label=_("Kind of measure"),
        choices=MeasureKind.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=_(
            "Process: is the scheme doing what it said. Outcome: is it making the difference "
            "intended. Balancing: is it causing problems elsewhere."
        ),
    )
    name = text_field(label=_("Name"), required=False, max_length=TEXT_LIMITS["name"])
    definition = text_field(
        label=_("Definition"),
        help_text=_("What is counted."),
        required=False,
        max_length=TEXT_LIMITS["definition"],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    numerator = text_field(
        label=_("Numerator (optional)"),
        help_text=_("Where the measure is a rate: what is counted on top."),
        required=False,
        max_length=TEXT_LIMITS["numerator"],
    )
    denominator = text_field(
        label=_("Denominator (optional)"),
        help_text=_("Where the measure is a rate: what it is counted out of."),
        required=False,
        max_length=TEXT_LIMITS["denominator"],
    )
    unit = text_field(
        label=_("Unit"),
        help_text=_("For example, practices, % or GP sessions per 1,000 people"),
        required=False,
        max_length=TEXT_LIMITS["unit"],
    )
    is_numeric = forms.TypedChoiceField(
        label=_("Are its values numbers?"),
        choices=[("yes", _("Yes")), ("no", _("No, they are words"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
        error_messages={"required": _("Say whether its values are numbers")},
    )
    data_source = text_field(
        label=_("Data source"), required=False, max_length=TEXT_LIMITS["data_source"]
    )
    collection_frequency = forms.ChoiceField(
        label=_("How often it is collected"),
        choices=CollectionFrequency.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    baseline_value = text_field(
        label=_("Baseline value (optional)"),
        required=False,
        max_length=TEXT_LIMITS["baseline_value"],
    )
    baseline_date = date_field(
        _("Baseline date (optional)"), _("Enter the date of the baseline"), required=False
    )
    target_value = text_field(
        label=_("Target value"), required=False, max_length=TEXT_LIMITS["target_value"]
    )
    target_date = date_field(_("Target date"), _("Enter the target date"), required=False)

    def __init__(self, *args, measure=None, **kwargs):
        if measure is not None:
            initial = kwargs.setdefault("initial", {})
            for name in self.base_fields:
                if hasattr(measure, name):
                    initial.setdefault(name, getattr(measure, name))
            initial["is_numeric"] = "yes" if measure.is_numeric else "no"
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("kind"),
            Field.text("name"),
            Field.textarea("definition", rows=3),
            Field.text("numerator"),
            Field.text("denominator"),
            Field.text("unit", field_width=20),
            Field.radios("is_numeric", inline=True),
            Field.text("data_source"),
            Field.radios("collection_frequency"),
            Field.text("baseline_value", field_width=10),
            date_layout("baseline_date"),
            Field.text("target_value", field_width=10),
            date_layout("target_date"),
            "version",
            Button("save", _("Save measure")),
        )

    def measure_fields(self):
        """The cleaned input as `measure_add` and `measure_change` take it."""
        return {name: self.cleaned_data.get(name) for name in self.base_fields if name != "version"}


class ReasonForm(RefusalForm):
    reason = text_field(
        label=_("Reason"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what needs to change")},
    )


# ---------------------------------------------------------------------------------------
# Variations


class VariationForm(ProfileGrid, RefusalForm):
    """What changes and why; a new end date, milestone dates and profile where they change."""

    description = text_field(
        label=_("What changes"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what changes")},
    )
    reason = text_field(
        label=_("Why it needs to change"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Give the reason for the change")},
    )
    new_end_date = date_field(
        _("New end date (optional)"),
        _("Enter the new end date"),
        hint=_("Leave blank to keep the end date."),
        required=False,
    )

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        self.milestones = list(agreement.milestones.all())
        for milestone in self.milestones:
            self.fields[f"milestone-{milestone.pk}-due_date"] = date_field(
                format_html(
                    '{} <span class="govuk-visually-hidden">{}</span>',
                    _("New due date (optional)"),
                    milestone.title,
                ),
                _("Enter the new due date"),
                hint=_("Now due %(date)s. Leave blank to keep it.")
                % {"date": f"{milestone.due_date:%d/%m/%Y}"},
                required=False,
            )
        self.add_profile_fields(agreement)

    def milestone_fields(self):
        return [
            (milestone, self[f"milestone-{milestone.pk}-due_date"]) for milestone in self.milestones
        ]

    def variation_values(self):
        """The cleaned input as `variation_propose` takes it: only what changes."""
        cleaned = self.cleaned_data
        dates = {
            milestone.pk: cleaned[f"milestone-{milestone.pk}-due_date"]
            for milestone in self.milestones
            if cleaned.get(f"milestone-{milestone.pk}-due_date")
            and cleaned[f"milestone-{milestone.pk}-due_date"] != milestone.due_date
        }
        profile = self.typed_profile()
        return {
            "description": cleaned["description"],
            "reason": cleaned["reason"],
            "new_end_date": cleaned.get("new_end_date"),
            "new_milestone_dates": dates or None,
            "new_profile": profile if profile and profile != self.current_profile else None,
        }

    def field_for(self, key):
        if key in ("new_milestone_dates", "new_profile"):
            return None
        return super().field_for(key)


APPROVE, REFUSE = "approve", "refuse"


class VariationDecisionForm(RefusalForm):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[(APPROVE, _("Approve the variation")), (REFUSE, _("Refuse the variation"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose approve or refuse")},
    )
    reason = text_field(
        label=_("Reasons"),
        help_text=_("Required when refusing. The health board reads them."),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("decision"),
            Field.textarea("reason", rows=4),
            Button("decide", _("Record the decision")),
        )


# ---------------------------------------------------------------------------------------
# Quarterly reports


def rating_field(label):
    return forms.ChoiceField(
        label=label, choices=Rating.choices, widget=forms.RadioSelect, required=False
    )


class ReportForm(VersionedForm, RefusalForm):
    """The whole quarterly report, in sections; every part saved as the lead goes.

    Field names are the keys `report_save` and `submission_problems` use for their errors:
    `milestone-<pk>-status`, `spend-<category>-actual`, `measure-<pk>-value` and so on.
    """

    delivery_rating = rating_field(_("Overall delivery rating"))
    delivery_narrative = text_field(
        label=_("About the delivery rating"),
        help_text=_("Required for a red rating."),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    spend_rating = rating_field(_("Spend rating"))
    spend_narrative = text_field(
        label=_("About the spend rating"),
        help_text=_("Required for a red rating."),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    risks = text_field(
        label=_("Risks and issues"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    learning = text_field(
        label=_("What was learnt this quarter"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    scheme_status = forms.ChoiceField(
        label=_("Scheme status"),
        choices=SchemeStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the scheme's status")},
    )
    scheme_status_date = date_field(
        _("Status since (not needed while ongoing)"),
        _("Enter the date the status began"),
        required=False,
    )
    scheme_status_reason = text_field(
        label=_("Reason for the status (not needed while ongoing)"),
        required=False,
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, data=None, *, report, approved=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("version", report.version)
        for name in (
            "delivery_rating",
            "delivery_narrative",
            "spend_rating",
            "spend_narrative",
            "risks",
            "learning",
            "scheme_status",
            "scheme_status_date",
            "scheme_status_reason",
        ):
            initial.setdefault(name, getattr(report, name))
        super().__init__(data, **kwargs)
        self.progress = list(report.milestone_progress.select_related("milestone"))
        self.spend_lines = list(report.spend_lines.all())
        self.values = list(report.measure_values.select_related("measure"))
        approved = approved or {}
        milestone_layout, spend_layout, measure_layout = [], [], []
        for row in self.progress:
            prefix = f"milestone-{row.milestone_id}"
            self.fields[f"{prefix}-status"] = forms.ChoiceField(
                label=format_html(
                    '{} <span class="govuk-visually-hidden">{}</span>',
                    _("Progress"),
                    row.milestone.title,
                ),
                choices=MilestoneStatus.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"{prefix}-comment"] = text_field(
                label=format_html(
                    '{} <span class="govuk-visually-hidden">{}</span>',
                    _("Comment"),
                    row.milestone.title,
                ),
                required=False,
                max_length=SHORT_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.initial.setdefault(f"{prefix}-status", row.status)
            self.initial.setdefault(f"{prefix}-comment", row.comment)
            milestone_layout.append(
                Fieldset(
                    Field.radios(f"{prefix}-status", inline=True, small=True),
                    Field.textarea(f"{prefix}-comment", rows=2),
                    legend=_("%(title)s (due %(date)s)")
                    % {"title": row.milestone.title, "date": f"{row.milestone.due_date:%d/%m/%Y}"},
                    legend_size=Size.SMALL,
                )
            )
        categories = [line.category for line in self.spend_lines]
        # A crafted page may send spend on a category the budget lacks: the domain says no.
        if data is not None:
            for category in BudgetCategory.values:
                if category not in categories and f"spend-{category}-actual" in data:
                    categories.append(category)
        saved = {line.category: line for line in self.spend_lines}
        for category in categories:
            label = BudgetCategory(category).label
            for part, part_label in (
                ("actual", _("Spent in the quarter (£)")),
                ("forecast", _("Forecast for the rest of the year (£)")),
            ):
                name = f"spend-{category}-{part}"
                self.fields[name] = text_field(
                    label=format_html(
                        '{} <span class="govuk-visually-hidden">{}</span>', part_label, label
                    ),
                    required=False,
                    max_length=SPEND_LENGTH,
                )
                self.fields[name].widget.attrs.update(
                    {"inputmode": "decimal", "spellcheck": "false", "autocomplete": "off"}
                )
                if category in saved:
                    self.initial.setdefault(name, f"{getattr(saved[category], part):f}")
            spend_layout.append(
                Fieldset(
                    HTML(
                        format_html(
                            '<p class="govuk-hint">{}</p>',
                            _("Approved for the year: %(amount)s")
                            % {"amount": format_pounds(approved.get(category, 0))},
                        )
                    ),
                    Field.text(f"spend-{category}-actual", field_width=10),
                    Field.text(f"spend-{category}-forecast", field_width=10),
                    legend=label,
                    legend_size=Size.SMALL,
                )
            )
        for row in self.values:
            measure = row.measure
            prefix = f"measure-{measure.pk}"
            self.fields[f"{prefix}-value"] = text_field(
                label=format_html(
                    '{} <span class="govuk-visually-hidden">{}</span>', _("Value"), measure.name
                ),
                help_text=_("In %(unit)s. Baseline %(baseline)s, target %(target)s.")
                % {
                    "unit": measure.unit,
                    "baseline": measure.baseline_value or _("not set"),
                    "target": measure.target_value,
                },
                required=False,
                max_length=VALUE_LENGTH,
            )
            self.fields[f"{prefix}-not_collected"] = forms.BooleanField(
                label=_("Not collected this quarter"), required=False
            )
            self.fields[f"{prefix}-reason"] = text_field(
                label=format_html(
                    '{} <span class="govuk-visually-hidden">{}</span>',
                    _("If it was not collected, why not"),
                    measure.name,
                ),
                required=False,
                max_length=SHORT_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.initial.setdefault(f"{prefix}-value", row.value)
            self.initial.setdefault(f"{prefix}-not_collected", row.not_collected)
            self.initial.setdefault(f"{prefix}-reason", row.not_collected_reason)
            measure_layout.append(
                Fieldset(
                    Field.text(f"{prefix}-value", field_width=10),
                    Field.checkbox(f"{prefix}-not_collected", small=True),
                    Field.textarea(f"{prefix}-reason", rows=2),
                    legend=f"{measure.name} ({measure.get_kind_display().lower()})",
                    legend_size=Size.SMALL,
                )
            )
        self.spend_categories = categories
        sections = [
            (_("Milestones"), "milestones", milestone_layout),
            (_("Spend"), "spend", spend_layout),
            (_("Measures"), "measures", measure_layout),
        ]
        layout = []
        for heading, anchor, parts in sections:
            if parts:
                layout.append(
                    HTML(
                        format_html('<h2 class="govuk-heading-l" id="{}">{}</h2>', anchor, heading)
                    )
                )
                layout.extend(parts)
        layout += [
            HTML(format_html('<h2 class="govuk-heading-l" id="ratings">{}</h2>', _("Ratings"))),
            Field.radios("delivery_rating", inline=True),
            Field.textarea("delivery_narrative", rows=4),
            Field.radios("spend_rating", inline=True),
            Field.textarea("spend_narrative", rows=4),
            HTML(
                format_html(
                    '<h2 class="govuk-heading-l" id="risks-and-learning">{}</h2>',
                    _("Risks and learning"),
                )
            ),
            Field.textarea("risks", rows=5),
            Field.textarea("learning", rows=5),
            HTML(format_html('<h2 class="govuk-heading-l" id="status">{}</h2>', _("Status"))),
            Field.radios("scheme_status"),
            date_layout("scheme_status_date"),
            Field.textarea("scheme_status_reason", rows=3),
            "version",
        ]
        self.helper = gds_helper(*layout)

    def save_values(self):
        """The cleaned input as `report_save` takes it: fields, milestones, spend, measures."""
        from schemes.domain.monitoring import MeasureEntry, MilestoneEntry, SpendEntry

        cleaned = self.cleaned_data
        fields = {
            name: cleaned.get(name) or ("" if name != "scheme_status_date" else None)
            for name in (
                "delivery_rating",
                "delivery_narrative",
                "spend_rating",
                "spend_narrative",
                "risks",
                "learning",
                "scheme_status",
                "scheme_status_date",
                "scheme_status_reason",
            )
        }
        milestones = {
            row.milestone_id: MilestoneEntry(
                cleaned.get(f"milestone-{row.milestone_id}-status") or "",
                cleaned.get(f"milestone-{row.milestone_id}-comment") or "",
            )
            for row in self.progress
        }
        spend = {
            category: SpendEntry(
                cleaned.get(f"spend-{category}-actual") or "",
                cleaned.get(f"spend-{category}-forecast") or "",
            )
            for category in self.spend_categories
        }
        measures = {
            row.measure_id: MeasureEntry(
                cleaned.get(f"measure-{row.measure_id}-value") or "",
                bool(cleaned.get(f"measure-{row.measure_id}-not_collected")),
                cleaned.get(f"measure-{row.measure_id}-reason") or "",
            )
            for row in self.values
        }
        return {"fields": fields, "milestones": milestones, "spend": spend, "measures": measures}


ACCEPT, RETURN = "accept", "return"


class ReportReviewForm(RefusalForm):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[(ACCEPT, _("Accept the report")), (RETURN, _("Return it to the health board"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose accept or return")},
    )
    comments = text_field(
        label=_("Comments"),
        help_text=_("Required when returning: say what the health board should change."),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("decision"),
            Field.textarea("comments", rows=4),
            Button("review", _("Record the decision")),
        )
