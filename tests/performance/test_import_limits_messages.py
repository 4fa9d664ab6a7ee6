"""Import messages speak of the user's own file: never where Assure stored it, never Python's
way of printing things. Refused files leave nothing behind; kept ones are private to Assure."""

import dataclasses
import io
import random
import re
import stat
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assure.performance import services
from assure.performance.models import DataVersion, Extract
from assure.performance.services import extract_import

from .annex_a_files import HEADERS
from .cin_files import cin_child, cin_episode, write_census
from .test_import_limits import patched, workbook, zip_of

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
SAMPLE_FILES = sorted(path for path in SAMPLES.rglob("*") if path.is_file() and path.parent != SAMPLES)

# How Python prints objects, paths, bytes and containers: none of it belongs in a message.
PYTHON_LOOK = re.compile(
    r"PosixPath|WindowsPath|<[\w.]+ object at 0x|\w+Error\(|\w+Exception\(|\\x[0-9a-f]{2}|\bb'|[\[{(]'|"
    r"(?<![A-Za-z])'[^']*'(?![A-Za-z])|\w+\(\w+="
)
STORED_NAME = re.compile(r"[0-9a-f]{32}")


def upload(partnership, name: str, data: bytes) -> Extract:
    return extract_import(partnership=partnership, file=SimpleUploadedFile(name, data), original_name=name)


def messages_of(extract: Extract) -> list[str]:
    found = [extract.rejection_reason, *extract.warnings, *extract.notes]
    for error in extract.row_errors:
        found += [error["file"], error["sheet"] or "", error["column"], error["expected"]]
    return [message for message in found if message]


def assert_in_the_users_words(extract: Extract, settings, tmp_path) -> None:
    for message in messages_of(extract):
        assert str(settings.VAR_DIR) not in message and str(tmp_path) not in message, message
        assert not STORED_NAME.search(message), message
        assert not PYTHON_LOOK.search(message), message


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda path: path.name)
def test_every_sample_files_messages_are_in_the_users_words(partnership, settings, tmp_path, path):
    extract = upload(partnership, path.name, path.read_bytes())
    assert messages_of(extract) or extract.status == Extract.Status.IN_USE
    assert_in_the_users_words(extract, settings, tmp_path)
    if extract.status == Extract.Status.REJECTED:
        assert extract.rejection_reason.startswith(path.name)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def refused_files(tmp_path: Path) -> dict[str, tuple[str, bytes, dict]]:
    """(upload name, content, limits changed from the settings' own) for every refusal an import can make."""
    child = cin_child("A", "2010-01-01", cin_episode("2019-05-01"))
    header = ",".join(HEADERS[3]) + "\n"
    referral = "1,,,,,01/06/2019,6,b) No,0,,\n"
    whole = zip_bytes({"list3.csv": random.Random(2).randbytes(5000)})
    far_header = [h for h in HEADERS[3] if h != "Referral NFA?"]
    far_header += [f"Note {n}" for n in range(100 - len(far_header))] + ["Referral NFA?"]
    return {
        "unpacked bytes": ("bomb.zip", zip_bytes({"list3.csv": bytes(40 * 1024 * 1024)}), {}),
        "zip members": ("many.zip", zip_bytes({f"list{n}.csv": b"x\n" for n in range(30)}), {}),
        "password": (
            "secret.zip",
            patched(zip_of(tmp_path / "secret.zip", {"list3.csv": b"a\n"}), flag=1).read_bytes(),
            {},
        ),
        "compression": (
            "method.zip",
            patched(zip_of(tmp_path / "method.zip", {"list3.csv": b"a\n"}), method=9).read_bytes(),
            {},
        ),
        "damaged zip": ("damaged.zip", whole[:200] + bytes(500) + whole[700:], {}),
        "not a zip": ("truncated.zip", whole[:300], {}),
        "damaged workbook": ("broken.xlsx", b"PK\x03\x04" + bytes(200), {}),
        "header cells": ("wide.xlsx", workbook(tmp_path / "wide.xlsx", [], far_header).read_bytes(), {}),
        "rows per list": ("list3.csv", (header + referral * 4).encode(), {"rows_per_list": 3}),
        "rows in all": ("list3.csv", (header + referral * 4).encode(), {"rows_in_all": 3}),
        "wall clock": ("list3.csv", (header + referral).encode(), {"seconds": 0}),
        "census header": (
            "header.xml",
            write_census(tmp_path / "h.xml", "2020-03-31", child, header_extra="<Note/>" * 2000).read_bytes(),
            {},
        ),
        "census child": (
            "child.xml",
            write_census(tmp_path / "c.xml", "2020-03-31", child).read_bytes(),
            {"cin_child_elements": 3},
        ),
        "census rows": (
            "rows.xml",
            write_census(tmp_path / "r.xml", "2020-03-31", child, child).read_bytes(),
            {"rows_per_list": 1},
        ),
        "reference date": ("undated.xml", write_census(tmp_path / "u.xml", None, child).read_bytes(), {}),
        "malformed xml": ("malformed.xml", b"<Message><Header></Message>", {}),
        "entities": (
            "entities.xml",
            b'<!DOCTYPE Message [<!ENTITY e "x">]><Message>&e;</Message>',
            {},
        ),
        "broken quoting": ("quotes.csv", (header + '1,,,,,"01/06/2019,x\n' * 3).encode(), {}),
        "unknown format": ("people.csv", b"name,age\nx,1\n", {}),
    }


def test_every_refusal_names_the_users_file_and_leaves_nothing_behind(partnership, settings, tmp_path, monkeypatch):
    settings.ASSURE_EXTRACT_MAX_BYTES = 10 * 1024 * 1024  # a zip may unpack to 20 MB
    for case, (name, data, changed) in refused_files(tmp_path).items():
        limits = dataclasses.replace(services.import_limits(), **changed)
        monkeypatch.setattr(services, "import_limits", lambda limits=limits: limits)
        extract = upload(partnership, name, data)
        monkeypatch.undo()
        assert extract.status == Extract.Status.REJECTED, case
        assert name in extract.rejection_reason, (case, extract.rejection_reason)
        assert_in_the_users_words(extract, settings, tmp_path)
        assert not any(kept.stored_file for kept in extract.files.all()), case
        leftovers = [path for path in Path(settings.VAR_DIR).rglob("*") if path.is_file() and path.suffix != ".sqlite3"]
        assert leftovers == [], (case, leftovers)
    assert DataVersion.objects.count() == 0


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_kept_files_and_their_folders_are_private_to_assure(partnership, settings):
    data = (SAMPLES / "cin-census" / "CIN_Census_2021.xml").read_bytes()
    extract = upload(partnership, "census.xml", data)
    stored = Path(extract.files.get().stored_file.path)
    assert mode(stored) == 0o600 and mode(stored.parent) == 0o700
    version = DataVersion.objects.get()
    for folder in (services.stored_folder(extract.sources.get().folder), services.version_folder(version)):
        assert mode(folder) == 0o700
        assert {mode(path) for path in folder.iterdir()} == {0o600}
