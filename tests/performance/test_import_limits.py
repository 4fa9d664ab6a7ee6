"""Every import runs under decisions.md's limits, and each names itself when it refuses a file."""

import io
import os
import random
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assure.performance.engine import ImportRejected, LimitExceeded, Limits, read_input
from assure.performance.engine import archive as archive_module
from assure.performance.engine.codes import connection
from assure.performance.engine.limits import running
from assure.performance.models import Extract
from assure.performance.services import extract_import

from .annex_a_files import HEADERS, write_list
from .cin_files import cin_child, cin_episode, write_census

REFERRAL = {"Child Unique ID": "1", "Date of referral": "01/06/2019", "Referral Source": "6", "Referral NFA?": "b) No"}


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def workbook(path: Path, rows: list[dict[int, str]], headers=HEADERS[3], *, far_cells: int = 0) -> Path:
    """An .xlsx written part by part: List 3's header row, ``rows`` (column number -> text),
    then ``far_cells`` rows holding one cell each in column XFD, the last Excel has."""

    def cell(row_no, column, text):
        return f'<c r="{column_letters(column)}{row_no}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'

    header = "".join(cell(1, column, text) for column, text in enumerate(headers, start=1))
    body = [f'<row r="1">{header}</row>']
    for row_no, row in enumerate(rows, start=2):
        body.append(f'<row r="{row_no}">' + "".join(cell(row_no, c, t) for c, t in sorted(row.items())) + "</row>")
    first_far = len(rows) + 2
    body.extend(f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>' for n in range(first_far, first_far + far_cells))
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package_zip:
        package_zip.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        package_zip.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{package}"><Relationship Id="rId1" '
            f'Type="{relationships}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        package_zip.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{relationships}"><sheets>'
            '<sheet name="List 3" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        package_zip.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{package}"><Relationship Id="rId1" '
            f'Type="{relationships}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        package_zip.writestr(
            "xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData>{"".join(body)}</sheetData></worksheet>'
        )
    return path


def referral_cells(child_id: str) -> dict[int, str]:
    return {1: child_id, 6: "01/06/2019", 7: "6", 8: "b) No"}


def zip_of(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def patched(path: Path, *, flag: int | None = None, method: int | None = None) -> Path:
    """The zip with its members' flag bits or compression method rewritten in both headers."""
    data = bytearray(path.read_bytes())
    for signature, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        at = data.find(signature)
        while at >= 0:
            if flag is not None:
                data[at + flag_at : at + flag_at + 2] = flag.to_bytes(2, "little")
            if method is not None:
                data[at + method_at : at + method_at + 2] = method.to_bytes(2, "little")
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


def upload(partnership, name: str, data: bytes) -> Extract:
    return extract_import(partnership=partnership, file=SimpleUploadedFile(name, data), original_name=name)


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.fixture
def bytes_written(monkeypatch):
    """Every byte the process writes through os.write (how the archive unpacks), counted."""
    written = []
    real_write = os.write

    def counting_write(descriptor, data):
        count = real_write(descriptor, data)
        written.append(count)
        return count

    monkeypatch.setattr(os, "write", counting_write)
    return written


# Workbooks -----------------------------------------------------------------------------------------------------------


def test_a_220_kb_workbook_with_a_cell_in_column_xfd_on_every_row_imports_in_little_memory(tmp_path):
    path = workbook(tmp_path / "wide.xlsx", [referral_cells("1"), referral_cells("2")], far_cells=45_000)
    assert 200_000 < path.stat().st_size < 240_000
    # The child's peak resident memory. Not getrusage's ru_maxrss: Linux carries it over from
    # the forked copy of this (large) test process through exec. VmHWM is the same peak,
    # for the child's own program only.
    measure = (
        "import re, sys\n"
        "from assure.performance.engine import read_input\n"
        "result = read_input(sys.argv[1], name='wide.xlsx')\n"
        "peak_kb = re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()).group(1)\n"
        "print(result.row_counts()['referral'], int(peak_kb) // 1024)\n"
    )
    done = subprocess.run([sys.executable, "-c", measure, str(path)], capture_output=True, text=True, check=True)
    referrals, peak_megabytes = map(int, done.stdout.split())
    assert referrals == 2
    assert peak_megabytes < 300, f"peak {peak_megabytes} MB"


def test_a_workbook_is_read_only_up_to_its_first_100_header_cells(tmp_path):
    headers = [header for header in HEADERS[3] if header != "Referral NFA?"]
    headers = headers + [f"Note {number}" for number in range(100 - len(headers))] + ["Referral NFA?"]
    with pytest.raises(ImportRejected, match="wide.xlsx, sheet “List 3”: List 3 .* lacks the column “Referral NFA\\?”"):
        read_input(workbook(tmp_path / "wide.xlsx", [], headers), name="wide.xlsx")


def test_a_workbook_sheet_past_the_row_limit_is_refused_naming_the_limit(tmp_path):
    path = workbook(tmp_path / "long.xlsx", [referral_cells(str(n)) for n in range(3)])
    with pytest.raises(
        LimitExceeded, match="long.xlsx, sheet “List 3”, has more than 2 rows, the most one list may have"
    ):
        read_input(path, name="long.xlsx", limits=Limits(rows_per_list=2))


# Zips ----------------------------------------------------------------------------------------------------------------


def test_a_1_mb_zip_inflating_past_the_cap_is_refused_having_written_no_more_than_the_cap(
    partnership, settings, bytes_written
):
    noise = random.Random(1).randbytes(1_000_000)  # does not compress: the zip's size
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("list1.csv", noise)
        with archive.open("list3.csv", "w") as member:
            for _ in range(64):
                member.write(bytes(1024 * 1024))  # 64 MB of nothing, a few KB zipped
    data = buffer.getvalue()
    assert 0.9e6 < len(data) < 1.1e6
    cap = 30 * len(data)

    extract = upload(partnership, "lists.zip", data)

    assert extract.status == Extract.Status.REJECTED
    assert extract.rejection_reason.startswith(
        "lists.zip unpacks to more than 30 MB, the most a zip of 1 MB may unpack to"
    )
    assert 0.9 * cap < sum(bytes_written) <= cap
    var = Path(settings.VAR_DIR)
    assert files_under(var / "uploads") == [] and files_under(var / "tmp") == [] and files_under(var / "data") == []
    assert not any(kept.stored_file for kept in extract.files.all())


def test_a_zip_of_2000_tiny_csvs_is_refused_by_the_member_limit_before_it_is_opened(
    tmp_path, monkeypatch, bytes_written
):
    path = zip_of(tmp_path / "many.zip", {f"list{number}.csv": b"x\n" for number in range(2000)})

    def never(*args, **kwargs):
        raise AssertionError("the zip's directory was read")

    monkeypatch.setattr(archive_module.zipfile, "ZipFile", never)
    with pytest.raises(LimitExceeded, match="many.zip holds 2,000 files, more than the 20 a zip of list CSVs may hold"):
        read_input(path, name="many.zip")
    assert bytes_written == []


def test_a_password_protected_zip_is_refused(tmp_path):
    path = patched(zip_of(tmp_path / "secret.zip", {"list3.csv": b"a,b\n"}), flag=0x1)
    with pytest.raises(ImportRejected, match="“list3.csv” in secret.zip is password-protected"):
        read_input(path, name="secret.zip")


def test_a_zip_compressed_with_a_method_python_cannot_read_is_refused(tmp_path):
    path = patched(zip_of(tmp_path / "deflate64.zip", {"list3.csv": b"a,b\n"}), method=9)
    with pytest.raises(ImportRejected, match="compressed with a method Assure cannot read \\(method 9\\)"):
        read_input(path, name="deflate64.zip")


def test_a_damaged_zip_is_refused(tmp_path):
    whole = zip_of(tmp_path / "whole.zip", {"list3.csv": random.Random(2).randbytes(5000)}).read_bytes()
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(whole[:200] + bytes(500) + whole[700:])
    with pytest.raises(ImportRejected, match="“list3.csv” in damaged.zip cannot be unpacked: the zip is damaged"):
        read_input(damaged, name="damaged.zip")


# Rows ----------------------------------------------------------------------------------------------------------------


def test_a_list_past_the_row_limit_is_refused_naming_the_limit(tmp_path):
    write_list(tmp_path / "list3.csv", 3, [REFERRAL] * 4)
    with pytest.raises(LimitExceeded, match="list3.csv has more than 3 rows, the most one list may have"):
        read_input(tmp_path, name="lists", limits=Limits(rows_per_list=3))


def test_lists_past_the_limit_in_all_are_refused_naming_the_limit(tmp_path):
    write_list(tmp_path / "list1.csv", 1, [{"Child Unique ID": "1", "Date of Contact": "01/06/2019"}] * 3)
    write_list(tmp_path / "list3.csv", 3, [REFERRAL] * 3)
    with pytest.raises(LimitExceeded, match="more than 5 rows in all, the most one upload may have"):
        read_input(tmp_path, limits=Limits(rows_in_all=5))


def test_a_census_past_the_row_limit_is_refused_naming_the_limit(tmp_path):
    episodes = [cin_episode(f"2019-0{month}-01") for month in range(1, 5)]
    census = write_census(tmp_path / "census.xml", "2020-03-31", cin_child("A", "2010-01-01", *episodes))
    with pytest.raises(LimitExceeded, match="census.xml has more than 3 referrals"):
        read_input(census, name="census.xml", limits=Limits(rows_per_list=3))


# CIN census XML ------------------------------------------------------------------------------------------------------


def test_a_census_header_of_more_than_1000_elements_is_refused(tmp_path):
    child = cin_child("A", "2010-01-01", cin_episode("2019-05-01"))
    # the Header, CollectionDetails, Collection and ReferenceDate are 4 elements
    within = write_census(tmp_path / "within.xml", "2020-03-31", child, header_extra="<Note/>" * 996)
    assert read_input(within).row_counts()["referral"] == 1
    beyond = write_census(tmp_path / "beyond.xml", "2020-03-31", child, header_extra="<Note/>" * 997)
    with pytest.raises(LimitExceeded, match="beyond.xml has more than 1,000 XML elements in its Header"):
        read_input(beyond, name="beyond.xml")


def test_a_child_of_too_many_elements_is_refused(tmp_path):
    episodes = [cin_episode("2019-05-01") for _ in range(5)]
    census = write_census(tmp_path / "census.xml", "2020-03-31", cin_child("A", "2010-01-01", *episodes))
    with pytest.raises(LimitExceeded, match="census.xml: child 1 holds more than 20 XML elements"):
        read_input(census, name="census.xml", limits=Limits(cin_child_elements=20))


def test_elements_outside_the_children_are_dropped_once_read(tmp_path):
    child = cin_child("A", "2010-01-01", cin_episode("2019-05-01"))
    small = write_census(tmp_path / "small.xml", "2020-03-31", child)
    padded = tmp_path / "padded.xml"
    padded.write_text(small.read_text().replace("</Message>", "<Extra/>" * 200_000 + "</Message>"))

    def peak(path):
        tracemalloc.start()
        try:
            assert read_input(path).row_counts()["referral"] == 1
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    assert peak(padded) < peak(small) + 2_000_000  # 200,000 elements kept would take tens of MB


# Wall clock ----------------------------------------------------------------------------------------------------------


def test_an_import_past_its_wall_clock_is_refused_naming_the_limit(tmp_path):
    write_list(tmp_path / "list3.csv", 3, [REFERRAL])
    with pytest.raises(LimitExceeded, match="lists took longer than 0 seconds to read, the most an import may take"):
        read_input(tmp_path, name="lists", limits=Limits(seconds=0))


def test_the_wall_clock_interrupts_a_running_duckdb_query():
    limits = Limits(seconds=0.5)
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match="took longer than 0.5 seconds"):
        with running(limits, "the test"), connection(limits) as con:
            con.execute("SELECT count(*) FROM range(10000000000) AS a(n) WHERE hash(n) % 7 = 3").fetchall()
    assert time.monotonic() - started < 30


def test_duckdb_holds_at_most_2_gb_and_spills_into_a_private_folder_under_the_var_directory(tmp_path):
    limits = Limits(scratch_dir=tmp_path / "var" / "tmp")
    with connection(limits) as con:
        memory, spill = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchone()
        assert memory == "1.8 GiB"  # 2 GB as DuckDB prints it
        assert Path(spill).parent == tmp_path / "var" / "tmp" and Path(spill).stat().st_mode & 0o777 == 0o700
    assert not Path(spill).exists()
