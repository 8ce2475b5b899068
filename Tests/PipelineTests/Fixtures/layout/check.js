// Layout check for textpipe's report.html, run by ReportLayoutTests in headless Chromium. The test writes a
// host page holding the report in an iframe of the width under test (a headless window cannot be narrower than
// 500 px; an iframe gives the report a true 390-px viewport), with this script; on load it measures the report
// with its collapsible blocks closed (as it opens) and again with every block open, and writes the findings as
// JSON into a pre element (id layout-check) for --dump-dom to print.
function layoutCheck(window, document) {
  function visible(e) { return e.getClientRects().length > 0; }
  function measure() {
    var width = document.documentElement.clientWidth;
    var out = { width: width, scrollWidth: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight,
                overflowing: [], wideTables: [], minChartText: 1e9, comparison: {} };
    document.querySelectorAll('body *').forEach(function (e) {
      if (!visible(e) || e.closest('svg') && e.tagName.toLowerCase() !== 'svg') return;
      var r = e.getBoundingClientRect();
      if (r.right > width + 1 && out.overflowing.length < 10)
        out.overflowing.push(e.tagName + '.' + e.className + ' right=' + Math.round(r.right) + ' ' + (e.textContent || '').slice(0, 60));
    });
    document.querySelectorAll('table').forEach(function (t) {
      if (!visible(t)) return;
      if (t.getBoundingClientRect().width > t.parentElement.clientWidth + 1 && out.wideTables.length < 10)
        out.wideTables.push((t.textContent || '').slice(0, 80));
    });
    document.querySelectorAll('svg text').forEach(function (t) {
      if (!visible(t) || !t.textContent) return;
      var h = t.getBoundingClientRect().height;
      if (h > 0 && h < out.minChartText) out.minChartText = h;
    });
    var heading = document.getElementById('comparison');
    var table = heading; while (table && table.tagName.toLowerCase() !== 'table') table = table.nextElementSibling;
    if (table) table.querySelectorAll('th').forEach(function (th) {
      var r = th.getBoundingClientRect();
      out.comparison[th.textContent] = visible(th) && r.right <= width + 1 && r.left >= -1;
    });
    return out;
  }
  var closed = measure();
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  var open = measure();
  return { closed: closed, open: open };
}
window.addEventListener('load', function () {
  var frame = document.getElementById('report');
  var result;
  try { result = layoutCheck(frame.contentWindow, frame.contentDocument); } catch (e) { result = { error: String(e) }; }
  var pre = document.createElement('pre');
  pre.id = 'layout-check';
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
});
