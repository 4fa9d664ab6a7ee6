"""The demo partnership's performance data: a calibrated synthetic Annex A history whose
2017-18 to 2019-20 figures reproduce Appendix 3 of the 2019-20 annual report, England
benchmarks, and agencies' quarterly returns (GCP2 use from section 3.2)."""

import io
import tempfile
import zipfile
from datetime import date
from pathlib import Path

from django.core.management import call_command

from assure.core.models import Agency

from .engine.synth import demo_history
from .models import AggregateDataset, AggregateMeasure, AggregateReturn, Benchmark, Extract, IndicatorTarget
from .services import (
    aggregate_return_accept,
    aggregate_return_save,
    aggregate_return_submit,
    extract_import,
    run_publish,
)

DEMO_EXTRACT_NAME = "solihull-annex-a-2015-2020-demo.zip"
DEMO_UPLOADED_ON = date(2020, 5, 11)
DEMO_PUBLISHED_ON = date(2020, 5, 12)

GCP2 = (
    "gcp2",
    "Graded Care Profile 2 use",
    "Quarterly return on the neglect assessment tool (section 3.2 of the 2019-20 report).",
    [
        ("people_trained", "Total people trained in GCP2 to date"),
        ("practitioners_using", "Practitioners who used the tool this quarter"),
        ("families", "Families it was used with"),
        ("children", "Children it was used with"),
    ],
)
GCP2_2019 = {1: (168, 7, 7, 24), 2: (168, 5, 7, 20), 3: (177, 5, 7, 20), 4: (193, 2, 2, 4)}

EXPLOITATION = (
    "exploitation",
    "Exploitation",
    "Demo figures: the report says this data set was not yet agreed in 2019-20.",
    [
        ("children_at_risk", "Children assessed as at risk of exploitation"),
        ("nrm_referrals", "National Referral Mechanism referrals"),
        ("missing_episodes", "Missing episodes of children"),
        ("return_interviews", "Return home interviews completed"),
    ],
)
EXPLOITATION_2019 = {
    "West Midlands Police": {1: (0, 3, 61, 0), 2: (0, 2, 58, 0), 3: (0, 4, 66, 0), 4: (0, 1, 49, 0)},
    "Solihull Metropolitan Borough Council": {
        1: (38, 2, 0, 41),
        2: (41, 1, 0, 39),
        3: (44, 3, 0, 47),
        4: (40, 2, 0, 35),
    },
}

TARGETS_2019 = {
    "re_referrals_12m_pct": 22.0,
    "assessments_within_45wd_pct": 85.0,
    "icpc_within_15wd_pct": 85.0,
    "cpp_repeat_within_2y_pct": 10.0,
    "cpp_open_18m_pct": 5.0,
}


def _dataset(partnership, definition, agency_names):
    code, name, description, measures = definition
    dataset, _ = AggregateDataset.objects.get_or_create(
        partnership=partnership, code=code, defaults={"name": name, "description": description}
    )
    dataset.agencies.set(Agency.objects.filter(partnership=partnership, name__in=agency_names))
    for order, (measure_code, label) in enumerate(measures):
        AggregateMeasure.objects.get_or_create(
            dataset=dataset, code=measure_code, defaults={"label": label, "order": order}
        )
    return dataset


def _accepted_return(dataset, agency, start_year, quarter, figures):
    aggregate_return, created = AggregateReturn.objects.get_or_create(
        dataset=dataset, agency=agency, start_year=start_year, quarter=quarter
    )
    if created:
        codes = [m.code for m in dataset.measures.all()]
        aggregate_return_save(aggregate_return=aggregate_return, values=dict(zip(codes, figures, strict=True)), by=None)
        aggregate_return_submit(aggregate_return=aggregate_return, by=None)
        aggregate_return_accept(aggregate_return=aggregate_return, by=None)


def load_for(partnership) -> None:
    if not Benchmark.objects.exists():
        call_command("load_benchmarks", stdout=io.StringIO())
    for indicator_id, target in TARGETS_2019.items():
        IndicatorTarget.objects.get_or_create(
            partnership=partnership, indicator_id=indicator_id, start_year=2019, defaults={"target": target}
        )
    council = Agency.objects.get(partnership=partnership, name="Solihull Metropolitan Borough Council")
    gcp2 = _dataset(partnership, GCP2, [council.name])
    for quarter, figures in GCP2_2019.items():
        _accepted_return(gcp2, council, 2019, quarter, figures)
    exploitation = _dataset(partnership, EXPLOITATION, list(EXPLOITATION_2019))
    for agency_name, quarters in EXPLOITATION_2019.items():
        agency = Agency.objects.get(partnership=partnership, name=agency_name)
        for quarter, figures in quarters.items():
            _accepted_return(exploitation, agency, 2019, quarter, figures)
    if not Extract.objects.filter(partnership=partnership, original_name=DEMO_EXTRACT_NAME).exists():
        with tempfile.TemporaryDirectory() as folder:
            demo_history(Path(folder))
            archive = io.BytesIO()
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
                for csv_file in sorted(Path(folder).glob("*.csv")):
                    zipped.write(csv_file, csv_file.name)
            archive.seek(0)
            extract = extract_import(
                partnership=partnership, file=archive, original_name=DEMO_EXTRACT_NAME, today=DEMO_UPLOADED_ON
            )
        # The figures everyone sees are the published ones: the analyst published these on the demo's date.
        run_publish(run=extract.staged_version.runs.get(), today=DEMO_PUBLISHED_ON)
