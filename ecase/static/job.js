// The job page follows its job while it runs: progress bar, status and each page's state,
// from /api/jobs/<id> every second; once the job has ended the page is loaded again, so what
// depends on the end (the 重新处理 button, the error) is drawn by the server as on any visit.
(function () {
  "use strict";
  var section = document.getElementById("job");
  if (!section) { return; }
  var fill = document.getElementById("bar-fill");
  var status = document.getElementById("status");
  var list = document.getElementById("pages");

  function render(data) {
    var j = data.job;
    var ended = window.ecase.drawJob(data, fill, list);
    status.textContent = "状态：" + j.state_name + "，已处理 " + j.done + "/" + j.total + " 页" +
      (j.failed ? "，" + j.failed + " 页失败" : "") + "。";
    return ended;
  }

  function follow(first) {
    fetch(section.dataset.api, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (data) {
        var ended = render(data);
        if (ended && !first) { window.location.reload(); return; }
        if (!ended) { setTimeout(follow, 1000); }
      })
      .catch(function () { setTimeout(follow, 3000); });
  }

  // a finished job is drawn once (its pages' states); a running one is followed to its end
  follow(section.dataset.finished === "true");
})();
