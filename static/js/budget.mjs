// Live totals on the budget line form, as the person types. Progressive enhancement only:
// without this script the form works the same and the server works the totals out on save.
//
// All arithmetic is in whole pence with BigInt, never floating point. A percentage line is
// rounded half up to the penny, as schemes/budget.py does, so the figures shown here are the
// ones the server will show after saving.

const NUMBER = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;
const PERCENTAGE_OF_YEAR = "year";
const MAX_AMOUNT = 10_000_000_000n; // £100,000,000.00 in pence

// Read "1250.50", "1,250.50" or "£1,250.50" as pence; anything else (as the server would
// refuse it) gives null.
export function parsePence(text) {
  const match = NUMBER.exec(text.trim().replace(/^£\s*/, ""));
  if (!match || (match[2] ?? "").length > 2) {
    return null;
  }
  const pence = BigInt(match[1].replaceAll(",", "")) * 100n + BigInt((match[2] ?? "").padEnd(2, "0"));
  return pence <= MAX_AMOUNT ? pence : null;
}

// Read a whole number of units, 1 or more.
export function parseQuantity(text) {
  const match = NUMBER.exec(text.trim());
  if (!match || match[2] !== undefined) {
    return null;
  }
  const quantity = BigInt(match[1].replaceAll(",", ""));
  return quantity >= 1n && quantity <= 1_000_000n ? quantity : null;
}

// Read a percentage from 0 to 100 as hundredths of a percent: "12.5" is 1250n.
export function parseHundredths(text) {
  const match = NUMBER.exec(text.trim().replace(/\s*%$/, ""));
  if (!match || match[1].includes(",") || (match[2] ?? "").length > 2) {
    return null;
  }
  const hundredths = BigInt(match[1]) * 100n + BigInt((match[2] ?? "").padEnd(2, "0"));
  return hundredths <= 10_000n ? hundredths : null;
}

// base x percentage / 100, rounded half up to the penny (every figure here is non-negative).
export function percentageOf(basePence, hundredths) {
  return (basePence * hundredths + 5_000n) / 10_000n;
}

// Work out each of one year's lines, as year_totals() in schemes/budget.py does: a percentage
// line takes its share of the year's costed lines (or of one category of them).
export function lineAmounts(lines) {
  const costed = lines.filter((line) => line.pence !== undefined);
  const sum = (some) => some.reduce((total, line) => total + line.pence, 0n);
  const subtotal = sum(costed);
  return lines.map((line) => {
    if (line.hundredths === undefined) {
      return line.pence;
    }
    const base =
      !line.of || line.of === PERCENTAGE_OF_YEAR
        ? subtotal
        : sum(costed.filter((other) => other.category === line.of));
    return percentageOf(base, line.hundredths);
  });
}

export function yearTotal(lines) {
  return lineAmounts(lines).reduce((total, amount) => total + amount, 0n);
}

// Format pence as £1,047,000.00, as format_pounds() in pacesetter/money.py does.
export function formatPounds(pence) {
  const pounds = (pence / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `£${pounds}.${(pence % 100n).toString().padStart(2, "0")}`;
}

function checked(form, name) {
  return form.querySelector(`input[name="${name}"]:checked`)?.value ?? null;
}

function text(form, name) {
  return form.elements.namedItem(name)?.value ?? "";
}

// The line as typed so far, in the shape yearTotal() takes; null if it cannot be costed yet.
function lineBeingTyped(form) {
  const year = Number.parseInt(checked(form, "year") ?? "", 10);
  const category = checked(form, "category");
  const costing = checked(form, "costing");
  if (!year || !costing) {
    return null;
  }
  if (costing === "quantity") {
    const quantity = parseQuantity(text(form, "quantity"));
    const unitCost = parsePence(text(form, "unit_cost"));
    if (quantity === null || unitCost === null || quantity * unitCost > MAX_AMOUNT) {
      return null;
    }
    return { year, category, pence: quantity * unitCost };
  }
  if (costing === "amount") {
    const pence = parsePence(text(form, "amount"));
    return pence === null ? null : { year, category, pence };
  }
  const hundredths = parseHundredths(text(form, "percentage"));
  const of = checked(form, "percentage_of");
  return hundredths === null || !of ? null : { year, category, hundredths, of };
}

function readSavedLines(panel) {
  return JSON.parse(panel.dataset.lines).map((line) => ({
    year: line.year,
    category: line.category,
    ...(line.pence !== undefined ? { pence: BigInt(line.pence) } : {}),
    ...(line.percentage !== undefined ? { hundredths: BigInt(line.percentage), of: line.of } : {}),
  }));
}

function initLiveTotals(panel) {
  const form = panel.closest("form");
  const saved = readSavedLines(panel);
  const yearLabels = JSON.parse(panel.dataset.yearLabels);
  const show = (name, value) => {
    panel.querySelector(`[data-live="${name}"]`).textContent = value;
  };

  const update = () => {
    const line = lineBeingTyped(form);
    const year = line?.year ?? Number.parseInt(checked(form, "year") ?? "1", 10);
    show("year-label", yearLabels[year] ?? "");
    if (line === null) {
      for (const name of ["line", "year", "requested"]) {
        show(name, panel.dataset.incomplete);
      }
      return;
    }
    const lines = [...saved, line];
    const years = [...new Set(lines.map((each) => each.year))];
    const totals = years.map((each) => yearTotal(lines.filter((other) => other.year === each)));
    const sameYear = lines.filter((other) => other.year === year);
    const amount = lineAmounts(sameYear).at(-1);
    show("line", formatPounds(amount));
    show("year", formatPounds(yearTotal(sameYear)));
    show("requested", formatPounds(totals.reduce((sum, each) => sum + each, 0n)));
  };

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  panel.hidden = false;
  update();
}

// Show only the fields of the chosen way of costing. GOV.UK Frontend's radios script would do
// this too, but it sets aria-expanded on the radios, which ARIA does not allow there. Without
// this script every field stays visible and the server ignores the ones not chosen.
function initConditionalRadios(radios) {
  const inputs = radios.querySelectorAll('input[type="radio"][aria-controls]');
  const sync = () => {
    for (const input of inputs) {
      document
        .getElementById(input.getAttribute("aria-controls"))
        ?.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
    }
  };
  radios.addEventListener("change", sync);
  window.addEventListener("pageshow", sync);
  sync();
}

document.querySelectorAll('[data-module="app-conditional-radios"]').forEach(initConditionalRadios);
document.querySelectorAll('[data-module="app-budget-live-totals"]').forEach(initLiveTotals);
