// Runs in the report page (inlined, no modules, no network). Reads the chart specs from the JSON
// island and draws each with uPlot. Report strings are only ever set as text (uPlot labels use
// textContent), never as markup. After drawing, each figure carries what it plotted in data-*
// attributes so the browser test can check the budget crossing without reading pixels.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('seep-data').textContent);
  var PALETTE = ['#1f6feb', '#8250df', '#1a7f37', '#bf8700', '#cf222e', '#0a7c86', '#6e7781', '#e16f24', '#a40e26', '#116329'];
  var BAND_FILL = { warmup: 'rgba(84, 174, 255, 0.16)', settle: 'rgba(110, 119, 129, 0.14)' };

  function fmtBytes(v) {
    var a = Math.abs(v);
    if (a >= 1e9) return (v / 1e9).toFixed(2) + ' GB';
    if (a >= 1e6) return (v / 1e6).toFixed(1) + ' MB';
    if (a >= 1e3) return (v / 1e3).toFixed(1) + ' KB';
    return Math.round(v) + ' B';
  }
  function fmtElapsed(ms) {
    var s = ms / 1000;
    if (s < 120) return (Math.round(s * 10) / 10) + 's';
    var m = s / 60;
    if (m < 120) return Math.round(m) + 'm';
    var h = m / 60;
    if (h < 72) return (Math.round(h * 10) / 10) + 'h';
    return (Math.round(h / 2.4) / 10) + 'd';
  }
  function fmtY(unit, v) {
    if (v == null) return '—';
    if (unit === 'bytes') return fmtBytes(v);
    if (unit === 'percent') return (Math.round(v * 10) / 10) + '%';
    if (unit === 'ms') return (Math.round(v * 10) / 10) + ' ms';
    if (unit === 'perSecond') return (Math.round(v * 10) / 10) + '/s';
    return String(Math.round(v * 100) / 100);
  }
  function fmtX(axis, v) {
    if (v == null) return '—';
    return axis === 'time' ? fmtElapsed(v) : String(Math.round(v));
  }

  function drawBands(spec) {
    return function (u) {
      var ctx = u.ctx;
      var top = u.bbox.top;
      var height = u.bbox.height;
      for (var i = 0; i < spec.bands.length; i++) {
        var b = spec.bands[i];
        var x0 = u.valToPos(b.from, 'x', true);
        var x1 = u.valToPos(b.to, 'x', true);
        ctx.fillStyle = BAND_FILL[b.phase] || BAND_FILL.settle;
        ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
      }
      // recycled workers and retried requests: a tick from the top, a retry's longer
      var marks = spec.marks || [];
      for (var m = 0; m < marks.length; m++) {
        var mx = u.valToPos(marks[m].x, 'x', true);
        ctx.fillStyle = '#8250df';
        ctx.fillRect(mx, top, 2, marks[m].kind === 'retry' ? height : Math.min(height, 24));
      }
    };
  }

  // each kind of level its own look (chartModel.ts, limitLines.ts): a budget, a default check's
  // baseline level, an alert level, the baseline; the legend names each line
  var LINE_STROKE = { budget: '#cf222e', leak: '#cf222e', alert: '#8250df', baseline: '#6e7781' };
  var LINE_DASH = { budget: [], leak: [2, 3], alert: [], baseline: [6, 4] };

  function buildPlot(spec, el) {
    var x = spec.x;
    var columns = [x];
    var series = [{ label: spec.axis === 'time' ? 'elapsed' : 'iteration', value: function (u, v) { return fmtX(spec.axis, v); } }];
    spec.series.forEach(function (s, i) {
      columns.push(s.values);
      series.push({ label: s.label, stroke: PALETTE[i % PALETTE.length], width: i === 0 ? 2 : 1.25, spanGaps: false, value: function (u, v) { return fmtY(spec.unit, v); } });
    });
    spec.lines.forEach(function (line) {
      columns.push(x.map(function () { return line.value; }));
      series.push({
        label: line.label, stroke: LINE_STROKE[line.kind], width: line.kind === 'baseline' ? 1 : 2,
        dash: LINE_DASH[line.kind], points: { show: false }, value: function (u, v) { return fmtY(spec.unit, v); },
      });
    });
    if (spec.trend) {
      var t = spec.trend;
      var span = t.x1 - t.x0;
      columns.push(x.map(function (xv) {
        if (xv < t.x0 || xv > t.x1) return null;
        return span === 0 ? t.y0 : t.y0 + ((xv - t.x0) * (t.y1 - t.y0)) / span;
      }));
      series.push({ label: 'trend', stroke: '#e16f24', width: 2, dash: [10, 5], spanGaps: true, points: { show: false }, value: function (u, v) { return fmtY(spec.unit, v); } });
    }
    var width = Math.max(320, el.clientWidth || 560);
    var opts = {
      width: width,
      height: 240,
      scales: { x: { time: false } },
      series: series,
      axes: [
        { values: function (u, vals) { return vals.map(function (v) { return fmtX(spec.axis, v); }); } },
        { size: 72, values: function (u, vals) { return vals.map(function (v) { return fmtY(spec.unit, v); }); } },
      ],
      hooks: { drawClear: [drawBands(spec)] },
    };
    var plot = new uPlot(opts, columns, el);

    var plottedMax = null;
    var seriesMax = [];
    for (var s = 1; s <= spec.series.length; s++) {
      var col = plot.data[s];
      var own = null;
      for (var i = 0; i < col.length; i++) if (col[i] != null && (own === null || col[i] > own)) own = col[i];
      seriesMax.push(own);
      if (own !== null && (plottedMax === null || own > plottedMax)) plottedMax = own;
    }
    var budgets = spec.lines.filter(function (l) { return l.kind === 'budget'; }).map(function (l) { return l.value; });
    var fig = el.parentNode;
    fig.dataset.rendered = 'true';
    fig.dataset.seriesCount = String(plot.series.length);
    fig.dataset.points = String(x.length);
    if (plottedMax !== null) fig.dataset.plottedMax = String(plottedMax);
    fig.dataset.seriesMax = JSON.stringify(seriesMax);
    if (budgets.length) fig.dataset.budget = String(Math.min.apply(null, budgets));
    return plot;
  }

  var plots = [];
  data.charts.forEach(function (spec) {
    var fig = document.querySelector('figure[data-chart-id="' + spec.id + '"]');
    if (!fig) throw new Error('no figure for chart ' + spec.id);
    var el = fig.querySelector('.plot');
    try {
      plots.push({ fig: fig, plot: buildPlot(spec, el) });
    } catch (err) {
      // Show it where the chart should be, then rethrow on its own tick so the remaining charts
      // still draw and the error still reaches the console (and the browser test's pageerror).
      el.textContent = 'chart failed: ' + (err && err.message ? err.message : String(err));
      fig.dataset.rendered = 'error';
      setTimeout(function () { throw err; });
    }
  });
  window.addEventListener('resize', function () {
    plots.forEach(function (p) { p.plot.setSize({ width: Math.max(320, p.fig.querySelector('.plot').clientWidth || 560), height: 240 }); });
  });
  document.body.dataset.chartsDrawn = String(plots.length);
  // ms from navigation start to the last chart drawn: what the bench reports as render time
  document.body.dataset.chartsDrawnMs = String(Math.round(performance.now()));
})();
