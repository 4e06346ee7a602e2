/* The chat page: plain ES5 (old office browsers too), no build step. */
(function () {
  "use strict";
  var body = document.body;
  var T = JSON.parse(body.getAttribute("data-texts"));
  var csrf = body.getAttribute("data-csrf");
  var seq = 0;
  var shown = {};

  function $(id) { return document.getElementById(id); }

  function request(method, url, data, done, contentType) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    if (method === "POST") { xhr.setRequestHeader("X-CSRF-Token", csrf); }
    if (contentType) { xhr.setRequestHeader("Content-Type", contentType); }
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      var answer = {};
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {}; }
      done(xhr.status, answer);
    };
    xhr.send(data);
  }

  function postJson(url, value, done) {
    request("POST", url, JSON.stringify(value), done || function (status, answer) {
      if (status !== 200) { notify(answer.error || T.failed); }
      if (status === 401) { window.location.reload(); }
    }, "application/json");
  }

  function notify(text) {
    var notice = $("notice");
    notice.textContent = text;
    notice.hidden = false;
    window.clearTimeout(notify.timer);
    notify.timer = window.setTimeout(function () { notice.hidden = true; }, 5000);
  }

  /* --- joining --- */
  function join() {
    $("join").hidden = false;
    $("join-title").textContent = T.join_title;
    $("join-intro").textContent = T.join_intro;
    $("code-label").textContent = T.code;
    $("name-label").textContent = T.name;
    $("join-button").textContent = T.join;
    var match = /[?&]start=([A-Za-z0-9_-]+)/.exec(window.location.search);
    if (match) { $("code").value = match[1]; }
    $("join-form").onsubmit = function (event) {
      event.preventDefault();
      $("join-button").disabled = true;
      postJson("/api/join", { code: $("code").value, name: $("name").value }, function (status, answer) {
        $("join-button").disabled = false;
        if (status === 200) { window.location.replace("/"); return; }
        $("join-error").textContent = answer.error || T.failed;
      });
    };
  }

  /* --- the chat --- */
  function render(message) {
    var item = shown[message.id];
    if (!item) {
      item = document.createElement("li");
      shown[message.id] = item;
      $("messages").appendChild(item);
    }
    item.className = message.bot ? "bot" : "me";
    item.innerHTML = "";
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    if (message.text) { bubble.appendChild(document.createTextNode(message.text)); }
    if (message.file) {
      var href = "/files/" + encodeURIComponent(message.file.id);
      if (message.file.kind === "photo") {
        var picture = document.createElement("img");
        picture.src = href;
        picture.alt = message.file.name;
        bubble.appendChild(picture);
      } else {
        var link = document.createElement("a");
        link.className = "file";
        link.href = href;
        link.setAttribute("download", message.file.name);
        link.textContent = "📄 " + message.file.name + "（" + Math.max(1, Math.round(message.file.size / 1024)) + " KB）";
        if (message.text) { bubble.appendChild(document.createElement("br")); }
        bubble.appendChild(link);
      }
    }
    if (message.edited) {
      var mark = document.createElement("span");
      mark.className = "edited";
      mark.textContent = " · " + T.edited;
      bubble.appendChild(mark);
    }
    item.appendChild(bubble);
    if (message.buttons) {
      var keyboard = document.createElement("div");
      keyboard.className = "buttons";
      for (var r = 0; r < message.buttons.length; r++) {
        var row = document.createElement("div");
        for (var b = 0; b < message.buttons[r].length; b++) {
          row.appendChild(button(message.id, message.buttons[r][b]));
        }
        keyboard.appendChild(row);
      }
      item.appendChild(keyboard);
    }
  }

  function button(messageId, spec) {
    var element = document.createElement("button");
    element.type = "button";
    element.textContent = spec.text;
    if (spec.url) {
      element.onclick = function () { window.open(spec.url, "_blank", "noopener"); };
    } else {
      element.onclick = function () { postJson("/api/tap", { message_id: messageId, data: spec.data }); };
    }
    return element;
  }

  function apply(change) {
    var list = $("messages");
    var atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    for (var i = 0; i < change.messages.length; i++) { render(change.messages[i]); }
    for (var n = 0; n < change.notices.length; n++) { notify(change.notices[n]); }
    if (change.seq > seq) { seq = change.seq; }
    var empty = $("empty");
    if (empty && change.messages.length) { empty.parentNode.removeChild(empty); }
    if (atBottom || change.messages.length) { list.scrollTop = list.scrollHeight; }
  }

  function listen() {
    if (window.EventSource) {
      var source = new EventSource("/api/events?after=" + seq);
      source.onmessage = function (event) { $("status").hidden = true; apply(JSON.parse(event.data)); };
      source.onerror = function () {
        $("status").textContent = T.offline;
        $("status").hidden = false;
        if (source.readyState === 2) { window.setTimeout(listen, 3000); }
      };
      return;
    }
    (function poll() {  /* long polling where there is no EventSource */
      request("GET", "/api/messages?wait=25&after=" + seq, null, function (status, answer) {
        if (status === 200) { apply(answer); window.setTimeout(poll, 0); } else { window.setTimeout(poll, 3000); }
      });
    })();
  }

  function chat() {
    $("chat").hidden = false;
    $("chat-title").textContent = T.join_title;
    $("leave").textContent = T.leave;
    $("upload-label").textContent = T.upload;
    $("send").textContent = T.send;
    $("text").placeholder = T.placeholder;
    $("leave").onclick = function () {
      postJson("/api/leave", {}, function () { window.location.replace("/"); });
    };
    $("compose").onsubmit = function (event) {
      event.preventDefault();
      var text = $("text").value.replace(/^\s+|\s+$/g, "");
      if (!text) { return; }
      postJson("/api/send", { text: text }, function (status, answer) {
        if (status === 200) { $("text").value = ""; } else { notify(answer.error || T.failed); }
      });
    };
    $("text").onkeydown = function (event) {
      if (event.keyCode === 13 && !event.shiftKey) { event.preventDefault(); $("send").click(); }
    };
    $("file").onchange = function () {
      var chosen = $("file").files[0];
      if (!chosen) { return; }
      var form = new FormData();
      form.append("file", chosen, chosen.name);
      $("upload-label").textContent = T.uploading;
      request("POST", "/api/upload", form, function (status, answer) {
        $("upload-label").textContent = T.upload;
        $("file").value = "";
        if (status !== 200) { notify(answer.error || T.failed); }
      });
    };
    request("GET", "/api/messages", null, function (status, answer) {
      if (status === 401) { window.location.reload(); return; }
      if (status === 200) {
        if (!answer.messages.length) {
          var empty = document.createElement("li");
          empty.id = "empty";
          empty.className = "empty";
          empty.textContent = T.empty;
          $("messages").appendChild(empty);
        }
        apply(answer);
      }
      listen();
    });
  }

  if (body.getAttribute("data-view") === "chat") { chat(); } else { join(); }
})();
