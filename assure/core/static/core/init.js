// Loaded as a module from every page: marks the page as scripted (GOV.UK Frontend's
// progressive enhancement hooks) and starts its components. No inline script, so the
// Content-Security-Policy can forbid them.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
