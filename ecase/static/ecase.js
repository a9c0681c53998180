// Behaviour every page may use, declared in the markup (the Content-Security-Policy
// allows no inline script or event handler):
//   <select data-autosubmit>  submits its form when changed;
//   <a data-back href="…">    goes back in the history (the href is the way without it).
// And ecase.drawJob, shared by the pages that follow a job (upload.js, job.js).
(function () {
  "use strict";
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { if (el.form) { el.form.submit(); } });
  });
  document.querySelectorAll("a[data-back]").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      if (window.history.length > 1) { ev.preventDefault(); window.history.back(); }
    });
  });
})();

// A job's progress as /api/jobs/<id> gives it: the bar's width and one square a page
// (its state as class, what is known of it as title). Returns whether the job has ended.
window.ecase = window.ecase || {};
window.ecase.drawJob = function (data, fill, list) {
  "use strict";
  var j = data.job;
  var names = {pending: "等待", done: "完成", failed: "失败"};
  fill.style.width = (j.total ? Math.round(100 * (j.done + j.failed) / j.total) : 0) + "%";
  list.innerHTML = "";
  data.pages.forEach(function (p) {
    var li = document.createElement("li");
    li.textContent = p.index;
    li.className = p.state + (p.blank ? " blank" : "");
    li.title = "第" + p.index + "页：" + (names[p.state] || p.state) +
      (p.rotation ? "，旋转" + p.rotation + "°" : "") + (p.blank ? "，空白页" : "") + (p.error ? "，" + p.error : "");
    list.appendChild(li);
  });
  return j.state === "done" || j.state === "failed";
};
