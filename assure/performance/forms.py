import csv
import io
from pathlib import Path

from django import forms
from django.conf import settings

from assure.core import disclosure, periods
from assure.core.forms import DateField
from assure.core.models import Agency, ReportingYear

from .catalogue import INDICATORS
from .models import AggregateDataset, AggregateReturn, IndicatorTarget
from .services import ALLOWED_SUFFIXES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ExtractFilesField(forms.FileField):
    """One file or several chosen at once (the eight Annex A list CSVs)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            return super().clean(None, initial)
        return [super(ExtractFilesField, self).clean(file, initial) for file in files]


class ExtractUploadForm(forms.Form):
    files = ExtractFilesField(
        label="Extract files",
        help_text="An Annex A workbook (.xlsx), a zip of its list CSVs, or the list CSVs themselves (choose them all "
        "at once); a CIN census XML file; SSDA903 episodes and header CSVs. Child identifiers are pseudonymised as "
        "the files are read. Nothing changes the figures until you have checked the extract and chosen to use it.",
    )

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        for upload in uploads:
            suffix = Path(upload.name).suffix.lower()
            if suffix not in ALLOWED_SUFFIXES:
                raise forms.ValidationError(
                    f"{upload.name} is a {suffix or 'file with no extension'}; upload "
                    + ", ".join(ALLOWED_SUFFIXES.values())
                    + "."
                )
        size = sum(upload.size for upload in uploads)
        if size > settings.ASSURE_EXTRACT_MAX_BYTES:
            raise forms.ValidationError(
                f"The {'files are' if len(uploads) > 1 else 'file is'} {size / 1024**2:,.0f} MB; the most Assure "
                f"accepts in one upload is {settings.ASSURE_EXTRACT_MAX_BYTES / 1024**2:,.0f} MB."
            )
        return uploads


class UseExtractForm(forms.Form):
    """ "Use this extract": carries the data in use the person saw, so a change since is refused."""

    data_in_use = forms.CharField(widget=forms.HiddenInput, required=False)


class GoBackForm(forms.Form):
    reason = forms.CharField(
        label="Why are you going back to this version?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the data version's history, for example what was wrong with the later upload.",
        error_messages={"required": "Enter why you are going back to this version"},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing these figures?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the publication's history and sent to the business manager and the scrutineer.",
        error_messages={"required": "Enter why the figures are being withdrawn"},
    )


class PublishForm(forms.Form):
    """The confirmation step's form: its token says the person saw the check page for this run."""

    token = forms.CharField(widget=forms.HiddenInput, required=False)


class AggregateReturnStartForm(forms.Form):
    dataset = forms.ModelChoiceField(queryset=AggregateDataset.objects.none(), label="Data set", empty_label=None)
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), empty_label=None)
    start_year = forms.TypedChoiceField(label="Reporting year", coerce=int)
    quarter = forms.TypedChoiceField(choices=[(n, f"Q{n}") for n in (1, 2, 3, 4)], coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, partnership, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].queryset = AggregateDataset.objects.filter(partnership=partnership)
        self.fields["agency"].queryset = agencies
        self.fields["start_year"].choices = [
            (y.start_year, y.label) for y in ReportingYear.objects.filter(partnership=partnership)
        ]

    def clean(self):
        cleaned = super().clean()
        dataset, agency = cleaned.get("dataset"), cleaned.get("agency")
        if dataset and agency and not dataset.agencies.filter(pk=agency.pk).exists():
            raise forms.ValidationError(f"{agency} does not submit {dataset}. Choose one of the agencies that do.")
        if (
            dataset
            and agency
            and AggregateReturn.objects.filter(
                dataset=dataset, agency=agency, start_year=cleaned.get("start_year"), quarter=cleaned.get("quarter")
            ).exists()
        ):
            raise forms.ValidationError("That return already exists: open it from the list to change it.")
        return cleaned


class AggregateValuesForm(forms.Form):
    """One whole-number field per measure of the return's data set."""

    def __init__(self, *args, aggregate_return: AggregateReturn, **kwargs):
        super().__init__(*args, **kwargs)
        current = {v.measure_id: v.value for v in aggregate_return.values.all()}
        for measure in aggregate_return.dataset.measures.all():
            self.fields[measure.code] = forms.IntegerField(
                label=measure.label,
                min_value=0,
                max_value=10_000_000,
                initial=current.get(measure.pk),
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
                error_messages={
                    "invalid": f"{measure.label} must be a whole number, such as 12",
                    "min_value": f"{measure.label} cannot be less than 0",
                },
            )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the return's history, for example what was wrong with the figures.",
        error_messages={"required": "Enter the reason for reopening the return"},
    )


class AggregateReturnsCsvForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: agency, start_year, quarter, then one column per measure code. Rows land as drafts, all or none.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024**2:
            raise forms.ValidationError("The CSV is larger than 5 MB; split it into smaller files.")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text; save it from your spreadsheet as ‘CSV UTF-8’."
            ) from None
        rows = list(csv.DictReader(io.StringIO(text)))
        if not rows:
            raise forms.ValidationError("The CSV has no rows under its header.")
        self.rows = [{(k or "").strip().lower(): v for k, v in row.items()} for row in rows]
        return upload


class IndicatorTargetForm(forms.ModelForm):
    class Meta:
        model = IndicatorTarget
        fields = ["indicator_id", "start_year", "target"]
        labels = {"indicator_id": "Indicator", "start_year": "Reporting year"}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["indicator_id"] = forms.ChoiceField(
            label="Indicator", choices=[(i.id, i.title) for i in INDICATORS.values()]
        )
        self.fields["start_year"] = forms.TypedChoiceField(
            label="Reporting year",
            coerce=int,
            choices=[(y.start_year, y.label) for y in ReportingYear.objects.filter(partnership=partnership)],
        )

    def clean(self):
        cleaned = super().clean()
        clash = IndicatorTarget.objects.filter(
            partnership=self.instance.partnership,
            indicator_id=cleaned.get("indicator_id"),
            start_year=cleaned.get("start_year"),
        ).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("That indicator already has a target for that year: change the existing one.")
        return cleaned


class BenchmarksCsvForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: indicator_id, geography (for example ‘West Midlands’ or ‘Statistical neighbours’), "
        "period (for example 2019-20), value, source. Rows land all or none.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            rows = list(csv.DictReader(io.StringIO(upload.read().decode("utf-8-sig"))))
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text; save it from your spreadsheet as ‘CSV UTF-8’."
            ) from None
        problems, self.rows = [], []
        for number, row in enumerate(rows, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            try:
                value = float(row.get("value", ""))
            except ValueError:
                problems.append(f"Row {number}: value {row.get('value')!r} is not a number")
                continue
            if row.get("indicator_id") not in INDICATORS:
                problems.append(
                    f"Row {number}: indicator_id {row.get('indicator_id')!r} is not one of Assure's indicators"
                )
            elif not row.get("geography") or not row.get("source"):
                problems.append(f"Row {number}: geography and source are both needed")
            elif len(row.get("period", "")) != 7 or row["period"][4] != "-":
                problems.append(
                    f"Row {number}: period {row.get('period')!r} should be a reporting year such as 2019-20"
                )
            else:
                self.rows.append({**row, "value": value})
        if problems:
            raise forms.ValidationError(problems)
        if not self.rows:
            raise forms.ValidationError("The CSV has no rows under its header.")
        return upload


class CustomPeriodForm(forms.Form):
    period_from = DateField(label="Date from")
    period_to = DateField(label="Date to")
    population = forms.IntegerField(label="0 to 17 population", min_value=1, required=False)

    def __init__(self, data=None, *, partnership, may_show_small_numbers: bool = False, **kwargs):
        super().__init__(data, **kwargs)
        # The choice is offered only to those who may make it; core.disclosure refuses it to anyone else.
        if may_show_small_numbers:
            self.fields[disclosure.SMALL_NUMBERS] = forms.ChoiceField(
                label="Small numbers",
                choices=[("", "Hidden, as published"), (disclosure.SHOW, "Shown (not for publication)")],
                required=False,
                widget=forms.RadioSelect,
            )
        # The population defaults to what Assure holds: the reporting year the period ends in, else the latest.
        self.populations = dict(
            ReportingYear.objects.filter(partnership=partnership, population_0_17__isnull=False).values_list(
                "start_year", "population_0_17"
            )
        )
        if self.populations:
            latest = max(self.populations)
            self.fields["population"].initial = self.populations[latest]
            self.fields["population"].help_text = (
                f"For rates per 10,000. Leave it empty to use the population Assure holds for the reporting year "
                f"the period ends in ({self.populations[latest]:,} in {periods.reporting_year_label(latest)})."
            )
        else:
            self.fields["population"].required = True
            self.fields["population"].help_text = "For rates per 10,000."

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period_from") and cleaned.get("period_to") and cleaned["period_to"] < cleaned["period_from"]:
            self.add_error("period_to", "Date to must be the same as or after date from")
        if not cleaned.get("population") and cleaned.get("period_to") and self.populations:
            ending_in = periods.reporting_year_start(cleaned["period_to"])
            cleaned["population"] = self.populations.get(ending_in, self.populations[max(self.populations)])
        return cleaned
