"""The structure drawn: groups as boxes in rows, each line running from a group up to a group it reports to.

The picture is an SVG served as a file (the strict content security policy forbids inline styles, so only
presentation attributes are used), and every page showing it lists the same graph in words beside it.
"""

import textwrap
from dataclasses import dataclass
from xml.etree import ElementTree

BOX_WIDTH, BOX_HEIGHT = 190, 54
GAP_X, GAP_Y, MARGIN = 24, 70, 16
LINE_CHARACTERS = 26
TEXT = "#0b0c0c"
PARTNERSHIP_FILL, BOARD_FILL = "#d2e2f1", "#f3f2f1"


@dataclass(frozen=True)
class Node:
    key: int
    name: str
    is_partnership_group: bool


def levels(nodes: list[Node], edges: list[tuple[int, int]]) -> dict[int, int]:
    """Each group's row: 0 for a group reporting to none of those drawn, else one below the lowest it reports to.
    A loop in the reporting lines (a board reporting, through others, to itself) is drawn, not followed round."""
    parents: dict[int, set[int]] = {node.key: set() for node in nodes}
    for child, parent in edges:
        parents[child].add(parent)
    found: dict[int, int] = {}

    def level(key: int, visiting: frozenset[int]) -> int:
        if key in found:
            return found[key]
        above = [level(parent, visiting | {key}) for parent in parents[key] if parent not in visiting | {key}]
        found[key] = 1 + max(above) if above else 0
        return found[key]

    for node in nodes:
        level(node.key, frozenset())
    return found


def draw(nodes: list[Node], edges: list[tuple[int, int]], *, title: str) -> str:
    """The SVG of ``nodes`` and their reporting lines ``edges`` (child, parent)."""
    rows: dict[int, list[Node]] = {}
    row_of = levels(nodes, edges)
    for node in sorted(nodes, key=lambda n: (not n.is_partnership_group, n.name)):
        rows.setdefault(row_of[node.key], []).append(node)
    widest = max((len(row) for row in rows.values()), default=1)
    width = 2 * MARGIN + widest * BOX_WIDTH + (widest - 1) * GAP_X
    height = 2 * MARGIN + len(rows) * BOX_HEIGHT + max(len(rows) - 1, 0) * GAP_Y
    place: dict[int, tuple[float, float]] = {}
    for number, row in sorted(rows.items()):
        row_width = len(row) * BOX_WIDTH + (len(row) - 1) * GAP_X
        left = (width - row_width) / 2
        for index, node in enumerate(row):
            place[node.key] = (left + index * (BOX_WIDTH + GAP_X), MARGIN + number * (BOX_HEIGHT + GAP_Y))

    svg = ElementTree.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {width:g} {height:g}",
            "width": f"{width:g}",
            "height": f"{height:g}",
            "role": "img",
            "font-family": "Arial, sans-serif",
            "font-size": "13",
        },
    )
    ElementTree.SubElement(svg, "title").text = title
    definitions = ElementTree.SubElement(svg, "defs")
    marker = ElementTree.SubElement(
        definitions,
        "marker",
        {
            "id": "arrow",
            "viewBox": "0 0 10 10",
            "refX": "10",
            "refY": "5",
            "markerWidth": "8",
            "markerHeight": "8",
            "orient": "auto",
        },
    )
    ElementTree.SubElement(marker, "path", {"d": "M 0 0 L 10 5 L 0 10 z", "fill": TEXT})
    lines = ElementTree.SubElement(svg, "g", {"stroke": TEXT, "stroke-width": "1.5"})
    for child, parent in edges:
        if child not in place or parent not in place:
            continue
        (cx, cy), (px, py) = place[child], place[parent]
        ElementTree.SubElement(
            lines,
            "line",
            {
                "x1": f"{cx + BOX_WIDTH / 2:g}",
                "y1": f"{cy:g}",
                "x2": f"{px + BOX_WIDTH / 2:g}",
                "y2": f"{py + BOX_HEIGHT:g}",
                "marker-end": "url(#arrow)",
                "data-from": str(child),
                "data-to": str(parent),
            },
        )
    for node in nodes:
        x, y = place[node.key]
        box = ElementTree.SubElement(svg, "g", {"data-group": str(node.key)})
        ElementTree.SubElement(
            box,
            "rect",
            {
                "x": f"{x:g}",
                "y": f"{y:g}",
                "width": str(BOX_WIDTH),
                "height": str(BOX_HEIGHT),
                "rx": "4",
                "fill": PARTNERSHIP_FILL if node.is_partnership_group else BOARD_FILL,
                "stroke": TEXT,
            },
        )
        wrapped = textwrap.wrap(node.name, LINE_CHARACTERS)[:3]
        first = y + BOX_HEIGHT / 2 - (len(wrapped) - 1) * 8 + 4
        for index, text in enumerate(wrapped):
            ElementTree.SubElement(
                box,
                "text",
                {"x": f"{x + BOX_WIDTH / 2:g}", "y": f"{first + index * 16:g}", "text-anchor": "middle", "fill": TEXT},
            ).text = text
    return ElementTree.tostring(svg, encoding="unicode")
