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
  var NAMES = {pending: "等待", done: "完成", failed: "失败"};

  function render(data) {
    var j = data.job;
    var settled = j.done + j.failed;
    fill.style.width = (j.total ? Math.round(100 * settled / j.total) : 0) + "%";
    status.textContent = "状态：" + j.state_name + "，已处理 " + j.done + "/" + j.total + " 页" +
      (j.failed ? "，" + j.failed + " 页失败" : "") + "。";
    list.innerHTML = "";
    data.pages.forEach(function (p) {
      var li = document.createElement("li");
      li.textContent = p.index;
      li.className = p.state + (p.blank ? " blank" : "");
      li.title = "第" + p.index + "页：" + (NAMES[p.state] || p.state) +
        (p.rotation ? "，旋转" + p.rotation + "°" : "") + (p.blank ? "，空白页" : "") + (p.error ? "，" + p.error : "");
      list.appendChild(li);
    });
    return j.state === "done" || j.state === "failed";
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
