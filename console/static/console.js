/* The console's only script: live "Gọi cán bộ" calls (a poll of /calls.json every 2 s) and the
   filing help's copy buttons. Plain ES5 so an old station browser runs it. */
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf"]') || {}).content || "";

  function waited(seconds) {
    return Math.floor(seconds / 60) + " phút " + (seconds % 60) + " giây";
  }

  function answerForm(id) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = "/calls/" + id + "/answer";
    var token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrf";
    token.value = csrf;
    var button = document.createElement("button");
    button.type = "submit";
    button.textContent = "Đến ngay";
    form.appendChild(token);
    form.appendChild(button);
    return form;
  }

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function render(calls) {
    var bar = document.getElementById("calls-bar");
    if (bar) {
      bar.textContent = "";
      bar.hidden = calls.length === 0;
      calls.forEach(function (c) {
        var span = document.createElement("span");
        span.className = "call";
        span.setAttribute("data-call", c.id);
        span.textContent = "Gọi cán bộ: ki-ốt " + c.kiosk + " · màn hình " + c.screen + " · đã chờ " + waited(c.waited_seconds);
        span.appendChild(answerForm(c.id));
        bar.appendChild(span);
      });
    }
    var table = document.getElementById("calls");
    if (table) {
      var body = table.tBodies[0];
      body.textContent = "";
      if (calls.length === 0) {
        var empty = body.insertRow();
        var td = cell(empty, "Chưa có ai gọi.");
        td.colSpan = 5;
        td.className = "empty";
      }
      calls.forEach(function (c) {
        var row = body.insertRow();
        row.setAttribute("data-call", c.id);
        cell(row, c.kiosk);
        cell(row, c.screen);
        cell(row, c.called_at);
        cell(row, waited(c.waited_seconds));
        cell(row, "").appendChild(answerForm(c.id));
      });
    }
  }

  function poll() {
    var request = new XMLHttpRequest();
    request.open("GET", "/calls.json");
    request.onload = function () {
      if (request.status === 200) {
        render(JSON.parse(request.responseText).calls);
      }
    };
    request.send();
  }

  if (document.getElementById("calls-bar") || document.getElementById("calls")) {
    poll();
    setInterval(poll, 2000);
  }

  Array.prototype.forEach.call(document.querySelectorAll("button.copy"), function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.getAttribute("data-copy"));
      input.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value);
      } else {
        document.execCommand("copy");
      }
      button.textContent = "Đã chép";
    });
  });
})();
