"""Benchmark figures are derived records: each upload is the audited record of what it added and changed."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assure.core.models import AuditEntry
from assure.core.permissions import Role
from assure.core.sentences import change_sentence
from assure.performance.models import Benchmark, BenchmarkUpload

HEADER = "indicator_id,geography,period,value,source\n"


def upload(client, name: str, rows: str):
    return client.post(
        reverse("performance:benchmark-upload"), {"file": SimpleUploadedFile(name, (HEADER + rows).encode())}
    )


def test_an_upload_is_recorded_with_every_figure_it_added_or_changed(client, make_person, council):
    analyst = make_person(Role.ANALYST, council, full_name="Ana Lyst")
    client.force_login(analyst)
    upload(client, "west-midlands.csv", "re_referrals_12m_pct,West Midlands,2019-20,23.1,DfE 2020\n")
    response = upload(
        client,
        "west-midlands-revised.csv",
        "re_referrals_12m_pct,West Midlands,2019-20,22.8,DfE 2021\nre_referrals_12m_pct,West Midlands,2020-21,21.5,DfE 2021\n",
    )
    assert response.status_code == 302
    first, second = BenchmarkUpload.objects.order_by("pk")
    assert (second.file_name, second.uploaded_by, second.figure_count) == ("west-midlands-revised.csv", analyst, 2)
    assert second.changed_figures == ["West Midlands re_referrals_12m_pct 2019-20: 23.1 → 22.8 (DfE 2021)"]
    assert second.new_figures == ["West Midlands re_referrals_12m_pct 2020-21: 21.5"]
    assert set(Benchmark.objects.values_list("upload", flat=True)) == {second.pk}

    entry = AuditEntry.objects.get(record_type="performance.BenchmarkUpload", object_id=str(second.pk))
    assert entry.actor == analyst
    assert entry.changes["changed_figures"][1] == second.changed_figures
    assert change_sentence(entry) == "Ana Lyst uploaded 2 benchmark figures from west-midlands-revised.csv"
