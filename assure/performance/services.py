"""Workflows of the performance framework: importing extracts, building data versions,
computing indicators, and agencies' quarterly returns."""

import hashlib
import hmac
import shutil
import tempfile
import time
import uuid
import zipfile
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from assure.core import periods
from assure.core.jobs import job_stage, job_start
from assure.core.models import Job, Partnership, ReportingYear, User
from assure.core.notify import notify
from assure.core.permissions import Role

from .engine.events import EVENT_KINDS, ImportRejected, ImportResult, merge
from .engine.indicators import compute, quality_rows
from .engine.inputs import detect, read_input
from .engine.pseudonymise import make_pseudonymiser
from .models import (
    AggregateReturn,
    AggregateValue,
    Benchmark,
    BenchmarkUpload,
    DataQualityResult,
    DataVersion,
    Extract,
    IndicatorResult,
    IndicatorRun,
)

ALLOWED_SUFFIXES = {
    ".xlsx": "an Annex A workbook",
    ".zip": "a zip of Annex A list CSVs",
    ".xml": "a CIN census XML file",
    ".csv": "an SSDA903 episodes CSV",
}
# A zip may unpack to at most this much: protection against archive bombs.
MAX_UNPACKED_BYTES = 4 * 1024**3


def _data_dir() -> Path:
    return Path(settings.VAR_DIR) / "data"


def pseudonymiser_for(partnership: Partnership):
    """HMAC-SHA256 under a key derived for this partnership, so two partnerships' pseudonyms never match."""
    key = hmac.new(
        settings.ASSURE_PSEUDONYMISATION_KEY.encode(), f"partnership:{partnership.pk}".encode(), hashlib.sha256
    ).digest()
    return make_pseudonymiser(key)


@contextmanager
def _readable_input(path: Path):
    """The path the engine reads: a zip of list CSVs is unpacked, safely, into a temporary folder."""
    if path.suffix.lower() != ".zip":
        yield path
        return
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(path) as archive:
        members = [m for m in archive.infolist() if not m.is_dir() and m.filename.lower().endswith(".csv")]
        if not members:
            raise ImportRejected(f"{path.name}: the zip holds no CSV files; expected one CSV per Annex A list")
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise ImportRejected(f"{path.name}: the zip unpacks to more than {MAX_UNPACKED_BYTES // 1024**3} GB")
        for number, member in enumerate(members):
            # Flattened names: a member's own path (possibly "../..") is never used on disk.
            with archive.open(member) as source, open(Path(folder) / f"{number:03d}.csv", "wb") as target:
                shutil.copyfileobj(source, target)
        yield Path(folder)


def _write_events(result: ImportResult, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for kind in EVENT_KINDS:
        pq.write_table(result.tables[kind], folder / f"{kind}.parquet")


def _read_events(folder: Path, reference_date: date | None) -> ImportResult:
    tables = {kind: pq.read_table(folder / f"{kind}.parquet") for kind in EVENT_KINDS}
    return ImportResult(tables=tables, reference_date=reference_date)


def _extract_key(kind: str, result: ImportResult) -> str:
    if kind == "cin_census" and result.reference_date:
        return f"cin_census:{result.reference_date.isoformat()}"
    return kind


def extract_import(*, partnership: Partnership, file, original_name: str, uploaded_by=None) -> Extract:
    """Store an uploaded extract and import it in one transaction.

    A structural fault records the upload as rejected, with the reason, and imports
    nothing. Row faults reject those rows only; they are kept with the upload. The new
    extract replaces an earlier one of the same kind (and census date), never adds to it.
    """
    suffix = Path(original_name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationError(
            f"{original_name} is not a file Assure can import. Upload " + ", ".join(ALLOWED_SUFFIXES.values()) + "."
        )
    digest = hashlib.sha256()
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    with transaction.atomic():
        extract = Extract(
            partnership=partnership,
            original_name=original_name,
            sha256=digest.hexdigest(),
            uploaded_by=uploaded_by,
            status=Extract.Status.REJECTED,
        )
        extract.stored_file.save(f"{uuid.uuid4().hex}{suffix}", File(file), save=False)
        path = Path(extract.stored_file.path)
        try:
            with _readable_input(path) as readable:
                extract.kind = detect(readable)
                result = read_input(readable, pseudonymise=pseudonymiser_for(partnership))
        except (ImportRejected, zipfile.BadZipFile) as fault:
            extract.rejection_reason = str(fault).replace(str(path), original_name)
            extract.save()
            return extract
        extract.status = Extract.Status.IMPORTED
        extract.extract_key = _extract_key(extract.kind, result)
        extract.reference_date = result.reference_date
        extract.row_counts = result.row_counts()
        extract.row_errors = [{**error.as_dict(), "file": original_name} for error in result.errors]
        extract.warnings = result.warnings
        extract.save()
        _write_events(result, _data_dir() / "extracts" / str(extract.pk))
        earlier = Extract.objects.filter(
            partnership=partnership, extract_key=extract.extract_key, status=Extract.Status.IMPORTED
        )
        for replaced in earlier.exclude(pk=extract.pk):
            replaced.status = Extract.Status.REPLACED
            replaced.replaced_by = extract
            replaced.save()
        data_version_build(partnership=partnership, started_by=uploaded_by)
    return extract


def data_version_build(*, partnership: Partnership, started_by=None) -> DataVersion:
    """Merge every extract in use into a new data version (natural keys across extracts), and queue its figures."""
    extracts = list(
        Extract.objects.filter(partnership=partnership, status=Extract.Status.IMPORTED).order_by("uploaded_at", "pk")
    )
    results = [_read_events(_data_dir() / "extracts" / str(e.pk), e.reference_date) for e in extracts]
    merged = merge(results) if results else ImportResult(tables={}, reference_date=None)
    folder = _data_dir() / "versions" / uuid.uuid4().hex
    if results:
        _write_events(merged, folder)
    version = DataVersion.objects.create(
        partnership=partnership,
        folder=str(folder),
        reference_date=merged.reference_date,
        event_counts={kind: table.num_rows for kind, table in merged.tables.items()},
    )
    version.extracts.set(extracts)
    if results:
        indicator_run_start(data_version=version, started_by=started_by)
    return version


def indicator_run_start(*, data_version: DataVersion, started_by=None) -> Job:
    """Queue the computation of every indicator over ``data_version``, as a job people can follow."""
    return job_start(
        kind=Job.Kind.INDICATOR_RUN,
        label=f"Figures from data version {data_version.pk}",
        task_path="assure.performance.tasks.compute_indicators",
        arguments={"data_version_id": data_version.pk},
        started_by=started_by,
        record=data_version,
    )


def standard_periods(partnership: Partnership) -> list[tuple[str, periods.Period, int | None]]:
    """Each reporting year with a population, its quarters, and the rolling year at each quarter end."""
    found = []
    for year in ReportingYear.objects.filter(partnership=partnership).order_by("start_year"):
        found.append((IndicatorResult.PeriodKind.YEAR, year.period, year.population_0_17))
        for quarter in year.quarters:
            found.append((IndicatorResult.PeriodKind.QUARTER, quarter, year.population_0_17))
            rolling = periods.rolling_year(quarter.end)
            found.append(
                (
                    IndicatorResult.PeriodKind.ROLLING,
                    periods.Period(rolling.start, rolling.end, f"12 months to {quarter.label}"),
                    year.population_0_17,
                )
            )
    return found


def indicator_run_compute(*, data_version: DataVersion, job: Job) -> IndicatorRun:
    """Compute every indicator and data-quality check for the standard periods, and store them.

    The computation runs outside any transaction, reporting each period as a stage of ``job``; the results are
    written in one short transaction at the end.
    """
    started = time.monotonic()
    job_stage(job, "Reading the data")
    events = _read_events(Path(data_version.folder), data_version.reference_date)
    periods_to_compute = standard_periods(data_version.partnership)
    computed = []
    for number, (kind, period, population) in enumerate(periods_to_compute, start=1):
        job_stage(
            job,
            f"Computing {period.label} ({number} of {len(periods_to_compute)})",
            100 * (number - 1) / len(periods_to_compute),
        )
        document = compute(events, period_from=period.start, period_to=period.end, population=population or 0)
        computed.append((kind, period, population, document))
    job_stage(job, "Saving the figures")
    with transaction.atomic():
        run = IndicatorRun.objects.create(data_version=data_version)
        results, quality = [], []
        for kind, period, population, document in computed:
            for indicator_id, result in document["indicators"].items():
                results.append(
                    IndicatorResult(
                        run=run,
                        indicator_id=indicator_id,
                        period_kind=kind,
                        period_start=period.start,
                        period_end=period.end,
                        period_label=period.label,
                        population=population,
                        numerator=result["numerator"],
                        denominator=result["denominator"],
                        value=result["value"],
                        partial=result.get("partial", False),
                    )
                )
            quality.append(
                DataQualityResult(
                    run=run,
                    period_kind=kind,
                    period_start=period.start,
                    period_end=period.end,
                    period_label=period.label,
                    checks=document["data_quality"],
                    warnings=document["warnings"],
                )
            )
        IndicatorResult.objects.bulk_create(results, batch_size=1000)
        DataQualityResult.objects.bulk_create(quality)
        run.seconds = round(time.monotonic() - started, 3)
        run.save()
    return run


def data_quality_rows(*, data_version: DataVersion) -> list[dict]:
    events = _read_events(Path(data_version.folder), data_version.reference_date)
    return quality_rows(events)


def custom_period_compute(
    *, data_version: DataVersion, period_from: date, period_to: date, population: int
) -> list[IndicatorResult]:
    """Every indicator for one custom period, computed from ``data_version`` on request.

    The results are never saved: anyone may ask for any period, and a read must not write.
    """
    events = _read_events(Path(data_version.folder), data_version.reference_date)
    document = compute(events, period_from=period_from, period_to=period_to, population=population)
    label = f"{period_from:%d %b %Y} to {period_to:%d %b %Y}"
    return [
        IndicatorResult(
            indicator_id=indicator_id,
            period_kind=IndicatorResult.PeriodKind.CUSTOM,
            period_start=period_from,
            period_end=period_to,
            period_label=label,
            population=population,
            numerator=result["numerator"],
            denominator=result["denominator"],
            value=result["value"],
            partial=result.get("partial", False),
        )
        for indicator_id, result in document["indicators"].items()
    ]


def benchmarks_load(*, rows: list[dict], file_name: str, by: User | None = None) -> int:
    """Add or replace comparator figures (England, region, statistical neighbours), each with its year and source.

    The upload is the audited record: it lists every figure it added and every one it changed.
    """
    with transaction.atomic():
        stored = {
            (b.indicator_id, b.geography, b.period_label): b
            for b in Benchmark.objects.filter(indicator_id__in={row["indicator_id"] for row in rows})
        }
        new, changed = [], []
        for row in rows:
            figure = f"{row['geography']} {row['indicator_id']} {row['period']}"
            before = stored.get((row["indicator_id"], row["geography"], row["period"]))
            if before is None:
                new.append(f"{figure}: {row['value']}")
            elif (before.value, before.source) != (row["value"], row["source"]):
                changed.append(f"{figure}: {before.value} → {row['value']} ({row['source']})")
        upload = BenchmarkUpload.objects.create(
            file_name=file_name, uploaded_by=by, figure_count=len(rows), new_figures=new, changed_figures=changed
        )
        for row in rows:
            Benchmark.objects.update_or_create(
                indicator_id=row["indicator_id"],
                geography=row["geography"],
                period_label=row["period"],
                defaults={"value": row["value"], "source": row["source"], "upload": upload},
            )
    return len(rows)


# Agencies' quarterly returns -------------------------------------------------------------------------------------


def aggregate_return_save(*, aggregate_return: AggregateReturn, values: dict, by) -> AggregateReturn:
    """Save an agency's figures as a draft (or re-draft one sent back). Locked returns cannot change."""
    if aggregate_return.is_locked:
        raise ValidationError(
            "This return has been accepted and is locked. Ask the partnership to unlock it, giving a reason."
        )
    with transaction.atomic():
        aggregate_return.save()
        for measure in aggregate_return.dataset.measures.all():
            AggregateValue.objects.update_or_create(
                aggregate_return=aggregate_return, measure=measure, defaults={"value": values[measure.code]}
            )
    return aggregate_return


def aggregate_return_submit(*, aggregate_return: AggregateReturn, by) -> AggregateReturn:
    missing = set(aggregate_return.dataset.measures.values_list("code", flat=True)) - set(
        aggregate_return.values.values_list("measure__code", flat=True)
    )
    if missing:
        raise ValidationError("Enter every figure before submitting.")
    if aggregate_return.status != AggregateReturn.Status.DRAFT:
        raise ValidationError("Only a draft return can be submitted.")
    aggregate_return.status = AggregateReturn.Status.SUBMITTED
    aggregate_return.submitted_by, aggregate_return.submitted_at = by, timezone.now()
    aggregate_return.save()
    reviewers = User.objects.filter(
        is_active=True,
        role_assignments__ended_on__isnull=True,
        role_assignments__role__in=[Role.PARTNERSHIP_ADMIN, Role.ANALYST],
    ).distinct()
    notify(
        to=reviewers,
        subject=f"Return to check: {aggregate_return}",
        body=f"{aggregate_return.agency} has submitted {aggregate_return}. Check and accept it in Assure.",
        path=aggregate_return.get_absolute_url(),
    )
    return aggregate_return


def aggregate_return_accept(*, aggregate_return: AggregateReturn, by) -> AggregateReturn:
    if aggregate_return.status != AggregateReturn.Status.SUBMITTED:
        raise ValidationError("Only a submitted return can be accepted.")
    aggregate_return.status = AggregateReturn.Status.ACCEPTED
    aggregate_return.accepted_by, aggregate_return.accepted_at = by, timezone.now()
    aggregate_return.save()
    return aggregate_return


def aggregate_return_reopen(*, aggregate_return: AggregateReturn, reason: str, by) -> AggregateReturn:
    """Send a submitted or accepted return back to draft; unlocking an accepted one needs a reason, kept in the history."""
    reason = reason.strip()
    if aggregate_return.status == AggregateReturn.Status.DRAFT:
        raise ValidationError("This return is already a draft.")
    if not reason:
        raise ValidationError("Give a reason for reopening the return.")
    aggregate_return.status = AggregateReturn.Status.DRAFT
    aggregate_return.unlock_reason = reason
    aggregate_return.accepted_by = aggregate_return.accepted_at = None
    aggregate_return.save()
    if aggregate_return.submitted_by:
        notify(
            to=[aggregate_return.submitted_by],
            subject=f"Return reopened: {aggregate_return}",
            body=f"The partnership has reopened {aggregate_return} as a draft.\nReason: {reason}\n"
            "Correct and resubmit it in Assure.",
            path=aggregate_return.get_absolute_url(),
        )
    return aggregate_return


def aggregate_returns_import_csv(*, dataset, rows: list[dict], by) -> list[AggregateReturn]:
    """Import a CSV of returns (agency, year, quarter, one column per measure code) as drafts, all or nothing."""
    measures = {m.code: m for m in dataset.measures.all()}
    agencies = {a.name.lower(): a for a in dataset.agencies.all()}
    errors, parsed = [], []
    for number, row in enumerate(rows, start=2):
        agency = agencies.get((row.get("agency") or "").strip().lower())
        if agency is None:
            errors.append(
                f"Row {number}: agency {row.get('agency')!r} does not submit {dataset}; expected one of "
                + ", ".join(sorted(a.name for a in agencies.values()))
            )
            continue
        try:
            start_year, quarter = int(row.get("start_year", "")), int(row.get("quarter", ""))
            if quarter not in (1, 2, 3, 4):
                raise ValueError
        except ValueError:
            errors.append(f"Row {number}: start_year must be a year such as 2019 and quarter a number from 1 to 4")
            continue
        values = {}
        for code in measures:
            text = (row.get(code) or "").strip().replace(",", "")
            if not text.isdigit():
                errors.append(f"Row {number}, column {code}: {text!r} is not a whole number of 0 or more")
            else:
                values[code] = int(text)
        parsed.append((agency, start_year, quarter, values))
    if errors:
        raise ValidationError(errors)
    saved = []
    with transaction.atomic():
        for agency, start_year, quarter, values in parsed:
            aggregate_return, _ = AggregateReturn.objects.get_or_create(
                dataset=dataset, agency=agency, start_year=start_year, quarter=quarter
            )
            saved.append(aggregate_return_save(aggregate_return=aggregate_return, values=values, by=by))
    return saved
