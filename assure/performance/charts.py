"""Charts as SVG files. Every chart on a page is an <img> with alt text and its data table beside it."""

import io

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot  # noqa: E402  (after choosing the file-only backend)

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "assure",  # the same data draws the same file
        "font.family": "sans-serif",
        "font.size": 11,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)

GOVUK_BLUE = "#1d70b8"
GOVUK_DARK_GREY = "#505a5f"
GOVUK_ORANGE = "#f47738"


def bar_chart(
    *,
    title: str,
    labels: list[str],
    values: list[float | None],
    value_label: str,
    reference: float | None = None,
    reference_label: str = "",
    horizontal: bool = False,
) -> bytes:
    """Bars for ``values`` (None draws no bar), with an optional reference line such as England's figure."""
    height = max(3.0, 0.45 * len(labels) + 1.2) if horizontal else 3.6
    figure, axes = pyplot.subplots(figsize=(7.5, height), dpi=100)
    try:
        positions = range(len(labels))
        drawn = [value if value is not None else 0 for value in values]
        bars = (axes.barh if horizontal else axes.bar)(positions, drawn, color=GOVUK_BLUE)
        for bar, value in zip(bars, values, strict=True):
            if value is None:
                continue
            text = f"{value:,.1f}" if isinstance(value, float) and not value.is_integer() else f"{value:,.0f}"
            if horizontal:
                axes.annotate(
                    text,
                    (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    xytext=(4, 0),
                    textcoords="offset points",
                    va="center",
                )
            else:
                axes.annotate(
                    text,
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    xytext=(0, 3),
                    textcoords="offset points",
                    ha="center",
                )
        if horizontal:
            axes.set_yticks(list(positions), labels)
            axes.invert_yaxis()
            axes.set_xlabel(value_label)
        else:
            axes.set_xticks(list(positions), labels)
            axes.set_ylabel(value_label)
        if reference is not None:
            line = axes.axvline if horizontal else axes.axhline
            line(reference, color=GOVUK_ORANGE, linestyle="--", linewidth=2, label=reference_label)
            axes.legend(loc="lower right" if horizontal else "upper right", frameon=False)
        axes.set_title(title, loc="left", fontsize=12, fontweight="bold")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
        return buffer.getvalue()
    finally:
        pyplot.close(figure)


def trend_chart(*, labels: list[str], values: list[float | None]) -> bytes:
    """A small chart of a figure over the years, drawn beside it in a table; its text alternative gives the values.
    A year with no figure (no data, or hidden as a small number) draws no bar."""
    figure, axes = pyplot.subplots(figsize=(2.4, 1.2), dpi=100)
    try:
        positions = range(len(labels))
        axes.bar(positions, [value or 0 for value in values], color=GOVUK_BLUE, width=0.6)
        axes.set_xticks(list(positions), [label[2:] for label in labels], fontsize=8)
        axes.tick_params(axis="y", labelsize=8)
        axes.spines["left"].set_visible(False)
        axes.set_yticks([])
        for position, value in zip(positions, values, strict=True):
            if value is not None:
                text = f"{value:,.1f}" if not float(value).is_integer() else f"{value:,.0f}"
                axes.annotate(
                    text, (position, value), xytext=(0, 2), textcoords="offset points", ha="center", fontsize=8
                )
        axes.margins(y=0.3)
        figure.tight_layout(pad=0.2)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
        return buffer.getvalue()
    finally:
        pyplot.close(figure)
