// The findings list: ticking findings names the unit the 执法建议书 goes to (the unit of
// the ticked findings; one unit only), and 全选 ticks the page's rows.
(function () {
  "use strict";
  var form = document.getElementById("recommend-form");
  if (!form) { return; }
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=finding_id]"));
  var status = document.getElementById("recommend-status");
  var unitEl = document.getElementById("recommend-unit");
  var submit = document.getElementById("recommend-submit");
  var details = document.getElementById("recommend");
  var all = document.getElementById("tick-all");

  function update() {
    var ticked = boxes.filter(function (b) { return b.checked; });
    var units = [];
    ticked.forEach(function (b) {
      var u = b.getAttribute("data-unit") || "（未知单位）";
      if (units.indexOf(u) < 0) { units.push(u); }
    });
    if (!status) { return; }
    status.classList.remove("warn");
    if (ticked.length === 0) {
      status.textContent = "（尚未勾选问题；建议书发给所勾选问题所属的单位）";
      unitEl.textContent = "—";
      submit.disabled = true;
    } else if (units.length > 1) {
      status.textContent = "（已勾选 " + ticked.length + " 个问题，属于 " + units.length + " 个单位：" +
        units.join("、") + "。一份建议书只发给一个单位）";
      status.classList.add("warn");
      unitEl.textContent = units.join("、");
      submit.disabled = true;
    } else {
      status.textContent = "（已勾选 " + ticked.length + " 个问题，致 " + units[0] + "）";
      unitEl.textContent = units[0];
      submit.disabled = false;
      if (details && !details.open) { details.open = true; }
    }
  }
  boxes.forEach(function (b) { b.addEventListener("change", update); });
  if (all) {
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
      update();
    });
  }
  update();
})();
