/* Heading "#" links: following one also copies its address, and says so to screen readers. */
(function () {
  "use strict";
  var status = document.createElement("p");
  status.className = "copy-status";
  status.setAttribute("role", "status");
  document.addEventListener("click", function (event) {
    var anchor = event.target.closest && event.target.closest("a.anchor");
    if (!anchor || !navigator.clipboard) return;
    navigator.clipboard.writeText(anchor.href).then(function () {
      if (!status.isConnected) document.body.appendChild(status);
      var messages = {};
      try { messages = JSON.parse(document.getElementById("talkgen-messages").textContent); } catch (e) { /* default */ }
      status.textContent = messages.link_copied || "\u2713";
      clearTimeout(status.timer);
      status.timer = setTimeout(function () { status.textContent = ""; }, 2500);
    }, function () { /* no clipboard permission: the link still works */ });
  });
})();
