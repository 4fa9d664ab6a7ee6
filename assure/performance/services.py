"""Workflows of the performance framework: staging, checking and using extracts, data versions, computing and
publishing indicators, and agencies' quarterly returns."""

import hashlib
import hmac
import shutil
import time
import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assure.core import periods
from assure.core.jobs import JobFailed, job_stage, job_start
from assure.core.models import Job, Partnership, ReportingYear, User
from assure.core.notify import notify
from assure.core.permissions import Role
from assure.core.selectors import holders_of

from . import sources
from .engine import ImportRejected, Limits, check_dfe_rules, collection_year, compute, detect, quality_rows, read_input
from .engine.archive import is_zip
from .engine.dfe_rules import file_collection_year
from .engine.events import EVENT_KINDS, ImportResult, conform
from .engine.pseudonymise import make_pseudonymiser
from .engine.sources import LIST_TITLES, read_annex_a_lists
from .models import (
    AggregateReturn,
    AggregateValue,
    Benchmark,
    BenchmarkUpload,
    DataQualityResult,
    DataVersion,
    DfeRuleFailure,
    Extract,
    ExtractFile,
    ExtractSource,
    IndicatorResult,
    IndicatorRun,
    Publication,
)
from .sources import SourceKey

ALLOWED_SUFFIXES = {
    ".xlsx": "an Annex A workbook",
    ".zip": "a zip of Annex A list CSVs",
    ".csv": "Annex A list CSVs or SSDA903 CSVs",
    ".xml": "a CIN census XML file",
}
# Staged extracts nobody used or discarded for this long are discarded (decisions.md, "Retention").
STAGED_DAYS = 14
# Besides the data in use and every version a publication in force uses, the versions last put in use are kept.
VERSIONS_KEPT = 5


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


def storable(value):
    """Text read from a file, as the database can keep it: PostgreSQL keeps no NUL character in text or JSON, so a
    file's NUL is kept as the replacement character (in lists and mappings too)."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [storable(item) for item in value]
    if isinstance(value, dict):
        return {key: storable(item) for key, item in value.items()}
    return value


def _relative(folder: Path) -> str:
    """A folder as kept in the database: relative to the data folder, so a backup restores under another
    ASSURE_VAR_DIR."""
    return folder.relative_to(_data_dir()).as_posix()


def stored_folder(kept: str) -> Path:
    """Where a source's or a data version's Parquet files are, from the folder kept in the database."""
    return _data_dir() / kept


def version_folder(data_version: DataVersion) -> Path:
    """Where a data version's Parquet files are."""
    return stored_folder(data_version.folder)


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
    """A data version's or source's events. Files written before each event carried its CIN
    file's ReferenceDate get ``reference_date`` (the one the version held) on every event."""
    tables = {}
    for kind in EVENT_KINDS:
        table = pq.read_table(folder / f"{kind}.parquet")
        if "file_reference_date" not in table.column_names:
            table = table.append_column("file_reference_date", pa.array([reference_date] * table.num_rows, pa.date32()))
        tables[kind] = conform(kind, table)
    return ImportResult(tables=tables, reference_date=reference_date)


def _user_file_name(original_name: str) -> str:
    # Browsers send the base name; some old ones sent the whole path from the user's machine.
    return "".join(c if c.isprintable() else " " for c in original_name.replace("\\", "/").rsplit("/", 1)[-1]).strip()


def _names(names: list[str]) -> str:
    """Several files' names, as the extract is called: "list1.csv, list2.csv and 6 more files"."""
    if len(names) <= 3:
        return " and ".join(filter(None, [", ".join(names[:-1]), names[-1]]))
    return f"{', '.join(names[:2])} and {len(names) - 2} more files"


def _moment(today: date | None) -> datetime:
    """Now, or midday on ``today`` when a workflow runs as of another day (the demo's history)."""
    now = timezone.now()
    if today is None or today == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(today, datetime.min.time().replace(hour=12)))


# Staging and checking an extract --------------------------------------------------------------------------------


def extract_receive(
    *, partnership: Partnership, files: list[tuple], uploaded_by=None, today: date | None = None
) -> Extract:
    """Keep the uploaded files (each a file object with the name the person knew it by) as one extract, outside
    the web root. Nothing is read yet, and nothing reaches the data in use."""
    if not files:
        raise ValidationError("Choose at least one file to upload.")
    names = [_user_file_name(name) for _, name in files]
    for name in names:
        suffix = Path(name).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            raise ValidationError(
                f"{name} is not a file Assure can import. Upload " + ", ".join(ALLOWED_SUFFIXES.values()) + "."
            )
    with transaction.atomic():
        extract = Extract.objects.create(
            partnership=partnership,
            original_name=_names(names)[:255],
            uploaded_by=uploaded_by,
            uploaded_at=_moment(today),
        )
        try:
            for (file, _), name in zip(files, names, strict=True):
                digest, size = hashlib.sha256(), 0
                for chunk in iter(lambda file=file: file.read(1024 * 1024), b""):
                    digest.update(chunk)
                    size += len(chunk)
                file.seek(0)
                kept = ExtractFile(extract=extract, original_name=name, sha256=digest.hexdigest(), size=size)
                kept.stored_file.save(f"{uuid.uuid4().hex}{Path(name).suffix.lower()}", File(file), save=False)
                kept.save()
        except BaseException:
            _remove_files(extract)
            raise
    return extract


def extract_upload(*, partnership: Partnership, files: list[tuple], uploaded_by) -> Extract:
    """Keep the files and queue their check on the heavy queue, as a job people can follow."""
    with transaction.atomic():
        extract = extract_receive(partnership=partnership, files=files, uploaded_by=uploaded_by)
        extract_check_start(extract=extract, by=uploaded_by)
    return extract


def extract_check_start(*, extract: Extract, by=None) -> Job:
    """Queue the check of an extract: on upload, after a failure ("Try again"), or when the data in use changed
    since it was checked ("Check again")."""
    if extract.files_deleted_at or extract.rejection_reason or extract.used_at or extract.discarded_at:
        raise ValidationError("This extract cannot be checked again: upload its files again instead.")
    if extract.cancelled_at:
        raise ValidationError("This extract's check was cancelled: upload its files again to check them.")
    with transaction.atomic():
        job = job_start(
            kind=Job.Kind.IMPORT,
            label=f"Checking {extract.original_name}",
            task_path="assure.performance.tasks.check_extract",
            arguments={"extract_id": extract.pk},
            started_by=by,
            record=extract,
            result_path=extract.get_absolute_url(),
            start_path=extract.get_absolute_url(),
        )
        extract.check_job = job
        extract.save()
    return job


class _Stages:
    """Reports the check's stages on its job, when it runs as one, and stops it when someone cancelled it."""

    def __init__(self, extract: Extract, job: Job | None):
        self.extract, self.job = extract, job

    def __call__(self, stage: str, progress: float | None = None) -> None:
        if self.job is None:
            return
        cancelled = Extract.objects.filter(pk=self.extract.pk, cancelled_at__isnull=False).first()
        if cancelled is not None:
            raise JobFailed(_cancelled(cancelled))
        job_stage(self.job, stage, progress)


def _cancelled(extract: Extract) -> str:
    who = extract.cancelled_by.full_name if extract.cancelled_by else "Someone"
    return f"{who} cancelled this check. Nothing from {extract.original_name} was used."


def extract_check(*, extract: Extract, job: Job | None = None) -> Extract:
    """Read an extract's files source by source, check them (Assure's own checks and the DfE rules), compare each
    source with the same source in the data in use, and work out the figures the data would give if the extract
    were used. The data in use does not change.

    Reading and computing happen outside any transaction; what the check found is written in one short
    transaction at the end. A file with a structural fault or past a limit rejects the extract, with the reason
    in the file's own name, and its files are deleted.
    """
    stage = _Stages(extract, job)
    partnership = extract.partnership
    pseudonymise = pseudonymiser_for(partnership)
    written: list[Path] = []
    try:
        stage("Opening the files", 0)
        try:
            found = _read_sources(extract, pseudonymise, stage)
        except ImportRejected as fault:
            return _reject(extract, str(fault))
        base = DataVersion.in_use(partnership)
        kept = {source.key: source for source in base.sources.all()} if base else {}
        dfe = _check_dfe_rules(found, pseudonymise, stage)
        stage("Comparing with the data in use", 40)
        new_sources = []
        for item in found.sources:
            folder = _data_dir() / "sources" / uuid.uuid4().hex
            written.append(folder)
            _write_events(item.result, folder)
            in_use = kept.get(str(item.key))
            comparison = {}
            if in_use is not None:
                compared = sources.compare(
                    item.key,
                    sources.event_dates(item.result, item.key),
                    sources.event_dates(_source_events(in_use), item.key),
                )
                comparison = {**compared.as_dict(), "in_use_source": in_use.pk}
            summary = sources.summarise(item.result, item.key)
            new_sources.append((item.key, item.file_name, item.result.reference_date, folder, summary, comparison))
        replaced = {str(item.key) for item in found.sources}
        combined = [
            (SourceKey.parse(key), _source_events(source)) for key, source in kept.items() if key not in replaced
        ]
        combined += [(item.key, item.result) for item in found.sources]
        version_folder = _data_dir() / "versions" / uuid.uuid4().hex
        written.append(version_folder)
        merged = sources.merged(combined)
        del combined, found.sources[:]
        _write_events(merged, version_folder)
        started, started_at = time.monotonic(), timezone.now()
        documents = _compute_documents(merged, partnership, stage)
        excluded = _excluded_by_kind(merged)
        counts = {kind: merged.tables[kind].num_rows for kind in EVENT_KINDS}
        del merged
        stage("Saving what the check found", 95)
        with transaction.atomic():
            locked = Extract.objects.select_for_update().get(pk=extract.pk)
            if locked.cancelled_at:
                raise JobFailed(_cancelled(locked))
            if locked.discarded_at:
                raise JobFailed(f"{locked.original_name} was discarded while it was being checked.")
            locked.sources.all().delete()  # an earlier check's, when this one checks again
            new_records = []
            for key, file_name, reference_date, folder, summary, comparison in new_sources:
                source = ExtractSource.objects.create(
                    extract=locked,
                    key=str(key),
                    position=key.position,
                    label=key.label,
                    file_name=storable(file_name[:300]),
                    folder=_relative(folder),
                    reference_date=reference_date,
                    records=summary.records,
                    children=summary.children,
                    first_date=summary.first_date,
                    last_date=summary.last_date,
                    records_by_year=summary.records_by_year,
                    records_by_kind=summary.records_by_kind,
                    comparison=comparison,
                    dfe_rules=dfe.get(str(key), {}).get("report", {}),
                )
                DfeRuleFailure.objects.bulk_create(
                    [
                        DfeRuleFailure(
                            source=source,
                            rule=failure.rule,
                            message=storable(failure.message),
                            child=failure.child or "",
                            field=failure.field or "",
                            table=failure.table or "",
                            row=failure.row,
                        )
                        for failure in dfe.get(str(key), {}).get("failures", [])
                    ],
                    batch_size=1000,
                )
                new_records.append(source)
            version = DataVersion.objects.create(
                partnership=partnership, folder=_relative(version_folder), event_counts=counts, based_on=base
            )
            version.sources.set([source for key, source in kept.items() if key not in replaced] + new_records)
            _store_run(version, documents, excluded, started_at=started_at, seconds=time.monotonic() - started)
            locked.checked_at = timezone.now()
            locked.staged_version = version
            locked.row_errors = storable(found.row_errors)
            locked.warnings = storable(found.warnings)
            locked.notes = storable(found.notes)
            locked.save()
        return locked
    except BaseException:
        for folder in written:
            shutil.rmtree(folder, ignore_errors=True)
        raise


class _Found:
    """What the files held: each source's events, the refused rows, and what the reader should know."""

    def __init__(self):
        self.sources: list[_FoundSource] = []
        self.row_errors: list[dict] = []
        self.warnings: list[str] = []
        self.notes: list[str] = []

    def add(self, key: SourceKey, result: ImportResult, file_name: str, path: Path | None = None) -> None:
        for other in self.sources:
            if other.key == key:
                raise ImportRejected(
                    f"{file_name} and {other.file_name} both hold {key.label}; expected each source once in an upload"
                )
        self.sources.append(_FoundSource(key, result, file_name, path))
        self.row_errors += [error.as_dict() for error in result.errors]
        self.warnings += result.warnings
        self.notes += result.notes


class _FoundSource:
    def __init__(self, key: SourceKey, result: ImportResult, file_name: str, path: Path | None):
        self.key, self.result, self.file_name, self.path = key, result, file_name, path


def _read_sources(extract: Extract, pseudonymise, stage) -> _Found:
    """Read every file of the extract into its sources, in the fixed order; ImportRejected for a structural fault,
    a limit, or two files holding the same source."""
    limits = import_limits()
    files = [(Path(kept.stored_file.path), kept.original_name) for kept in extract.files.all()]
    kinds = [(path, name, detect(path, name=name)) for path, name in files]
    found = _Found()

    def reading_list(number: int, position: int, total: int) -> None:
        stage(f"Reading List {number} ({position} of {total})", 30 * (position - 1) / total)

    list_csvs = [(path, name) for path, name, kind in kinds if kind == "annex_a" and not is_zip(path)]
    annex_reads = [{"path": path, "name": name} for path, name, kind in kinds if kind == "annex_a" and is_zip(path)]
    if list_csvs:
        annex_reads.insert(0, {"files": list_csvs, "name": _names([name for _, name in list_csvs])})
    for read in annex_reads:
        lists = read_annex_a_lists(**read, pseudonymise=pseudonymise, limits=limits, on_list=reading_list)
        for number, result in lists.lists.items():
            found.add(SourceKey("annex_a", number), result, _list_file(result, read["name"], number))
        found.notes += lists.notes
    ssda903 = []
    for path, name, kind in kinds:
        if kind == "annex_a":
            continue
        stage(f"Reading {name}", 30)
        result = read_input(path, name=name, pseudonymise=pseudonymise, limits=limits)
        if result.kind == "cin_census":
            found.add(SourceKey("cin", collection_year(result.reference_date)), result, name, path)
        else:
            ssda903.append((path, name, result))
    episodes_years = {file_collection_year(result) for _, _, result in ssda903 if result.tables["care_period"].num_rows}
    for path, name, result in ssda903:
        if result.tables["care_period"].num_rows:
            found.add(SourceKey("ssda903_episodes", file_collection_year(result)), result, name, path)
        else:
            year = _header_year(extract.partnership, episodes_years, name)
            found.add(SourceKey("ssda903_header", year), result, name, path)
    found.sources.sort(key=lambda item: item.key.position)
    return found


def _list_file(result: ImportResult, name: str, number: int) -> str:
    """The file (and sheet) a list came from, as its rows say."""
    for kind in EVENT_KINDS:
        table = result.tables[kind]
        if table.num_rows:
            file, sheet = table.column("source_file")[0].as_py(), table.column("source_sheet")[0].as_py()
            return f"{file}, sheet {sheet}" if sheet else file
    return f"{name} (List {number} {LIST_TITLES[number]})"


def _header_year(partnership: Partnership, episodes_years: set, name: str) -> int:
    """An SSDA903 header file carries no dates: it belongs to the collection year of the episodes file uploaded
    with it, or else of the latest episodes in use."""
    if len(episodes_years) == 1:
        return next(iter(episodes_years))
    in_use = DataVersion.in_use(partnership)
    years = (
        [
            SourceKey.parse(key).number
            for key in in_use.sources.filter(key__startswith="ssda903_episodes:").values_list("key", flat=True)
        ]
        if in_use
        else []
    )
    if len(episodes_years) > 1 or not years:
        raise ImportRejected(
            f"{name} is an SSDA903 header file, which carries no dates; upload it with the episodes file of the "
            "same collection year, so Assure knows which year it belongs to"
        )
    return max(years)


def _check_dfe_rules(found: _Found, pseudonymise, stage) -> dict[str, dict]:
    """The DfE rules' report on each CIN census and SSDA903 file, by source."""
    checked = {}
    files = [item for item in found.sources if item.path is not None]
    for position, item in enumerate(files, start=1):
        stage(f"Checking DfE rules ({position} of {len(files)})" if len(files) > 1 else "Checking DfE rules", 35)
        item.result.kind = "cin_census" if item.key.group == "cin" else "ssda903"
        report = check_dfe_rules(
            item.path,
            item.result,
            pseudonymise=pseudonymise,
            year=item.key.number,
            scratch_dir=Path(settings.VAR_DIR) / "tmp",
        )
        summary = report.as_dict()
        summary.pop("failures")
        summary["counts"] = report.counts()
        checked[str(item.key)] = {"report": summary, "failures": report.failures}
    return checked


def _source_events(source: ExtractSource) -> ImportResult:
    return _read_events(stored_folder(source.folder), source.reference_date)


def _reject(extract: Extract, reason: str) -> Extract:
    """Record why the files were refused, and delete them: a refused upload keeps nothing of the files."""
    with transaction.atomic():
        extract.rejection_reason = storable(reason)
        extract.save()
        _remove_files(extract)
    return extract


def _remove_files(extract: Extract) -> None:
    for kept in extract.files.all():
        if kept.stored_file:
            kept.stored_file.delete(save=False)
            kept.save()


def extract_import(
    *, partnership: Partnership, file, original_name: str, uploaded_by=None, today: date | None = None
) -> Extract:
    """Receive, check and use an extract at once: for the demo and the command line, where running it is the
    person's confirmation. A rejected file is returned as it is, with the reason; nothing of it is used."""
    extract = extract_receive(
        partnership=partnership, files=[(file, original_name)], uploaded_by=uploaded_by, today=today
    )
    extract = extract_check(extract=extract)
    if not extract.rejection_reason:
        extract_use(extract=extract, by=uploaded_by, today=today)
        extract.refresh_from_db()
    return extract


# Using, discarding and going back ---------------------------------------------------------------------------


def extract_use(*, extract: Extract, by=None, seen_in_use: str | None = None, today: date | None = None) -> DataVersion:
    """Put a checked extract's sources in use in place of the same sources, and nothing else.

    ``seen_in_use`` is the data in use the person saw when they chose this (``DataVersion.in_use_token``, "" for
    none): if it changed since, nothing happens. So does an extract checked against data no longer in use."""
    moment = _moment(today)
    with transaction.atomic():
        partnership = Partnership.objects.select_for_update().get(pk=extract.partnership_id)
        extract = Extract.objects.select_for_update().get(pk=extract.pk)
        current = DataVersion.in_use(partnership)
        if extract.status_in(current) != Extract.Status.READY:
            raise ValidationError(
                f"{extract.original_name} is not waiting to be used: it is {extract.status_in(current).label.lower()}."
            )
        if seen_in_use is not None and seen_in_use != (current.in_use_token if current else ""):
            raise ValidationError(
                "The data in use changed since this page was drawn: nothing was changed. Read the check again "
                "before you use this extract."
            )
        if extract.staged_version.based_on_id != (current.pk if current else None):
            raise ValidationError(
                f"{extract.original_name} was checked against data that is no longer in use: check it again "
                "before you use it."
            )
        _put_in_use(extract.staged_version, by=by, moment=moment)
        extract.used_at, extract.used_by = moment, by
        extract.save()
    return extract.staged_version


def _put_in_use(version: DataVersion, *, by, moment: datetime, reason: str = "") -> None:
    """Make ``version`` the data in use, and note which extracts stop and start being in use."""
    previous = DataVersion.in_use(version.partnership)
    version.in_use_since, version.put_in_use_by, version.went_back_reason = moment, by, reason
    version.save()
    now_in_use = set(version.sources.values_list("extract_id", flat=True))
    before = set(previous.sources.values_list("extract_id", flat=True)) if previous else set()
    for extract in Extract.objects.filter(pk__in=now_in_use, out_of_use_since__isnull=False):
        extract.out_of_use_since = None
        extract.save()
    for extract in Extract.objects.filter(pk__in=before - now_in_use):
        extract.out_of_use_since = moment
        extract.save()


def extract_discard(*, extract: Extract, by=None) -> Extract:
    """Drop a checked (or failed) extract: it never reaches the data in use. Its files go under the retention rules."""
    with transaction.atomic():
        extract = Extract.objects.select_for_update().get(pk=extract.pk)
        status = extract.status
        if status not in (Extract.Status.READY, Extract.Status.FAILED):
            raise ValidationError(f"{extract.original_name} cannot be discarded: it is {status.label.lower()}.")
        extract.discarded_at, extract.discarded_by = timezone.now(), by
        extract.save()
    return extract


def extract_cancel(*, extract: Extract, by=None) -> Extract:
    """Stop an extract's check: the worker stops at its next stage, and nothing it read is used."""
    with transaction.atomic():
        extract = Extract.objects.select_for_update().get(pk=extract.pk)
        if extract.status != Extract.Status.CHECKING:
            raise ValidationError(f"{extract.original_name} is not being checked, so there is nothing to cancel.")
        extract.cancelled_at, extract.cancelled_by = timezone.now(), by
        extract.save()
    return extract


def data_version_go_back(*, data_version: DataVersion, reason: str, by=None) -> DataVersion:
    """Put an earlier data version in use again, with the reason (audited). Its figures are those it had."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you are going back to this version"})
    with transaction.atomic():
        Partnership.objects.select_for_update().get(pk=data_version.partnership_id)
        version = DataVersion.objects.select_for_update().get(pk=data_version.pk)
        current = DataVersion.in_use(version.partnership)
        if version.in_use_since is None:
            raise ValidationError("This version was never in use, so there is nothing to go back to.")
        if current is not None and current.pk == version.pk:
            raise ValidationError("This version is the data in use already.")
        if version.removed_at is not None:
            raise ValidationError("This version's data was deleted under the retention rules: it cannot be used again.")
        _put_in_use(version, by=by, moment=timezone.now(), reason=reason)
    return version


# Figures -----------------------------------------------------------------------------------------------------


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


def _compute_documents(events: ImportResult, partnership: Partnership, stage) -> list:
    limits = import_limits()
    periods_to_compute = standard_periods(partnership)
    documents = []
    for number, (kind, period, population) in enumerate(periods_to_compute, start=1):
        stage(
            f"Computing {period.label} ({number} of {len(periods_to_compute)})",
            45 + 50 * (number - 1) / len(periods_to_compute),
        )
        document = compute(
            events, period_from=period.start, period_to=period.end, population=population or 0, limits=limits
        )
        documents.append((kind, period, population, document))
    return documents


def _excluded_by_kind(events: ImportResult) -> dict[str, int]:
    """Events left out of every indicator for their dates (after the reference date, before birth, inverted), by
    kind: the caveats of each kind's indicators count them (decisions.md, "Caveats")."""
    checks = {"events_after_reference_date", "events_before_birth", "date_inversions"}
    return dict(Counter(row["event"] for row in quality_rows(events) if row["check"] in checks))


def _store_run(
    data_version: DataVersion, documents: list, excluded: dict, *, started_at, seconds: float
) -> IndicatorRun:
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
                checks={**document["data_quality"], "excluded_by_kind": excluded},
                warnings=document["warnings"],
            )
        )
    run = IndicatorRun.objects.create(data_version=data_version, started_at=started_at, seconds=round(seconds, 3))
    for record in results + quality:
        record.run = run
    IndicatorResult.objects.bulk_create(results, batch_size=1000)
    DataQualityResult.objects.bulk_create(quality)
    return run


def indicator_run_compute(*, data_version: DataVersion, job: Job | None = None) -> IndicatorRun:
    """Compute every indicator and data-quality check for the standard periods, and store them.

    The computation runs outside any database transaction, reporting each period as a stage of ``job``; the run
    and its results are written in one short transaction at the end.
    """
    started = time.monotonic()
    started_at = timezone.now()

    def stage(text: str, progress: float | None = None) -> None:
        if job is not None:
            job_stage(job, text, progress)

    stage("Reading the data")
    events = _read_events(version_folder(data_version), data_version.reference_date)
    documents = _compute_documents(events, data_version.partnership, stage)
    excluded = _excluded_by_kind(events)
    del events
    stage("Saving the figures")
    with transaction.atomic():
        return _store_run(data_version, documents, excluded, started_at=started_at, seconds=time.monotonic() - started)


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


# Publication -------------------------------------------------------------------------------------------------


def _tell_readers(*, subject: str, body: str) -> None:
    """The business manager and the scrutineer are told whenever the figures in force change."""
    notify(
        to=[*holders_of(Role.PARTNERSHIP_ADMIN), *holders_of(Role.SCRUTINEER)],
        subject=subject,
        body=body,
        path=reverse("performance:dashboard"),
    )


def run_publish(*, run: IndicatorRun, by=None, today: date | None = None) -> Publication:
    """Publish the working figures: from now they are the run in force, the figures everyone else sees."""
    moment = _moment(today)
    with transaction.atomic():
        Partnership.objects.select_for_update().get(pk=run.data_version.partnership_id)
        in_use = DataVersion.in_use(run.data_version.partnership)
        working = in_use.runs.order_by("-started_at", "-pk").first() if in_use else None
        if working is None or working.pk != run.pk:
            raise ValidationError("Only the working figures, from the data in use, can be published.")
        in_force = (
            Publication.objects.filter(run__data_version__partnership=in_use.partnership, withdrawn_at__isnull=True)
            .order_by("-published_at", "-pk")
            .first()
        )
        if in_force is not None and in_force.run_id == run.pk:
            raise ValidationError("These figures are the published figures already.")
        publication = Publication.objects.create(run=run, published_at=moment, published_by=by)
        who = by.full_name if by else "The analyst"
        _tell_readers(
            subject="New performance figures published",
            body=f"{who} published new performance figures in Assure on "
            f"{timezone.localtime(moment):%-d %B %Y}. They replace the figures published before.",
        )
    return publication


def publication_withdraw(*, publication: Publication, reason: str, by=None) -> Publication:
    """Withdraw a publication, with the reason: readers go back to the figures published before it."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the figures are being withdrawn"})
    with transaction.atomic():
        publication = Publication.objects.select_for_update().get(pk=publication.pk)
        if publication.withdrawn_at is not None:
            raise ValidationError("These figures were withdrawn already.")
        publication.withdrawn_at, publication.withdrawn_by, publication.withdrawal_reason = timezone.now(), by, reason
        publication.save()
        who = by.full_name if by else "The analyst"
        _tell_readers(
            subject="Performance figures withdrawn",
            body=f"{who} withdrew {publication} in Assure.\nReason: {reason}\n"
            "Assure shows the figures published before them again.",
        )
    return publication


# Retention ---------------------------------------------------------------------------------------------------


def extracts_apply_retention(*, now: datetime | None = None) -> dict[str, int]:
    """Apply decisions.md's retention rules: staged extracts unused for 14 days are discarded; uploaded files are
    deleted ``ASSURE_RAW_EXTRACT_DAYS`` days after their extract stops being staged or in use; a data version's
    files are kept while a publication in force or one of the last five versions put in use uses them, and a
    source's while a version kept or a staged extract uses them. Records stay, so the history reads whole."""
    now = now or timezone.now()
    done = Counter()
    stale = Extract.objects.filter(
        used_at__isnull=True,
        discarded_at__isnull=True,
        cancelled_at__isnull=True,
        rejection_reason="",
        uploaded_at__lt=now - timedelta(days=STAGED_DAYS),
    )
    for extract in stale:
        extract.discarded_at = now
        extract.save()
        done["staged extracts discarded"] += 1
    raw_before = now - timedelta(days=settings.ASSURE_RAW_EXTRACT_DAYS)
    for extract in Extract.objects.filter(files_deleted_at__isnull=True, rejection_reason=""):
        stopped = extract.out_of_use_since or extract.discarded_at or extract.cancelled_at
        if extract.used_at and extract.out_of_use_since is None:
            continue  # in use
        if stopped is not None and stopped < raw_before:
            with transaction.atomic():
                _remove_files(extract)
                extract.files_deleted_at = now
                extract.save()
            done["uploads whose files were deleted"] += 1
    for partnership in Partnership.objects.all():
        done += _remove_unused_data(partnership, now)
    return dict(done)


def _remove_unused_data(partnership: Partnership, now: datetime) -> Counter:
    done = Counter()
    versions = DataVersion.objects.filter(partnership=partnership)
    kept = set(
        versions.filter(in_use_since__isnull=False)
        .order_by("-in_use_since", "-pk")
        .values_list("pk", flat=True)[:VERSIONS_KEPT]
    )
    kept |= set(
        Publication.objects.filter(run__data_version__partnership=partnership, withdrawn_at__isnull=True).values_list(
            "run__data_version", flat=True
        )
    )
    staged = [
        extract
        for extract in Extract.objects.filter(partnership=partnership, staged_version__isnull=False)
        if extract.is_staged
    ]
    kept |= {extract.staged_version_id for extract in staged}
    for version in versions.filter(removed_at__isnull=True).exclude(pk__in=kept):
        shutil.rmtree(version_folder(version), ignore_errors=True)
        version.removed_at = now
        version.save()
        done["data versions removed"] += 1
    needed = set(ExtractSource.objects.filter(data_versions__pk__in=kept).values_list("pk", flat=True)) | set(
        ExtractSource.objects.filter(extract__in=staged).values_list("pk", flat=True)
    )
    for source in ExtractSource.objects.filter(
        extract__partnership=partnership, folder_deleted_at__isnull=True
    ).exclude(pk__in=needed):
        shutil.rmtree(stored_folder(source.folder), ignore_errors=True)
        source.folder_deleted_at = now
        source.save()
        done["sources removed"] += 1
    return done


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
