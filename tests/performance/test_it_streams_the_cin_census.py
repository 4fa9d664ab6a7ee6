"""A CIN census is read child by child, never held whole."""

import re
import tracemalloc
from pathlib import Path
from xml.etree import ElementTree

from assure.performance.engine import read_cin_census

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "samples" / "cin-census" / "CIN_Census_2021.xml"


def census_of(children: int, path: Path) -> Path:
    text = SAMPLE.read_text()
    child = re.search(r"<Child>.*</Child>", text, re.S).group(0)
    body = "".join(child.replace("DfEX0000001", f"DfEX{number:07d}") for number in range(children))
    path.write_text(text.replace(child, body))
    return path


def peak_bytes(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_holds_far_less_than_the_whole_document_tree(tmp_path):
    census = census_of(800, tmp_path / "census.xml")
    result = read_cin_census(census)
    assert result.row_counts()["referral"] == 800
    streamed = peak_bytes(lambda: read_cin_census(census))
    whole_tree = peak_bytes(lambda: ElementTree.parse(census))
    assert streamed < whole_tree / 2
