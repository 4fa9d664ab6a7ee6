"""The structure is drawn as an SVG served as a file, whose lines are the reporting lines, with a text alternative
listing the same graph."""

import re
from datetime import date
from xml.etree import ElementTree

from django.urls import reverse

from assure.governance import selectors
from assure.governance.models import GroupKind

from . import builders

SVG = "{http://www.w3.org/2000/svg}"


def _graph(partnership):
    executive = builders.group(partnership, name="Executive", kind=GroupKind.EXECUTIVE)
    board = builders.group(partnership, name="Exploitation Reduction Board", kind=GroupKind.BOARD)
    together = builders.group(partnership, name="Solihull Together", kind=GroupKind.BOARD)
    delivery = builders.group(partnership, name="Exploitation Reduction Delivery Group")
    panel = builders.group(partnership, name="Standing panel", kind=GroupKind.PANEL, started_on=date(2020, 4, 1))
    builders.group(partnership, name="Child Death Overview Panel", kind=GroupKind.PANEL)
    board.reports_to.set([executive, together])
    delivery.reports_to.set([board])
    panel.reports_to.set([executive])
    return {group.name: group for group in (executive, board, together, delivery, panel)}


def test_the_diagram_s_lines_are_the_year_s_reporting_lines(partnership, admin_client):
    groups = _graph(partnership)
    response = admin_client.get(reverse("governance:structure-diagram") + "?year=2019")
    assert response["Content-Type"] == "image/svg+xml"
    svg = ElementTree.fromstring(response.content)
    names = {
        g.get("data-group"): " ".join(t.text for t in g.iter(f"{SVG}text"))
        for g in svg.iter(f"{SVG}g")
        if g.get("data-group")
    }
    edges = {(names[line.get("data-from")], names[line.get("data-to")]) for line in svg.iter(f"{SVG}line")}
    assert edges == {
        ("Exploitation Reduction Board", "Executive"),
        ("Exploitation Reduction Board", "Solihull Together"),
        ("Exploitation Reduction Delivery Group", "Exploitation Reduction Board"),
    }
    assert "Standing panel" not in names.values()  # it first met in 2020-21
    assert groups["Standing panel"].pk not in {int(key) for key in names}


def test_the_standing_panel_reports_to_the_executive_from_2020_21(partnership):
    _graph(partnership)
    lines = [
        (child.name, parent.name) for child, parent in selectors.reporting_lines(selectors.groups_in(partnership, 2020))
    ]
    assert ("Standing panel", "Executive") in lines


def test_the_diagram_has_no_inline_styles(partnership, admin_client):
    _graph(partnership)
    content = admin_client.get(reverse("governance:structure-diagram")).content.decode()
    assert "style" not in content
    assert "<title>" in content


def test_the_structure_page_lists_the_same_graph_in_words(partnership, admin_client):
    _graph(partnership)
    page = admin_client.get(reverse("governance:structure") + "?year=2019").content.decode()
    listed = re.search(r'id="reporting-lines">(.*?)</ul>', page, re.S).group(1)
    lines = [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in re.findall(r"<li>(.*?)</li>", listed, re.S)]
    assert lines == [
        "Exploitation Reduction Board reports to Executive",
        "Exploitation Reduction Delivery Group reports to Exploitation Reduction Board",
        "Exploitation Reduction Board reports to Solihull Together",
        "Child Death Overview Panel has no reporting line",
    ]
    assert 'alt="Diagram of the partnership' in page
