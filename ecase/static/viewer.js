// The volume viewer: word boxes on/off, search-term highlight, keyboard paging, job progress.
(function () {
  "use strict";
  var canvas = document.getElementById("canvas");
  var toggle = document.getElementById("show-words");
  if (toggle && canvas) {
    toggle.checked = localStorage.getItem("ecase.showWords") === "1";
    canvas.classList.toggle("show-words", toggle.checked);
    toggle.addEventListener("change", function () {
      canvas.classList.toggle("show-words", toggle.checked);
      localStorage.setItem("ecase.showWords", toggle.checked ? "1" : "0");
    });
  }
  var overlay = document.getElementById("overlay");
  if (overlay) {
    // Highlight the words of a search: mark each run of words whose joined text
    // contains a query term (Chinese words span several OCR boxes).
    var query = (overlay.dataset.query || "").replace(/["“”]/g, " ").split(/\s+|AND|OR|NOT/).map(function (t) { return t.replace(/^[a-z_]+:/, ""); }).filter(function (t) { return t.length > 0; });
    if (query.length) {
      var rects = Array.prototype.slice.call(overlay.querySelectorAll("rect.word"));
      var lines = {};
      rects.forEach(function (r) { (lines[r.dataset.line] = lines[r.dataset.line] || []).push(r); });
      Object.keys(lines).forEach(function (k) {
        var words = lines[k], text = "", starts = [];
        words.forEach(function (r) { starts.push(text.length); text += r.dataset.text; });
        query.forEach(function (term) {
          var from = 0, at;
          while ((at = text.indexOf(term, from)) >= 0) {
            words.forEach(function (r, i) {
              // mark only the characters of this box that the term covers, by their share
              // of the box's width (OCR boxes often hold several characters)
              var s = starts[i], len = r.dataset.text.length, e = s + len;
              var a = Math.max(at, s), b = Math.min(at + term.length, e);
              if (b <= a) { return; }
              var x = +r.getAttribute("x"), w = +r.getAttribute("width");
              var mark = document.createElementNS("http://www.w3.org/2000/svg", "rect");
              mark.setAttribute("class", "hit");
              mark.setAttribute("x", x + w * (a - s) / len);
              mark.setAttribute("width", w * (b - a) / len);
              mark.setAttribute("y", r.getAttribute("y"));
              mark.setAttribute("height", r.getAttribute("height"));
              overlay.appendChild(mark);
            });
            from = at + term.length;
          }
        });
      });
      var first = overlay.querySelector("rect.hit");
      if (first && first.scrollIntoView) { first.scrollIntoView({block: "center"}); }
    }
    var box = overlay.querySelector("rect.field-box");
    if (box && box.scrollIntoView) { box.scrollIntoView({block: "center"}); }
  }
  document.addEventListener("keydown", function (e) {
    if (e.target.tagName === "INPUT" || e.target.tagName === "TEXTAREA" || e.target.tagName === "SELECT") { return; }
    var links = document.querySelectorAll(".page-bar a");
    if (e.key === "ArrowLeft" && links.length && links[0].textContent.indexOf("上一页") >= 0) { links[0].click(); }
    if (e.key === "ArrowRight") {
      var last = links[links.length - 1];
      if (last && last.textContent.indexOf("下一页") >= 0) { last.click(); }
    }
  });
  var progress = document.getElementById("job-progress");
  if (progress) {
    var poll = function () {
      fetch(progress.dataset.url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var j = data.job;
          progress.textContent = "正在处理扫描件：" + j.state_name + " " + (j.done + j.failed) + "/" + j.total + " 页";
          if (j.state === "done" || j.state === "failed") { window.location.reload(); }
          else { setTimeout(poll, 1500); }
        })
        .catch(function () { setTimeout(poll, 5000); });
    };
    setTimeout(poll, 1500);
  }
})();
