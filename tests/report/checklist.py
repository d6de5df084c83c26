"""The per-figure checklist, evaluated on the rendered plotly figures of a page in Chromium.

Every figure of a page is written with a contract (``Page.figure(..., checks=...)``, stored in
``layout.meta.checks``): per axis its kind (date, integer, share, number, category, log) and
optional bounds. :func:`check_page` reads each ``.plotly-graph-div`` of a loaded page — the
contract, the axes as plotly laid them out (``gd._fullLayout``), the tick labels and axis titles
as drawn (their SVG boxes), the traces (``gd._fullData``) — and returns one line per violation,
naming the figure by its title:

- the figure has a title and a contract, and every axis it shows is in the contract;
- every shown axis (visible, with tick labels) has a title;
- date axes are of type date, category axes of type category, log axes log, number, integer
  and share axes linear;
- integer axes: every tick drawn is a whole number (its value and its label);
- share axes: the drawn range lies within [−0.05, 1.05];
- the drawn range lies within the contract's ``min``/``max``, give or take
  :data:`PAD` (5%) of the bounds' span (of the drawn span where only one bound is given),
  the padding plotly or a figure adds around its data;
- the tick labels of one axis do not overlap each other, nor do the text labels of the traces
  (boxes may touch: 1 px);
- tick labels, axis titles and text labels lie inside the figure's div (1 px);
- no axis overlays another (no dual axes);
- every visible trace has a hovertemplate, or ``hoverinfo`` ``skip``/``none`` on purpose.

Other pages are checked with one call: ``check_report_file(path)`` (opens the file in
Chromium), or ``check_page(page)`` on a page already loaded.
"""

from __future__ import annotations

from pathlib import Path

#: Padding allowed beyond a contract's bounds, as a share of their span.
PAD = 0.05
#: Share axes may be drawn within [−SHARE_PAD, 1 + SHARE_PAD].
SHARE_PAD = 0.05

_JS = r"""
([PAD, SHARE_PAD]) => {
  const out = [];
  const num = s => Number(String(s).replace(/\u2212/g, '-').replace(/[,\s\u2009%]/g, ''));
  const inside = (r, box) => r.left >= box.left - 1 && r.right <= box.right + 1
                             && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
                            && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const utc = v => Date.parse(String(v).replace(' ', 'T') + (String(v).length <= 10 ? 'T00:00:00Z' : 'Z'));
  const toNum = (ax, v) => ax.type === 'date' ? (typeof v === 'number' ? v : utc(v)) : Number(v);
  document.querySelectorAll('.plotly-graph-div').forEach((gd, i) => {
    const fl = gd._fullLayout;
    if (!fl) { out.push(`figure ${i + 1}: not drawn`); return; }
    const title = (fl.title && fl.title.text) || '';
    const name = title ? `'${title.replace(/<[^>]*>/g, '')}'` : `figure ${i + 1} (${gd.id})`;
    const bad = msg => out.push(`${name}: ${msg}`);
    if (!title.trim()) bad('no title');
    const checks = (gd.layout.meta && gd.layout.meta.checks) || null;
    if (!checks) bad('no checks (Page.figure(..., checks=...))');
    const box = gd.getBoundingClientRect();
    const ids = [...((fl._subplots || {}).xaxis || []), ...((fl._subplots || {}).yaxis || [])];
    for (const id of ids) {
      const key = id[0] + 'axis' + id.slice(1);
      const ax = fl[key];
      if (!ax) continue;
      if (ax.overlaying) bad(`${key} overlays ${ax.overlaying} (a dual axis)`);
      const shown = ax.visible !== false && ax.showticklabels !== false;
      if (!shown) continue;
      const spec = checks ? checks[key] : null;
      if (checks && !spec) bad(`${key} is not in the checks`);
      const own = (gd.layout[key] || {}).title;  // as given: plotly fills in a placeholder
      const axTitle = (typeof own === 'string' ? own : own && own.text) || '';
      if (!axTitle.trim()) bad(`${key} has no title`);
      const texts = [...gd.querySelectorAll(`g.${id}tick text`)].filter(t => t.textContent.trim());
      const rects = texts.map(t => t.getBoundingClientRect());
      for (let a = 0; a < rects.length; a++) {
        for (let b = a + 1; b < rects.length; b++) {
          if (overlap(rects[a], rects[b])) {
            bad(`${key} tick labels overlap ('${texts[a].textContent}', '${texts[b].textContent}')`);
            a = rects.length; break;
          }
        }
      }
      texts.forEach((t, k) => { if (!inside(rects[k], box)) bad(`${key} tick label '${t.textContent}' is cut off`); });
      gd.querySelectorAll(`.g-${id}title text`).forEach(t => {
        if (t.textContent.trim() && !inside(t.getBoundingClientRect(), box)) bad(`${key} title is cut off`);
      });
      if (!spec) continue;
      const kind = spec.kind;
      const want = {date: ['date'], category: ['category', 'multicategory'], log: ['log']}[kind] || ['linear'];
      if (!want.includes(ax.type)) bad(`${key} is ${kind} but of type ${ax.type}`);
      const range = (ax.range || []).map(v => toNum(ax, v));
      if (kind === 'integer') {
        const vals = (ax._vals || []).map(v => v.x);
        const frac = vals.filter(v => Math.abs(v - Math.round(v)) > 1e-9);
        const labels = texts.map(t => t.textContent).filter(s => !Number.isInteger(num(s)));
        if (frac.length || labels.length) bad(`${key} is integer but has ticks ${[...frac, ...labels].join(', ')}`);
      }
      if (kind === 'share') {
        const [r0, r1] = [Math.min(...range), Math.max(...range)];
        if (range.length === 2 && (r0 < -SHARE_PAD - 1e-9 || r1 > 1 + SHARE_PAD + 1e-9)) {
          bad(`${key} is a share but drawn over [${range.map(v => v.toFixed(3)).join(', ')}]`);
        }
        const labels = texts.map(t => t.textContent).filter(s => {
          const v = num(s); return !(Number.isFinite(v) && v >= 0 && v <= (s.includes('%') ? 100 : 1));
        });
        if (labels.length) bad(`${key} is a share but has ticks ${labels.join(', ')}`);
      }
      const has = v => v !== undefined && v !== null;
      if (range.length === 2 && (has(spec.min) || has(spec.max))) {
        const lo = has(spec.min) ? toNum(ax, spec.min) : null, hi = has(spec.max) ? toNum(ax, spec.max) : null;
        const span = lo !== null && hi !== null && hi > lo ? hi - lo : Math.abs(range[1] - range[0]);
        const tol = PAD * span;
        const [r0, r1] = [Math.min(...range), Math.max(...range)];
        if ((lo !== null && r0 < lo - tol) || (hi !== null && r1 > hi + tol)) {
          bad(`${key} drawn over [${ax.range.join(', ')}], outside [${spec.min ?? '−∞'}, ${spec.max ?? '∞'}]`);
        }
      }
    }
    const labels = [...gd.querySelectorAll('.textpoint text')].filter(t => t.textContent.trim());
    const boxes = labels.map(t => t.getBoundingClientRect());
    for (let a = 0; a < boxes.length; a++) {
      if (!inside(boxes[a], box)) bad(`text label '${labels[a].textContent}' is cut off`);
      for (let b = a + 1; b < boxes.length; b++) {
        const pair = `'${labels[a].textContent}', '${labels[b].textContent}'`;
        if (overlap(boxes[a], boxes[b])) bad(`text labels overlap (${pair})`);
      }
    }
    (gd._fullData || []).forEach((t, k) => {
      if (t.visible !== true) return;
      const info = String(t.hoverinfo || '');
      if (!t.hovertemplate && info !== 'skip' && info !== 'none') {
        bad(`trace ${k} (${t.name || t.type}) has no hovertemplate`);
      }
    });
  });
  return out;
}
"""


def check_page(page) -> list[str]:
    """The checklist's violations on every figure of a loaded Playwright ``page`` (none: all is well)."""
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.plotly-graph-div')).every(d => d._fullLayout)", timeout=30_000
    )
    return list(page.evaluate(_JS, [PAD, SHARE_PAD]))


def check_report_file(path: str | Path, width: int = 1280, height: int = 900) -> list[str]:
    """Open an HTML page (a report, a sweep, a comparison, a game page) in Chromium and check its figures."""
    from ..browser import browser_page

    with browser_page(width, height) as page:
        page.goto(Path(path).resolve().as_uri())
        return check_page(page)
