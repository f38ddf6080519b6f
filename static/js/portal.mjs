// Progressive enhancement only: every page works without this script.
import { initAll } from "../govuk/govuk-frontend.min.js";
import { initSessionDialog } from "./session-timeout.mjs";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
initSessionDialog();
