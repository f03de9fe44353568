/* Forums, progressive enhancement: quoting into the reply box on the same page,
   and confirmation before destructive actions. Without JavaScript the quote link
   opens the reply page with the quote filled in. */
(function () {
  "use strict";
  var replyBox = document.querySelector("#reply textarea");
  document.querySelectorAll(".js-quote").forEach(function (link) {
    if (!replyBox) return;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var quote = link.dataset.quote || "";
      var current = replyBox.value;
      replyBox.value = current + (current && !current.endsWith("\n\n") ? "\n\n" : "") + quote;
      var hidden = replyBox.form.querySelector("input[name=quoted_post]");
      var id = (link.getAttribute("href").match(/quote=(\d+)/) || [])[1];
      if (hidden && id && !hidden.value) hidden.value = id;
      replyBox.focus();
      replyBox.setSelectionRange(replyBox.value.length, replyBox.value.length);
      replyBox.scrollIntoView({ block: "center" });
    });
  });
  document.querySelectorAll("form.confirm-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
})();
