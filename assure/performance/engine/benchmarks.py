"""England benchmark series from the DfE's published statistics (Explore Education Statistics
layout, and the LAIT long layout), as records an indicator can be shown against.

Only measures with the same definition as an indicator of indicators.md are mapped; the
rest of each file is left alone. ``time_period`` 2020 is the year ending 31 March 2020.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

_EES_COLUMNS = {
    "referral_count": "referrals",
    "rereferral_percent": "re_referrals_12m_pct",
    "no_further_action_percent": "referrals_nfa_pct",
    "CPP_start": "cpp_started",
    "CPP_subsequent_percent": "cpp_second_or_subsequent_pct",
    "CPP_At31": "cpp_open_at_end",
    "2_years_or_more_percent": "cpp_open_2y_pct",
}
_LOOKED_AFTER = {
    "Children looked after on 31 March each year": {
        "children_count": "cla_at_end",
        "rate_per_10000": "cla_rate_per_10k",
    },
    "Children starting to be looked after each year": {"children_count": "cla_started"},
}
_LAIT = {
    "CPP_Total_NumRef": "referrals",
    "CPP_Total_Rateper10,000": "referral_rate_per_10k",
    "ReReferral": "re_referrals_12m_pct",
    "CIN_Refferals_NFA": "referrals_nfa_pct",
    "Continue_Assess_Comp": "assessments_within_45wd_pct",
    "Section_47": "s47_rate_per_10k",
    "CP_conf_15days": "icpc_within_15wd_pct",
    "CPP_Abuse": "cpp_started",
    "CPP_Num": "cpp_open_at_end",
    "CPP_rate": "cpp_rate_per_10k",
    "PrevRegCPR": "cpp_second_or_subsequent_pct",
    "CPPlans2yrs": "cpp_ended_2y_pct",
    "CPPlans2yrsActive": "cpp_open_2y_pct",
    "LAC": "cla_rate_per_10k",
    "LACnum": "cla_at_end",
    "LACnum_Start": "cla_started",
}
_POLARITY = {"High": "higher is better", "Low": "lower is better"}


@dataclass(frozen=True)
class BenchmarkRecord:
    indicator: str
    time_period: str  # reporting year, "2019-20"
    year_ending: int  # 31 March of this year ends the reporting year
    geographic_level: str
    area: str
    value: float
    source: str
    measure: str
    polarity: str | None = None


def _period(year_ending: int) -> str:
    return f"{year_ending - 1}-{year_ending % 100:02d}"


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "", "c", "x", "z", "low") else None
    except ValueError:
        return None


def read_benchmark_file(path: str | Path) -> list[BenchmarkRecord]:
    """Every mapped figure in one published CSV (EES wide layout or LAIT long layout)."""
    path = Path(path)
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    if rows and "Short Desc" in rows[0]:
        return _lait(rows, path.name)
    records = []
    for row in rows:
        year = int(row["time_period"][:4])
        level = row.get("geographic_level", "")
        area = row.get("la_name") or row.get("region_name") or row.get("country_name") or ""
        columns = _LOOKED_AFTER.get(row.get("population_type", ""), _EES_COLUMNS)
        for column, indicator in columns.items():
            value = _number(row.get(column))
            if value is not None:
                records.append(
                    BenchmarkRecord(
                        indicator, _period(year), year, level, area, value, f"DfE {path.name} (OGL v3)", column
                    )
                )
    return records


def _lait(rows: list[dict], name: str) -> list[BenchmarkRecord]:
    records = []
    for row in rows:
        indicator = _LAIT.get(row["Short Desc"])
        value = _number(row["Values"])
        year = int(row["Years"]) if row["Years"].isdigit() else 0
        if indicator and value is not None and year > 0:
            records.append(
                BenchmarkRecord(
                    indicator,
                    _period(year),
                    year,
                    "National",
                    "England",
                    round(value, 6),
                    f"DfE LAIT {row['Table_status']} (OGL v3)",
                    row["Short Desc"],
                    _POLARITY.get(row["Polarity"]),
                )
            )
    return records


def england_benchmarks() -> list[BenchmarkRecord]:
    """Every mapped England figure shipped with Assure (assure/performance/data/benchmarks)."""
    folder = resources.files("assure.performance") / "data" / "benchmarks"
    records = []
    for entry in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if entry.name.endswith(".csv"):
            with resources.as_file(entry) as path:
                records.extend(read_benchmark_file(path))
    return records
