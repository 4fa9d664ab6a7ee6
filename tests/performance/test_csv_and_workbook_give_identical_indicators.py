"""The same synthetic history as a folder of list CSVs and as a workbook gives the same figures."""

import csv
import datetime as dt
import re
from datetime import date

import openpyxl
import pytest

from assure.performance.engine import compute, read_annex_a
from assure.performance.engine.synth import write_history

DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")


def cell(value: str):
    """Store cells as a spreadsheet would: dates as dates, whole numbers as numbers."""
    if value == "":
        return None
    match = DATE.fullmatch(value)
    if match:
        day, month, year = map(int, match.groups())
        return dt.datetime(year, month, day)
    if value.isdigit():
        return int(value)
    return value


def workbook_from(folder, path):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for number, csv_path in enumerate(sorted(folder.glob("*.csv")), start=1):
        sheet = workbook.create_sheet(f"List_{number}")
        sheet.append([f"List {number}"])  # the template's title row above the headers
        with open(csv_path, newline="", encoding="utf-8") as handle:
            for row_number, row in enumerate(csv.reader(handle)):
                sheet.append(row if row_number == 0 else [cell(value) for value in row])
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    folder = tmp_path_factory.mktemp("history")
    write_history(folder, children=400, seed=11)
    return folder


def test_the_csv_folder_and_the_workbook_give_the_same_document(history, tmp_path):
    workbook = workbook_from(history, tmp_path / "annex-a.xlsx")
    from_csv = read_annex_a(history)
    from_workbook = read_annex_a(workbook)
    assert from_csv.row_counts() == from_workbook.row_counts()
    assert from_csv.row_counts()["referral"] > 300
    for start in (2018, 2019):
        period = {"period_from": date(start, 4, 1), "period_to": date(start + 1, 3, 31), "population": 5000}
        assert compute(from_csv, **period) == compute(from_workbook, **period)


def test_the_same_seed_writes_the_same_files_and_another_seed_does_not(history, tmp_path):
    write_history(tmp_path / "again", children=400, seed=11)
    write_history(tmp_path / "other", children=400, seed=12)
    for csv_path in sorted(history.glob("*.csv")):
        assert (tmp_path / "again" / csv_path.name).read_bytes() == csv_path.read_bytes()
    assert (tmp_path / "other" / "List_3_referrals.csv").read_bytes() != (history / "List_3_referrals.csv").read_bytes()


def test_the_history_writes_one_file_per_list_with_annex_a_headers(history):
    names = sorted(path.name for path in history.glob("*.csv"))
    assert len(names) == 8
    with open(history / "List_8_children_in_care.csv", encoding="utf-8") as handle:
        assert "Date Ceased to be Looked After " in next(csv.reader(handle))
