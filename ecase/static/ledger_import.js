// A ledger import's page: progress until the run ends, then the page again with its report.
(function () {
  "use strict";
  var sec = document.getElementById("progress");
  if (!sec || sec.dataset.state === "done" || sec.dataset.state === "failed") { return; }
  function poll() {
    fetch(sec.dataset.url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (run) {
        if (run.state === "done" || run.state === "failed") { location.reload(); return; }
        var p = run.progress || {};
        document.getElementById("status").textContent = "导入中：" + (p.file || "") + " 已读 " + (p.rows || 0) + " 行";
        if (p.fraction != null) { document.getElementById("bar-fill").style.width = Math.round(p.fraction * 100) + "%"; }
        setTimeout(poll, 1000);
      });
  }
  poll();
})();
