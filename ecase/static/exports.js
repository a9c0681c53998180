// The export page: each unfinished export's row follows its job until it is done.
(function () {
  "use strict";
  document.querySelectorAll("tr.export-job[data-finished='0']").forEach(function (row) {
    var poll = function () {
      fetch(row.dataset.url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (j) {
          row.querySelector(".state").textContent = j.state_name;
          row.querySelector(".message").textContent = j.error || j.message || "";
          if (j.download) {
            var link = document.createElement("a");
            link.href = j.download;
            link.textContent = "下载";
            row.querySelector(".link").replaceChildren(link);
          }
          if (j.state !== "done" && j.state !== "failed") { setTimeout(poll, 1000); }
        });
    };
    poll();
  });
})();
