// The volume viewer: zoom, fit to width, rotate the view, word boxes on/off, search hits
// (marked on the characters themselves, previous/next across pages), thumbnails that
// follow the current page, keyboard paging, job progress; and the print sheets.
(function () {
  "use strict";
  var store = {
    get: function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } }
  };

  // --- print sheets (dossiers/print.html) ---
  var printNow = document.getElementById("print-now");
  if (printNow) {
    printNow.addEventListener("click", function () { window.print(); });
    var imgs = Array.prototype.slice.call(document.querySelectorAll("figure.sheet img"));
    var left = imgs.length;
    var go = function () { if (printNow.hasAttribute("data-autoprint")) { printNow.removeAttribute("data-autoprint"); window.print(); } };
    if (!left) { go(); }
    imgs.forEach(function (img) {
      var done = function () { left -= 1; if (left === 0) { go(); } };
      if (img.complete) { done(); } else { img.addEventListener("load", done); img.addEventListener("error", done); }
    });
  }

  var stage = document.getElementById("stage");
  var canvas = document.getElementById("canvas");

  // --- zoom, fit to width, rotation (the view only: the volume is not changed) ---
  var zoomLabel = document.getElementById("zoom-level");
  var zoom = parseFloat(store.get("ecase.zoom") || "1") || 1;
  var rotation = parseInt(store.get("ecase.rotation") || "0", 10) || 0;
  function applyView() {
    if (!canvas || !stage) { return; }
    zoom = Math.min(4, Math.max(0.25, zoom));
    canvas.style.width = (zoom * 100) + "%";
    canvas.style.maxWidth = zoom === 1 ? "" : "none";
    if (rotation % 180 !== 0) {
      // a quarter turn about the centre would push the page's top off to the left, where
      // nothing scrolls: move it back so the turned page starts at the stage's corner
      var w = canvas.offsetWidth, h = canvas.offsetHeight;
      canvas.style.marginLeft = "0";
      canvas.style.transform = "translate(" + (h - w) / 2 + "px," + (w - h) / 2 + "px) rotate(" + rotation + "deg)";
      stage.style.height = w + "px";
    } else {
      canvas.style.marginLeft = "";
      canvas.style.transform = rotation ? "rotate(" + rotation + "deg)" : "";
      stage.style.height = "";
    }
    if (zoomLabel) { zoomLabel.textContent = Math.round(zoom * 100) + "%"; }
    store.set("ecase.zoom", String(zoom));
    store.set("ecase.rotation", String(rotation));
  }
  function setZoom(how) {
    if (how === "in") { zoom = zoom * 1.25; }
    else if (how === "out") { zoom = zoom / 1.25; }
    else { zoom = 1; }
    applyView();
  }
  function rotate(by) { rotation = (rotation + by + 360) % 360; applyView(); }
  document.querySelectorAll("[data-zoom]").forEach(function (b) {
    b.addEventListener("click", function () { setZoom(b.dataset.zoom); });
  });
  document.querySelectorAll("[data-rotate]").forEach(function (b) {
    b.addEventListener("click", function () { rotate(parseInt(b.dataset.rotate, 10) || 90); });
  });
  var pageImg = document.getElementById("page-img");
  if (pageImg) {
    if (pageImg.complete) { applyView(); } else { pageImg.addEventListener("load", applyView); }
  }
  applyView();

  // --- word boxes ---
  var toggle = document.getElementById("show-words");
  if (toggle && canvas) {
    toggle.checked = store.get("ecase.showWords") === "1";
    canvas.classList.toggle("show-words", toggle.checked);
    toggle.addEventListener("change", function () {
      canvas.classList.toggle("show-words", toggle.checked);
      store.set("ecase.showWords", toggle.checked ? "1" : "0");
    });
  }

  // --- search hits ---
  // A character's share of its OCR box: CJK and full-width characters are square, digits,
  // Latin letters and half-width punctuation about half as wide (an even share per
  // character put the mark half a character off in boxes like "2018年").
  function charWidth(ch) {
    var c = ch.charCodeAt(0);
    if (c <= 0x20) { return 0.3; }
    if (c < 0x1100 || (c >= 0xFF61 && c <= 0xFFDC)) { return 0.5; }
    return 1;
  }
  function fold(text) {
    // full-width letters and digits as ASCII, no white space: the query and the page alike
    return text.replace(/[\uFF01-\uFF5E]/g, function (ch) { return String.fromCharCode(ch.charCodeAt(0) - 0xFEE0); }).replace(/\s+/g, "");
  }
  var overlay = document.getElementById("overlay");
  var hits = [];
  var current = -1;
  var hitCount = document.getElementById("hit-count");
  var bar = document.querySelector(".page-bar");
  var hitPages = (bar && bar.dataset.hitPages) ? bar.dataset.hitPages.split(",").map(Number) : [];
  var position = bar ? parseInt(bar.dataset.position || "0", 10) : 0;
  if (overlay) {
    var query = (overlay.dataset.query || "").replace(/["“”]/g, " ").split(/\s+/)
      .filter(function (t) { return t && ["AND", "OR", "NOT"].indexOf(t) < 0; })
      .map(function (t) { return fold(t.replace(/^[a-z_]+:/, "")); })
      .filter(function (t) { return t.length > 0; })
      .map(function (t) { return {text: t, near: false}; });
    // near matches (one character misread) the server found on this page, marked the same way
    (overlay.dataset.near || "").split(" ").forEach(function (t) {
      t = fold(t);
      if (t) { query.push({text: t, near: true}); }
    });
    if (query.length) {
      var rects = Array.prototype.slice.call(overlay.querySelectorAll("rect.word"));
      var lines = {}, order = [];
      rects.forEach(function (r) {
        if (!lines[r.dataset.line]) { lines[r.dataset.line] = []; order.push(r.dataset.line); }
        lines[r.dataset.line].push(r);
      });
      order.forEach(function (k) {
        var words = lines[k], text = "", owner = [];
        words.forEach(function (r, i) {
          var t = fold(r.dataset.text || "");
          r._chars = t;
          for (var j = 0; j < t.length; j++) { owner.push([i, j]); }
          text += t;
        });
        query.forEach(function (q0) {
          var term = q0.text, from = 0, at;
          while ((at = text.indexOf(term, from)) >= 0) {
            var group = [];
            // one mark per box the term touches, spanning exactly its characters
            var spans = {};
            for (var p = at; p < at + term.length; p++) {
              var o = owner[p];
              var sp = spans[o[0]] || (spans[o[0]] = [o[1], o[1]]);
              sp[1] = o[1];
            }
            Object.keys(spans).forEach(function (i) {
              var r = words[i], chars = r._chars, a = spans[i][0], b = spans[i][1] + 1;
              var total = 0, before = 0, inside = 0;
              for (var q = 0; q < chars.length; q++) {
                var w = charWidth(chars[q]);
                total += w;
                if (q < a) { before += w; } else if (q < b) { inside += w; }
              }
              var x = +r.getAttribute("x"), width = +r.getAttribute("width");
              var mark = document.createElementNS("http://www.w3.org/2000/svg", "rect");
              mark.setAttribute("class", q0.near ? "hit near" : "hit");
              mark.setAttribute("x", x + width * before / total);
              mark.setAttribute("width", width * inside / total);
              mark.setAttribute("y", r.getAttribute("y"));
              mark.setAttribute("height", r.getAttribute("height"));
              overlay.appendChild(mark);
              group.push(mark);
            });
            hits.push(group);
            from = at + term.length;
          }
        });
      });
    }
    var box = overlay.querySelector("rect.field-box");
    if (box && box.scrollIntoView) { box.scrollIntoView({block: "center"}); }
  }
  function showHit(i) {
    if (!hits.length) { return; }
    if (current >= 0) { hits[current].forEach(function (m) { m.classList.remove("current"); }); }
    current = i;
    hits[current].forEach(function (m) { m.classList.add("current"); });
    if (hits[current][0].scrollIntoView) { hits[current][0].scrollIntoView({block: "center", inline: "center"}); }
    if (hitCount) { hitCount.textContent = "本页 " + (current + 1) + "/" + hits.length; }
  }
  function gotoPage(pos, last) {
    var url = new URL(window.location.href);
    url.pathname = url.pathname.replace(/\/pages\/\d+$/, "") + "/pages/" + pos;
    url.searchParams.delete("box");
    if (last) { url.searchParams.set("hit", "-1"); } else { url.searchParams.delete("hit"); }
    window.location.href = url.toString();
  }
  function nextHit(step) {
    var i = current + step;
    if (i >= 0 && i < hits.length) { showHit(i); return; }
    // past this page's hits: the next (or previous) page holding the query
    var pages = hitPages.filter(function (p) { return step > 0 ? p > position : p < position; });
    if (pages.length) { gotoPage(step > 0 ? pages[0] : pages[pages.length - 1], step < 0); }
  }
  if (hitCount && !hits.length) { hitCount.textContent = hitPages.length ? "本页无命中" : "全卷无命中"; }
  if (hits.length) {
    var wanted = new URL(window.location.href).searchParams.get("hit");
    showHit(wanted === "-1" ? hits.length - 1 : 0);
  }
  var prevHit = document.getElementById("prev-hit"), nextHitBtn = document.getElementById("next-hit");
  if (prevHit) { prevHit.addEventListener("click", function () { nextHit(-1); }); }
  if (nextHitBtn) { nextHitBtn.addEventListener("click", function () { nextHit(1); }); }

  // --- the thumbnail strip follows the current page ---
  function followThumb() {
    var thumb = document.querySelector(".thumbs .thumb.current");
    var strip = document.querySelector(".thumbs");
    if (!thumb || !strip) { return; }
    var t = thumb.getBoundingClientRect(), s = strip.getBoundingClientRect();
    if (t.top < s.top || t.bottom > s.bottom || t.left < s.left || t.right > s.right) {
      strip.scrollTop += (t.top - s.top) - (s.height - t.height) / 2;
      strip.scrollLeft += (t.left - s.left) - (s.width - t.width) / 2;
    }
  }
  followThumb();
  window.addEventListener("load", followThumb);

  // --- keyboard ---
  document.addEventListener("keydown", function (e) {
    var tag = e.target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || e.ctrlKey || e.metaKey || e.altKey) { return; }
    var prev = document.getElementById("prev-page"), next = document.getElementById("next-page");
    if (e.key === "ArrowLeft" && prev) { prev.click(); }
    else if (e.key === "ArrowRight" && next) { next.click(); }
    else if (e.key === "+" || e.key === "=") { setZoom("in"); }
    else if (e.key === "-") { setZoom("out"); }
    else if (e.key === "0") { setZoom("fit"); }
    else if (e.key === "r" || e.key === "R") { rotate(90); }
    else if (e.key === "n" && hitCount) { nextHit(1); }
    else if (e.key === "p" && hitCount) { nextHit(-1); }
  });

  // --- job progress ---
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
