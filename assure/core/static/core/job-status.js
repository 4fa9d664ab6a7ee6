// Follows a job while it runs: reads its status endpoint every few seconds and shows the state, the stage,
// the per cent done and the stages so far. When the job ends it reloads the page, which then shows the result
// or the error. Without JavaScript the page's Refresh link does the same by hand.
const panel = document.querySelector("[data-job-status-url]");

if (panel && panel.dataset.jobFinished !== "true") {
  const every = Number(panel.dataset.jobPollSeconds) * 1000;
  const state = panel.querySelector("[data-job-state]");
  const stage = panel.querySelector("[data-job-stage]");
  const progress = panel.querySelector("[data-job-progress]");
  const stages = panel.querySelector("[data-job-stages]");

  const show = (status) => {
    state.textContent = status.state_label;
    state.className = `govuk-tag govuk-tag--${status.state_colour}`;
    if (stage.textContent !== (status.stage || stage.dataset.jobWaiting)) {
      stage.textContent = status.stage || stage.dataset.jobWaiting;
    }
    progress.hidden = status.progress === null;
    progress.value = status.progress ?? 0;
    progress.textContent = `${status.progress ?? 0}%`;
    stages.replaceChildren(
      ...status.stages.map((text) => {
        const item = document.createElement("li");
        item.textContent = text;
        return item;
      }),
    );
  };

  const poll = async () => {
    try {
      const response = await fetch(panel.dataset.jobStatusUrl, {
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
      if (!response.ok) {
        throw new Error(`status ${response.status}`);
      }
      const status = await response.json();
      if (status.finished) {
        window.location.reload();
        return;
      }
      show(status);
    } catch {
      // A dropped connection or a restart: try again on the next beat; the Refresh link still works.
    }
    window.setTimeout(poll, every);
  };

  window.setTimeout(poll, every);
}
