"""An analyst follows an indicator run on its job page while the heavy queue's worker runs it: the page shows each
stage as it is reached (a static script polling the status endpoint, under the strict CSP), and with JavaScript
off its Refresh link reaches the result.

The worker is django-tasks-db's own, on the database backend, in a thread; it pauses after each stage until the
test lets it go on, so nothing here waits on a clock."""

import queue
import threading

import pytest
from django.db import connection
from playwright.sync_api import expect

from assure.core import jobs
from assure.core.permissions import Role
from assure.performance import services
from tests.browser.conftest import check_accessibility, sign_in
from tests.conftest import PASSWORD
from tests.performance.test_web_extract_upload import annex_a_zip
from tests.task_queues import queue_worker

pytestmark = pytest.mark.browser

CSP_WATCH = (
    "window.cspViolations = [];"
    "document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective));"
)


class StageGate:
    """Wraps ``job_stage``: after each stage is written, the worker waits until the test lets it go on."""

    def __init__(self, job_stage):
        self.job_stage = job_stage
        self.reached: queue.Queue[str] = queue.Queue()
        self.go_on = threading.Semaphore(0)
        self.opened = threading.Event()

    def __call__(self, job, stage, progress=None):
        result = self.job_stage(job, stage, progress)
        if not self.opened.is_set():
            self.reached.put(stage)
            if not self.go_on.acquire(timeout=120):
                raise TimeoutError("the test never let the job go on")
        return result

    def next_stage(self) -> str:
        return self.reached.get(timeout=120)

    def open(self) -> None:
        self.opened.set()
        self.go_on.release()


class WorkerThread(threading.Thread):
    """``assure db_worker --queue-name heavy --batch``, in this process."""

    def __init__(self):
        super().__init__(daemon=True)
        self.error = None

    def run(self):
        try:
            queue_worker("heavy").run()
        except BaseException as error:  # reported by the test, not lost with the thread
            self.error = error
        finally:
            connection.close()


def test_the_job_page_follows_each_stage_and_works_without_javascript(
    transactional_db, browser, page, live_server, database_queues, monkeypatch, make_person, partnership, council
):
    analyst = make_person(Role.ANALYST, council)
    extract = services.extract_import(
        partnership=partnership, file=annex_a_zip(), original_name="annex-a.zip", uploaded_by=analyst
    )
    job = services.indicator_run_start(data_version=extract.staged_version, started_by=analyst)
    job_url = f"{live_server.url}{job.get_absolute_url()}"
    gate = StageGate(jobs.job_stage)
    monkeypatch.setattr(services, "job_stage", gate)

    scripted = browser.new_context()  # no CSP bypass: what a real browser enforces
    scripted.add_init_script(CSP_WATCH)
    refused = []
    following = scripted.new_page()
    following.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(following, live_server.url, analyst.email, PASSWORD)
    following.goto(job_url)
    stage = following.locator("[data-job-stage]")
    expect(stage).to_have_text("Waiting for the worker to start it.")

    worker = WorkerThread()
    worker.start()
    try:
        first = gate.next_stage()
        expect(stage).to_have_text(first, timeout=15_000)
        gate.go_on.release()
        second = gate.next_stage()
        expect(stage).to_have_text(second, timeout=15_000)
        expect(following.locator("[data-job-stages] li")).to_have_text([first, second])
        assert (first, second) == ("Reading the data", "Computing 2019-20 (1 of 9)")

        unscripted = browser.new_context(java_script_enabled=False)
        still = unscripted.new_page()
        sign_in(still, live_server.url, analyst.email, PASSWORD)
        still.goto(job_url)
        expect(still.locator("[data-job-stage]")).to_have_text(second)
        sign_in(page, live_server.url, analyst.email, PASSWORD)
        page.goto(job_url)
        check_accessibility(page, "job-running")
    finally:
        gate.open()
        worker.join(timeout=120)
    assert not worker.is_alive() and worker.error is None

    expect(following.get_by_role("link", name="See the result")).to_be_visible(timeout=15_000)
    assert following.evaluate("window.cspViolations") == [] and refused == []

    still.get_by_role("link", name="Refresh").click()
    still.get_by_role("link", name="See the result").click()
    expect(still.get_by_role("heading", name="Performance dashboard")).to_be_visible()
    scripted.close()
    unscripted.close()
