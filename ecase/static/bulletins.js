// The bulletins page: each bulletin being built shows its step and progress until its PDF
// and workbook can be downloaded.
(function () {
  "use strict";
  document.querySelectorAll("tr.bulletin-job").forEach(function (row) {
    var bar = row.querySelector("progress");
    var poll = function () {
      fetch(row.dataset.url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (j) {
          if (bar) { bar.max = j.total || 4; bar.value = j.done || 0; }
          row.querySelector(".message").textContent = j.error || j.message || j.state_name;
          if (j.pdf) {
            var cell = row.querySelector(".link");
            var pdf = document.createElement("a");
            pdf.href = j.pdf;
            pdf.textContent = "PDF";
            var xlsx = document.createElement("a");
            xlsx.href = j.xlsx;
            xlsx.textContent = "Excel";
            cell.replaceChildren(pdf, document.createTextNode(" · "), xlsx);
          }
          if (j.state !== "done" && j.state !== "failed") { setTimeout(poll, 700); }
        })
        .catch(function () { setTimeout(poll, 3000); });
    };
    if (row.dataset.finished !== "1") { poll(); }
  });
})();
