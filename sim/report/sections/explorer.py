"""The run explorer: a few single runs (the representative run and the outliers) to step through
event by event, with the run's state beside each event.

The runs come from :func:`sim.analysis.runs.choose_runs` (``tradesim report --run ID`` puts run ID
first); only their events and series rows are embedded, as JSON in a ``<script
type="application/json">`` element with ``<``, ``>`` and ``&`` escaped, so no text of a scenario
can close the element. The page's script writes every value with ``textContent``: notes are
shown as text, never parsed as HTML. No network, no library: plain JavaScript.
"""

from __future__ import annotations

import json
from typing import Any

from sim.analysis.runs import choose_runs, of_runs, run_story
from sim.report.page import Page
from sim.report.sections import Report, section

#: Event kinds hidden unless the reader asks for them: licence decisions come by the dozen in a
#: run (about half its events) and their effect shows in the stocks.
HIDDEN_KINDS = ("licence_decided",)

STYLE = """<style>
#explorer .controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0; }
#explorer .controls input[type=range] { flex: 1 1 200px; }
#explorer .panes { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px;
                    align-items: start; }
#explorer table { width: 100%; }
#explorer td { overflow-wrap: anywhere; }
#explorer tr.changed td { background: #fff3c4; }
#explorer select { max-width: 100%; }
</style>"""

HTML = """<div id="explorer">
<div class="controls">
<label for="ex-run">run</label> <select id="ex-run"></select>
<label><input type="checkbox" id="ex-lic"> show licence decisions</label>
</div>
<p class="note" id="ex-run-info"></p>
<div class="controls">
<button type="button" id="ex-prev">&#9664; Prev</button>
<input type="range" id="ex-slider" min="0" max="0" value="0" aria-label="event">
<button type="button" id="ex-next">Next &#9654;</button>
<span id="ex-counter"></span>
</div>
<div class="panes">
<table id="ex-event"><caption>Event</caption><tbody></tbody></table>
<table id="ex-state"><caption id="ex-state-caption">State</caption><tbody></tbody></table>
</div>
</div>"""

SCRIPT = """<script>
(function () {
  const data = JSON.parse(document.getElementById("explorer-data").textContent);
  const $ = (id) => document.getElementById(id);
  const sel = $("ex-run"), lic = $("ex-lic"), slider = $("ex-slider");
  let run = null, shown = [], pos = 0;
  data.runs.forEach((r, i) => {
    const o = document.createElement("option");
    o.value = String(i);
    o.textContent = "run " + r.run + ": " + r.why;
    sel.appendChild(o);
  });
  const day0 = Date.parse(data.start + "T00:00:00Z");
  const date = (t) => new Date(day0 + Math.floor(t) * 86400000).toISOString().slice(0, 10);
  const num = (v) => (v === null || v === undefined) ? "–" : (Math.abs(v) >= 1000 ? Math.round(v).toLocaleString("en")
      : String(Number(v.toPrecision(3))));
  function show(col, v) {
    if (v === null || v === undefined) return "–";
    if (col.startsWith("shortfall_share_")) return (100 * v).toFixed(1) + "%";
    if (col.startsWith("stock_")) return num(v) + " days";
    if (col.startsWith("loss_")) return num(v) + " $bn";
    return num(v);
  }
  function label(col) {
    if (col.startsWith("stock_")) return "stock of " + col.slice(6) + " (days of cover)";
    if (col.startsWith("shortfall_share_")) return "shortfall share of " + col.slice(16);
    if (col.startsWith("loss_")) return "loss so far of " + col.slice(5) + " (discounted)";
    if (col === "hostility") return "hostility index";
    return col.replace(".", " ");
  }
  function row(tbody, key, text, attrs) {
    const tr = document.createElement("tr");
    const th = document.createElement("th"), td = document.createElement("td");
    th.textContent = key; td.textContent = text;
    Object.entries(attrs || {}).forEach(([k, v]) => tr.setAttribute("data-" + k, v));
    tr.append(th, td); tbody.appendChild(tr);
    return tr;
  }
  function stateIndex(t) {
    const ts = run.series.t; let lo = 0, hi = ts.length - 1, at = -1;
    while (lo <= hi) { const m = (lo + hi) >> 1; if (ts[m] <= t) { at = m; lo = m + 1; } else hi = m - 1; }
    return at;
  }
  function pick() {
    run = data.runs[Number(sel.value)];
    const k = run.events.kind;
    shown = [];
    for (let i = 0; i < k.length; i++) if (lic.checked || !data.hidden.includes(k[i])) shown.push(i);
    pos = 0;
    const cut = run.events_total > k.length ? " (its first " + k.length.toLocaleString("en") + " of "
        + run.events_total.toLocaleString("en") + " events are shown)" : "";
    slider.max = String(Math.max(shown.length - 1, 0));
    const s = run.summary;
    $("ex-run-info").textContent = "Run " + run.run + " (" + run.why + "): outcome " + s.outcome
        + (s.deal_day === null ? ", no deal" : ", first deal on day " + num(s.deal_day) + " (" + date(s.deal_day) + ")")
        + "; payoffs " + Object.entries(s.payoffs).map(([a, v]) => a + " " + num(v) + " $bn").join(", ") + cut + ".";
    render();
  }
  function render() {
    const ev = $("ex-event").tBodies[0], st = $("ex-state").tBodies[0];
    ev.replaceChildren(); st.replaceChildren();
    slider.value = String(pos);
    $("ex-prev").disabled = pos <= 0;
    $("ex-next").disabled = pos >= shown.length - 1;
    if (!shown.length) { $("ex-counter").textContent = "no events"; return; }
    $("ex-counter").textContent = "event " + (pos + 1) + " of " + shown.length;
    const i = shown[pos], e = run.events, t = e.t[i];
    row(ev, "day", num(t) + " (" + date(t) + ")", {field: "t", value: t});
    row(ev, "actor", e.actor[i] || "both / none", {field: "actor"});
    row(ev, "kind", e.kind[i], {field: "kind"});
    if (e.instrument[i]) row(ev, "instrument", e.instrument[i], {field: "instrument"});
    if (e.old[i] !== null || e.new[i] !== null) {
      row(ev, "value", num(e.old[i]) + " → " + num(e.new[i]), {field: "value"});
    }
    if (e.note[i]) row(ev, "note", e.note[i], {field: "note"});
    const at = stateIndex(t), before = pos > 0 ? stateIndex(e.t[shown[pos - 1]]) : -1;
    $("ex-state-caption").textContent = at < 0 ? "State: none recorded yet"
        : "State on day " + num(run.series.t[at]) + " (the last series row at or before the event)";
    if (at < 0) return;
    Object.keys(run.series).filter((c) => c !== "t").forEach((c) => {
      const v = run.series[c][at];
      const tr = row(st, label(c), show(c, v), {col: c, value: v === null ? "" : v});
      if (before >= 0 && run.series[c][before] !== v) tr.className = "changed";
    });
  }
  sel.addEventListener("change", pick);
  lic.addEventListener("change", pick);
  slider.addEventListener("input", () => { pos = Number(slider.value); render(); });
  $("ex-prev").addEventListener("click", () => { if (pos > 0) { pos -= 1; render(); } });
  $("ex-next").addEventListener("click", () => { if (pos < shown.length - 1) { pos += 1; render(); } });
  pick();
})();
</script>"""


def script_json(data: Any) -> str:
    """``data`` as JSON safe inside a ``<script>`` element: ``<``, ``>``, ``&`` and the JavaScript
    line separators escaped (``</script>`` or ``<!--`` in a note cannot end the element)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for ch, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(ch, code)
    return text


def explorer_data(report: Report) -> dict[str, Any] | None:
    """The runs to explore and their stories (None where the folder stores no events: a sweep)."""
    summary, events = report.summary, report.events
    if events.empty or summary.empty or "run" not in events:
        return None
    chosen = choose_runs(summary, report.run)
    ids = [r for r, _ in chosen]
    payoffs = [c for c in summary.columns if c.startswith("payoff_")]
    rows = summary.frame(["run", "outcome", "deal_day", *payoffs], filter=summary.field("run").isin(ids))
    rows = rows.set_index("run")
    events, series = of_runs(events, ids), of_runs(report.series, ids)  # one scan each for every chosen run
    runs = []
    for run, why in chosen:
        r = rows.loc[run]
        day = float(r["deal_day"])
        story = run_story(events, series, run)
        runs.append(
            {
                "run": run,
                "why": why,
                "summary": {
                    "outcome": str(r["outcome"]),
                    "deal_day": day if day == day else None,
                    "payoffs": {c[len("payoff_") :]: round(float(r[c]), 3) for c in payoffs},
                },
                **story,
            }
        )
    return {"start": str(report.start), "hidden": list(HIDDEN_KINDS), "runs": runs}


@section("explorer", order=55)
def explorer(page: Page, report: Report) -> None:
    data = explorer_data(report)
    if data is None:
        return
    page.heading(
        "Run explorer",
        "Step through single runs event by event: the representative run (payoffs closest, in standard units, "
        "to the median payoffs), each actor's lowest and highest payoff, the latest deal, a capitulation and a "
        "run without a deal where there are any"
        + (f", and run {report.run}, chosen" if report.run is not None else "")
        + ". Beside each event, the run's state at its time: the last series row at or before it. Rows that "
        "changed since the previous event shown are highlighted.",
    )
    page.parts.append(
        STYLE + HTML + f'<script type="application/json" id="explorer-data">{script_json(data)}</script>' + SCRIPT
    )
