/* Progressive enhancement only: every page works without JavaScript. */
(function () {
  "use strict";

  // Django's JavaScript catalogue (jsi18n) when it has loaded; English otherwise.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace("%s", values[0]);
  };

  // Screen readers hear how many suggestions appeared.
  function announce(text) {
    var region = document.getElementById("site-search-status");
    if (!region) {
      region = document.createElement("p");
      region.id = "site-search-status";
      region.className = "visually-hidden";
      region.setAttribute("role", "status");
      document.body.appendChild(region);
    }
    region.textContent = text;
  }

  // Search-box autocomplete (WAI-ARIA combobox pattern).
  function setupAutocomplete(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var url = input.dataset.autocompleteUrl;
    if (!list || !url) return;
    var active = -1;
    var timer = null;
    var items = [];

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
      items = [];
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (el, i) { el.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (options[index]) input.setAttribute("aria-activedescendant", options[index].id);
    }

    function choose(index) {
      var item = items[index];
      if (!item) return;
      if (item.url) { window.location.href = item.url; return; }
      input.value = item.text || item.title;
      input.form.submit();
    }

    function render(suggestions) {
      items = suggestions;
      list.innerHTML = "";
      if (!suggestions.length) { close(); announce(gettext("No suggestions")); return; }
      announce(interpolate(
        ngettext("%s suggestion", "%s suggestions", suggestions.length), [suggestions.length]
      ));
      suggestions.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = "site-search-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = s.text || s.title;
        if (s.kind_label) {
          var kind = document.createElement("span");
          kind.className = "autocomplete__kind";
          kind.textContent = s.kind_label;
          li.appendChild(kind);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (data) { if (input.value.trim() === q) render(data.suggestions || []); })
          .catch(close);
      }, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.querySelectorAll("input[data-autocomplete-url]").forEach(setupAutocomplete);

  // Show times in the viewer's own zone beside the event's zone.
  document.querySelectorAll("time[data-local-time]").forEach(function (el) {
    var date = new Date(el.getAttribute("datetime"));
    if (isNaN(date)) return;
    var target = document.getElementById(el.dataset.localTime);
    if (!target) return;
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    target.textContent = date.toLocaleString(document.documentElement.lang || undefined, {
      dateStyle: "medium", timeStyle: "short"
    }) + " (" + zone + ")";
    target.hidden = false;
  });
})();

// Filter forms (library, search): apply a filter as soon as a box is ticked;
// the button stays for keyboard and no-JS use. (Moved from inline scripts so
// the Content-Security-Policy can forbid inline script.)
document.querySelectorAll("form[data-autosubmit] input[type=checkbox]").forEach(function (box) {
  box.addEventListener("change", function () {
    box.form.requestSubmit ? box.form.requestSubmit() : box.form.submit();
  });
});

// Sharing a resource: open the lesson fields when a tacit format is chosen.
(function () {
  var format = document.getElementById("id_format");
  var lesson = document.getElementById("lesson-fields");
  if (!format || !lesson) return;
  format.addEventListener("change", function () {
    if (format.value === "lesson-learned" || format.value === "story") lesson.open = true;
  });
})();
