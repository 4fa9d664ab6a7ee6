"""Every importer, fuzzed with Hypothesis: whatever the file holds, never a crash and never a partial import.

An upload is either staged whole — its sources and one staged data version whose events are what the files hold,
the data in use unchanged — or not at all (refused with a reason, nothing of it kept). Bad rows are rejected alone and
listed; that is not partial (decisions.md section 5). Quarterly returns land all or none.

Profiles (``HYPOTHESIS_PROFILE``): ``suite`` (the default here) runs 200 examples per importer, the same every run;
``bench`` runs 2,000 per importer — 10,000 in all — with fresh randomness (bench/fuzz_importers.sh, recorded in
docs/reliability.md).
"""

import csv
import io
import os
import zipfile
from datetime import date, datetime
from pathlib import Path
from unittest import mock

import openpyxl
import pyarrow.parquet as pq
import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assure.performance import services
from assure.performance.engine.events import EVENT_KINDS
from assure.performance.forms import AggregateReturnsCsvForm
from assure.performance.models import (
    AggregateDataset,
    AggregateMeasure,
    AggregateReturn,
    AggregateValue,
    DataVersion,
    Extract,
)
from tests.performance.annex_a_files import HEADERS

settings.register_profile(
    "suite",
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "bench",
    max_examples=2000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "suite")
fuzzed = settings(settings.get_profile(PROFILE))

pytestmark = pytest.mark.django_db

# Cells as extracts really hold them, and as they go wrong.
DATES = st.sampled_from(["01/04/2019", "2019-04-01", "31/02/2019", "2019-13-01", "1/4/19", "00/00/0000", "01/04/1899"])
CODES = st.sampled_from(["M", "F", "1", "2", "U", "WBRI", "ABAN", "N1", "N9", "NEG", "PHY", "C2", "J1", "V2", "Y", "N"])
NUMBERS = st.integers(min_value=-(10**12), max_value=10**12).map(str)
CELL_TEXT = st.one_of(
    DATES,
    CODES,
    NUMBERS,
    st.just(""),
    st.text(max_size=30),
    st.sampled_from(['"', ",", "\n", "=SUM(A1)", "\ufeff", "\x00", "NaN", "1e308", "²³"]),
)
CHILD_IDS = st.one_of(st.sampled_from(["C1", "C2", "C3", "0001", "C1 "]), st.text(max_size=10))


def _headers(number: int, draw) -> list[str]:
    """The list's headers, now and then one dropped, renamed or changed in case or spacing."""
    headers = list(HEADERS[number])
    change = draw(st.sampled_from(["none", "none", "none", "drop", "rename", "case", "spaces"]))
    if change != "none":
        index = draw(st.integers(0, len(headers) - 1))
        if change == "drop":
            headers.pop(index)
        elif change == "rename":
            headers[index] = draw(st.text(max_size=15))
        elif change == "case":
            headers[index] = headers[index].upper()
        else:
            headers[index] = f"  {headers[index]} "
    return headers


def _rows(headers: list[str], draw) -> list[list[str]]:
    count = draw(st.integers(0, 4))
    rows = []
    for _ in range(count):
        row = [draw(CELL_TEXT) for _ in headers]
        if headers and headers[0].strip().lower() == "child unique id":
            row[0] = draw(CHILD_IDS)
        rows.append(row)
    return rows


def _csv_text(headers: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def _truncated(content: bytes, draw) -> bytes:
    """Now and then the file cut short, as an interrupted copy leaves it."""
    if content and draw(st.integers(0, 9)) == 0:
        # The cut as a share of the length: a workbook's length changes with the second it is saved in, and Hypothesis
        # needs the same draws each time it replays an example.
        return content[: draw(st.integers(0, 999)) * len(content) // 1000]
    return content


@st.composite
def annex_a_zips(draw) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in draw(st.sets(st.integers(1, 8), min_size=1, max_size=4)):
            headers = _headers(number, draw)
            archive.writestr(f"List {number}.csv", _csv_text(headers, _rows(headers, draw)))
    return _truncated(buffer.getvalue(), draw)


WORKBOOK_CELLS = st.one_of(
    CELL_TEXT,
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.floats(allow_nan=False, allow_infinity=False),
)


def _sheet_text(value: str) -> str:
    """Only what a spreadsheet program can write reaches a workbook: openpyxl refuses control characters."""
    return "".join(ch for ch in value if ch.isprintable() or ch in "\t\n")


@st.composite
def annex_a_workbooks(draw) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for number in draw(st.sets(st.integers(1, 8), min_size=1, max_size=3)):
        sheet = workbook.create_sheet(draw(st.sampled_from([f"List {number}", f"List{number}", f"Sheet {number}"])))
        if draw(st.booleans()):
            sheet.append([f"List {number}"])
        headers = [_sheet_text(header) for header in _headers(number, draw)]
        sheet.append(headers)
        for _ in range(draw(st.integers(0, 3))):
            row = []
            for header in headers:
                value = draw(CHILD_IDS) if header.strip().lower() == "child unique id" else draw(WORKBOOK_CELLS)
                row.append(_sheet_text(value) if isinstance(value, str) else value)
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _truncated(buffer.getvalue(), draw)


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


XML_TEXT = CELL_TEXT.map(lambda value: _xml_text("".join(ch for ch in value if ch.isprintable())))


@st.composite
def cin_censuses(draw) -> bytes:
    reference = draw(st.one_of(st.none(), DATES.map(_xml_text), st.just("2020-03-31")))
    children = []
    for _ in range(draw(st.integers(0, 3))):
        episodes = []
        for _ in range(draw(st.integers(0, 2))):
            parts = [f"<CINreferralDate>{draw(XML_TEXT)}</CINreferralDate>"]
            for element in draw(
                st.lists(
                    st.sampled_from(["ReferralSource", "ReferralNFA", "CINclosureDate", "PrimaryNeedCode"]),
                    max_size=3,
                )
            ):
                parts.append(f"<{element}>{draw(XML_TEXT)}</{element}>")
            if draw(st.booleans()):
                parts.append(
                    f"<Assessments><AssessmentActualStartDate>{draw(XML_TEXT)}</AssessmentActualStartDate>"
                    f"<AssessmentAuthorisationDate>{draw(XML_TEXT)}</AssessmentAuthorisationDate></Assessments>"
                )
            if draw(st.booleans()):
                parts.append(
                    f"<ChildProtectionPlans><CPPstartDate>{draw(XML_TEXT)}</CPPstartDate>"
                    f"<InitialCategoryOfAbuse>{draw(XML_TEXT)}</InitialCategoryOfAbuse></ChildProtectionPlans>"
                )
            episodes.append(f"<CINdetails>{''.join(parts)}</CINdetails>")
        children.append(
            f"<Child><ChildIdentifiers><LAchildID>{_xml_text(draw(CHILD_IDS))}</LAchildID>"
            f"<PersonBirthDate>{draw(XML_TEXT)}</PersonBirthDate><GenderCurrent>{draw(XML_TEXT)}</GenderCurrent>"
            f"</ChildIdentifiers>{''.join(episodes)}</Child>"
        )
    header = "<Header><CollectionDetails><Collection>CIN</Collection>"
    header += f"<ReferenceDate>{reference}</ReferenceDate>" if reference is not None else ""
    header += "</CollectionDetails></Header>"
    document = f"<Message>{header}<Children>{''.join(children)}</Children></Message>".encode()
    return _truncated(document, draw)


SSDA903_EPISODES = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
]
SSDA903_HEADER = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]


@st.composite
def ssda903_files(draw) -> bytes:
    headers = list(draw(st.sampled_from([SSDA903_EPISODES, SSDA903_HEADER])))
    if draw(st.integers(0, 4)) == 0:
        headers.pop(draw(st.integers(1, len(headers) - 1)))
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        rows.append([draw(CHILD_IDS)] + [draw(CELL_TEXT) for _ in headers[1:]])
    return _truncated(_csv_text(headers, rows).encode("utf-8", errors="surrogatepass"), draw)


# The property -----------------------------------------------------------------------------------------------------


def _parquet_rows(folder: Path) -> dict[str, int]:
    return {kind: pq.read_metadata(folder / f"{kind}.parquet").num_rows for kind in EVENT_KINDS}


def _files(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()} if folder.exists() else set()


def lands_whole_or_not_at_all(partnership, content: bytes, name: str) -> None:
    """Received and checked, an upload is either refused with its reason and nothing of it kept, or staged whole:
    its sources' and its staged version's events are what it held. Checking never changes the data in use.

    The importers are what is fuzzed: the indicators computed from a staged version and the DfE rules (a
    separate program) are left out, each tested on its own."""
    in_use_before = DataVersion.in_use(partnership)
    extracts_before = set(Extract.objects.values_list("pk", flat=True))
    uploads = Path(django_settings.STORAGES["default"]["OPTIONS"]["location"])
    files_before = _files(uploads)
    try:
        extract = services.extract_receive(partnership=partnership, files=[(io.BytesIO(content), name)])
    except ValidationError:
        # Refused at the door: nothing recorded, nothing kept.
        assert set(Extract.objects.values_list("pk", flat=True)) == extracts_before
        assert _files(uploads) <= files_before
        return
    with (
        mock.patch.object(services, "_compute_documents", return_value=[]),
        mock.patch.object(services, "_check_dfe_rules", return_value={}),
    ):
        extract = services.extract_check(extract=extract)
    assert DataVersion.in_use(partnership) == in_use_before
    if extract.rejection_reason:
        assert not extract.sources.exists()
        assert extract.staged_version is None
        assert _files(uploads) <= files_before
        return
    version = extract.staged_version
    assert version.event_counts == _parquet_rows(services.version_folder(version))
    for source in extract.sources.all():
        assert set(_parquet_rows(services.stored_folder(source.folder))) == set(EVENT_KINDS)
    assert set(version.sources.all()) == set(extract.sources.all())


@fuzzed
@given(content=annex_a_zips())
def test_annex_a_list_csvs_land_whole_or_not_at_all(partnership, content):
    lands_whole_or_not_at_all(partnership, content, "annex-a.zip")


@fuzzed
@given(content=annex_a_workbooks())
def test_annex_a_workbooks_land_whole_or_not_at_all(partnership, content):
    lands_whole_or_not_at_all(partnership, content, "annex-a.xlsx")


@fuzzed
@given(content=cin_censuses())
def test_cin_census_files_land_whole_or_not_at_all(partnership, content):
    lands_whole_or_not_at_all(partnership, content, "cin-census.xml")


@fuzzed
@given(content=ssda903_files())
def test_ssda903_files_land_whole_or_not_at_all(partnership, content):
    lands_whole_or_not_at_all(partnership, content, "ssda903.csv")


# Quarterly returns -------------------------------------------------------------------------------------------------

RETURN_COLUMNS = ["agency", "start_year", "quarter", "families", "children"]


@st.composite
def quarterly_return_csvs(draw) -> bytes:
    headers = list(RETURN_COLUMNS)
    if draw(st.integers(0, 4)) == 0:
        headers[draw(st.integers(0, len(headers) - 1))] = draw(st.text(max_size=10))
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        rows.append(
            [
                draw(st.one_of(st.sampled_from(["Test Council", "test police ", "Nowhere"]), st.text(max_size=10))),
                draw(st.one_of(st.sampled_from(["2019", "2020", "1", "65536", "-1", "9" * 5000]), CELL_TEXT)),
                draw(st.one_of(st.sampled_from(["1", "4", "5", "0"]), CELL_TEXT)),
                draw(st.one_of(NUMBERS, CELL_TEXT, st.just("4294967296"))),
                draw(st.one_of(NUMBERS, CELL_TEXT, st.just("1,234"))),
            ]
        )
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]))
    return _csv_text(headers, rows).encode(encoding, errors="replace")


@pytest.fixture
def gcp2(partnership, council, police):
    dataset = AggregateDataset.objects.create(partnership=partnership, code="gcp2", name="GCP2 use")
    dataset.agencies.set([council, police])
    AggregateMeasure.objects.create(dataset=dataset, code="families", label="Families", order=1)
    AggregateMeasure.objects.create(dataset=dataset, code="children", label="Children", order=2)
    return dataset


@fuzzed
@given(content=quarterly_return_csvs())
def test_quarterly_return_csvs_land_all_or_none(gcp2, admin_user, content):
    returns_before = AggregateReturn.objects.count()
    values_before = set(AggregateValue.objects.values_list("pk", "value"))
    form = AggregateReturnsCsvForm(files={"file": SimpleUploadedFile("returns.csv", content, "text/csv")})
    if not form.is_valid():
        assert AggregateReturn.objects.count() == returns_before
        return
    try:
        saved = services.aggregate_returns_import_csv(dataset=gcp2, rows=form.rows, by=admin_user)
    except ValidationError:
        assert AggregateReturn.objects.count() == returns_before
        assert set(AggregateValue.objects.values_list("pk", "value")) == values_before
        return
    for aggregate_return in saved:
        stored = dict(
            AggregateValue.objects.filter(aggregate_return=aggregate_return).values_list("measure__code", "value")
        )
        assert set(stored) == {"families", "children"}
