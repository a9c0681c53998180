// The upload page: drag a file in, send it with progress, then follow the job page by page.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var drop = document.getElementById("drop");
  var input = document.getElementById("file");
  var chosen = document.getElementById("chosen");
  var section = document.getElementById("progress");
  var status = document.getElementById("status");
  var fill = document.getElementById("bar-fill");
  var list = document.getElementById("pages");
  var doneLink = document.getElementById("done-link");
  var submit = document.getElementById("submit");

  function show(file) { chosen.textContent = file ? file.name + "（" + (file.size / 1048576).toFixed(1) + " MB）" : ""; }
  input.addEventListener("change", function () { show(input.files[0]); });
  ["dragenter", "dragover"].forEach(function (ev) {
    drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (ev) {
    drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (e) {
    if (e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(input.files[0]); }
  });

  var jobLink = document.getElementById("job-link");

  function render(data) {
    var j = data.job;
    if (jobLink && j.page_url) { jobLink.querySelector("a").href = j.page_url; jobLink.hidden = false; }
    var ended = window.ecase.drawJob(data, fill, list);
    status.textContent = j.state_name + "：" + (j.done + j.failed) + " / " + j.total + " 页" +
      (j.failed ? "，" + j.failed + " 页失败" : "") + (j.error ? "。" + j.error : "");
    if (ended) {
      doneLink.hidden = j.state !== "done";
      doneLink.querySelector("a").href = j.volume_url;
      submit.disabled = false;
      return true;
    }
    return false;
  }

  function follow(url) {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) { if (!render(data)) { setTimeout(function () { follow(url); }, 1000); } })
      .catch(function () { setTimeout(function () { follow(url); }, 3000); });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (!input.files.length) { return; }
    section.hidden = false;
    doneLink.hidden = true;
    if (jobLink) { jobLink.hidden = true; }
    submit.disabled = true;
    list.innerHTML = "";
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    var token = form.querySelector("input[name=csrf_token]");
    if (token) { xhr.setRequestHeader("X-CSRFToken", token.value); }
    xhr.upload.onprogress = function (ev) {
      if (ev.lengthComputable) {
        fill.style.width = Math.round(100 * ev.loaded / ev.total) + "%";
        status.textContent = "正在上传：" + Math.round(100 * ev.loaded / ev.total) + "%";
      }
    };
    xhr.onload = function () {
      var data;
      try { data = JSON.parse(xhr.responseText); } catch (err) { data = null; }
      if (xhr.status === 202 && data) {
        status.textContent = "已接收，开始处理……";
        fill.style.width = "0";
        follow(xhr.getResponseHeader("Location"));
      } else {
        status.textContent = "上传失败：" + (data && data.error ? data.error.message : ("HTTP " + xhr.status));
        submit.disabled = false;
      }
    };
    xhr.onerror = function () { status.textContent = "网络错误，文件未上传。"; submit.disabled = false; };
    xhr.send(new FormData(form));
  });
})();
