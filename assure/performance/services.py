"""Workflows of the performance framework: importing extracts, building data versions,
computing indicators, and agencies' quarterly returns."""

import hashlib
import hmac
import shutil
import time
import uuid
from datetime import date
from pathlib import Path

import pyarrow as pa
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

from .engine import ImportRejected, Limits, collection_year, compute, quality_rows, read_input
from .engine.events import EVENT_KINDS, ImportResult, conform, merge
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
# How often an import rebuilds its data version when another import landed meanwhile.
_VERSION_ATTEMPTS = 3


def _data_dir() -> Path:
    return Path(settings.VAR_DIR) / "data"


def import_limits() -> Limits:
    """The limits every import and computation runs under (decisions.md, "Limits per upload")."""
    return Limits(extract_max_bytes=settings.ASSURE_EXTRACT_MAX_BYTES, scratch_dir=Path(settings.VAR_DIR) / "tmp")


def pseudonymiser_for(partnership: Partnership):
    """HMAC-SHA256 under a key derived for this partnership, so two partnerships' pseudonyms never match."""
    key = hmac.new(
        settings.ASSURE_PSEUDONYMISATION_KEY.encode(), f"partnership:{partnership.pk}".encode(), hashlib.sha256
    ).digest()
    return make_pseudonymiser(key)


def _private_folder(folder: Path) -> Path:
    """A folder only Assure's user can enter (0700), its parents too."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _write_events(result: ImportResult, folder: Path) -> None:
    _private_folder(folder)
    for kind in EVENT_KINDS:
        path = folder / f"{kind}.parquet"
        pq.write_table(result.tables[kind], path)
        path.chmod(0o600)


def _read_events(folder: Path, reference_date: date | None) -> ImportResult:
    """A data version's or extract's events. Files written before each event carried its CIN
    file's ReferenceDate get ``reference_date`` (the one the version held) on every event."""
    tables = {}
    for kind in EVENT_KINDS:
        table = pq.read_table(folder / f"{kind}.parquet")
        if "file_reference_date" not in table.column_names:
            table = table.append_column("file_reference_date", pa.array([reference_date] * table.num_rows, pa.date32()))
        tables[kind] = conform(kind, table)
    return ImportResult(tables=tables, reference_date=reference_date)


def _extract_key(result: ImportResult) -> str:
    """The source a file replaces: a CIN census file is its collection year (decisions.md, "A source")."""
    if result.kind == "cin_census" and result.reference_date:
        return f"cin_census:{periods.reporting_year_label(collection_year(result.reference_date))}"
    return result.kind


def _user_file_name(original_name: str) -> str:
    # Browsers send the base name; some old ones sent the whole path from the user's machine.
    return "".join(c if c.isprintable() else " " for c in original_name.replace("\\", "/").rsplit("/", 1)[-1]).strip()


def extract_import(*, partnership: Partnership, file, original_name: str, uploaded_by=None) -> Extract:
    """Store an uploaded extract, read it, and record it and the new data version in one short transaction.

    Reading (under the import limits) and merging happen outside any database transaction,
    so an import never holds the database while it works. A structural fault or a limit
    refuses the file: the upload is recorded as rejected with the reason, in the file's own
    name, and the stored file is removed. Row faults reject those rows only; they are kept
    with the upload. The new extract replaces the earlier one of the same source (the kind;
    for a CIN census, its collection year), never adds to it.
    """
    suffix = Path(original_name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationError(
            f"{original_name} is not a file Assure can import. Upload " + ", ".join(ALLOWED_SUFFIXES.values()) + "."
        )
    name = _user_file_name(original_name)
    digest = hashlib.sha256()
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    extract = Extract(partnership=partnership, original_name=name, sha256=digest.hexdigest(), uploaded_by=uploaded_by)
    extract.stored_file.save(f"{uuid.uuid4().hex}{suffix}", File(file), save=False)
    path = Path(extract.stored_file.path)
    try:
        result = read_input(path, name=name, pseudonymise=pseudonymiser_for(partnership), limits=import_limits())
    except ImportRejected as fault:
        _remove_upload(extract)
        extract.status = Extract.Status.REJECTED
        extract.rejection_reason = str(fault)
        with transaction.atomic():
            extract.save()
        return extract
    except BaseException:
        _remove_upload(extract)
        raise
    extract.status = Extract.Status.IMPORTED
    extract.kind = result.kind
    extract.extract_key = _extract_key(result)
    extract.reference_date = result.reference_date
    extract.row_counts = result.row_counts()
    extract.row_errors = [{**error.as_dict(), "file": original_name} for error in result.errors]
    extract.warnings = result.notes + result.warnings
    events_folder = _data_dir() / "extracts" / f"incoming-{uuid.uuid4().hex}"
    try:
        _write_events(result, events_folder)
        del result
        _land(extract, events_folder)
    except BaseException:
        shutil.rmtree(events_folder, ignore_errors=True)
        _remove_upload(extract)
        raise
    return extract


def _remove_upload(extract: Extract) -> None:
    """Delete a refused or failed upload's stored file; the record keeps no file."""
    extract.stored_file.delete(save=False)
    extract.stored_file = ""


def _land(extract: Extract, events_folder: Path) -> None:
    """Merge the new extract with the others in use and record both in one short transaction.

    The merge runs outside the transaction; if another import landed in the meantime, the
    merge is made again with it.
    """
    partnership = extract.partnership
    for _ in range(_VERSION_ATTEMPTS):
        in_use = _extracts_in_use(partnership, replacing=extract.extract_key)
        events = [_read_events(_data_dir() / "extracts" / str(e.pk), e.reference_date) for e in in_use]
        version_folder = _write_version(events + [_read_events(events_folder, extract.reference_date)])
        with transaction.atomic():
            if [e.pk for e in _extracts_in_use(partnership, replacing=extract.extract_key)] != [e.pk for e in in_use]:
                shutil.rmtree(version_folder, ignore_errors=True)
                continue
            extract.uploaded_at = timezone.now()
            extract.save()
            final = _data_dir() / "extracts" / str(extract.pk)
            shutil.rmtree(final, ignore_errors=True)  # left by an import whose commit failed
            events_folder.rename(final)
            try:
                for replaced in Extract.objects.filter(
                    partnership=partnership, extract_key=extract.extract_key, status=Extract.Status.IMPORTED
                ).exclude(pk=extract.pk):
                    replaced.status = Extract.Status.REPLACED
                    replaced.replaced_by = extract
                    replaced.save()
                _record_version(partnership, version_folder, [*in_use, extract], started_by=extract.uploaded_by)
            except BaseException:
                final.rename(events_folder)
                raise
        return
    raise ValidationError("Other uploads kept landing while this one was being read. Upload the file again.")


def _extracts_in_use(partnership: Partnership, *, replacing: str = "") -> list[Extract]:
    extracts = Extract.objects.filter(partnership=partnership, status=Extract.Status.IMPORTED)
    if replacing:
        extracts = extracts.exclude(extract_key=replacing)
    return list(extracts.order_by("uploaded_at", "pk"))


def _write_version(events: list[ImportResult]) -> Path:
    """Merge extracts' events (natural keys across extracts) into a new version folder."""
    merged = merge(events)
    folder = _data_dir() / "versions" / uuid.uuid4().hex
    _write_events(merged, folder)
    return folder


def _record_version(partnership: Partnership, folder: Path, extracts: list[Extract], *, started_by=None) -> DataVersion:
    tables = {kind: pq.read_metadata(folder / f"{kind}.parquet").num_rows for kind in EVENT_KINDS}
    single = extracts[0].reference_date if len(extracts) == 1 else None
    # Relative to the data folder, so a backup restores under another ASSURE_VAR_DIR.
    version = DataVersion.objects.create(
        partnership=partnership,
        folder=folder.relative_to(_data_dir()).as_posix(),
        reference_date=single,
        event_counts=tables,
    )
    version.extracts.set(extracts)
    indicator_run_start(data_version=version, started_by=started_by)
    return version


def version_folder(data_version: DataVersion) -> Path:
    """Where a data version's Parquet files are (its folder is kept relative to the data folder)."""
    if data_version.pruned_at:
        raise ValidationError(f"{data_version} was pruned on {data_version.pruned_at:%d %B %Y}: its events are gone.")
    return _data_dir() / data_version.folder


# How many of the newest data versions are kept whatever uses them (decisions.md section 2, "Retention").
VERSIONS_KEPT = 5


def data_versions_prune(*, partnership: Partnership) -> list[DataVersion]:
    """Delete the events of superseded data versions: any not among the newest ``VERSIONS_KEPT`` and used by no
    published run. The records stay (their runs' figures are stored with the runs), marked pruned."""
    versions = DataVersion.objects.filter(partnership=partnership, pruned_at__isnull=True)
    newest = list(versions.order_by("-created_at", "-pk").values_list("pk", flat=True)[:VERSIONS_KEPT])
    superseded = versions.exclude(pk__in=newest).exclude(runs__is_published=True).distinct()
    pruned = []
    for version in superseded:
        shutil.rmtree(_data_dir() / version.folder, ignore_errors=True)
        version.pruned_at = timezone.now()
        version.save(update_fields=["pruned_at"])
        pruned.append(version)
    return pruned


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

    The computation runs outside any database transaction, reporting each period as a stage of ``job``; the run
    and its results are written in one short transaction at the end.
    """
    started = time.monotonic()
    started_at = timezone.now()
    job_stage(job, "Reading the data")
    events = _read_events(version_folder(data_version), data_version.reference_date)
    limits = import_limits()
    periods_to_compute = standard_periods(data_version.partnership)
    documents = []
    for number, (kind, period, population) in enumerate(periods_to_compute, start=1):
        job_stage(
            job,
            f"Computing {period.label} ({number} of {len(periods_to_compute)})",
            100 * (number - 1) / len(periods_to_compute),
        )
        document = compute(
            events, period_from=period.start, period_to=period.end, population=population or 0, limits=limits
        )
        documents.append((kind, period, population, document))
    del events
    job_stage(job, "Saving the figures")
    results, quality = [], []
    for kind, period, population, document in documents:
        for indicator_id, result in document["indicators"].items():
            results.append(
                IndicatorResult(
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
                period_kind=kind,
                period_start=period.start,
                period_end=period.end,
                period_label=period.label,
                checks=document["data_quality"],
                warnings=document["warnings"],
            )
        )
    with transaction.atomic():
        run = IndicatorRun.objects.create(
            data_version=data_version, started_at=started_at, seconds=round(time.monotonic() - started, 3)
        )
        for record in results + quality:
            record.run = run
        IndicatorResult.objects.bulk_create(results, batch_size=1000)
        DataQualityResult.objects.bulk_create(quality)
    return run


def data_quality_rows(*, data_version: DataVersion) -> list[dict]:
    events = _read_events(version_folder(data_version), data_version.reference_date)
    return quality_rows(events)


def custom_period_compute(
    *, data_version: DataVersion, period_from: date, period_to: date, population: int
) -> list[IndicatorResult]:
    """Every indicator for one custom period, computed from ``data_version`` on request.

    The results are never saved: anyone may ask for any period, and a read must not write.
    """
    events = _read_events(version_folder(data_version), data_version.reference_date)
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
