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

  var WIDE = window.matchMedia ? window.matchMedia("(min-width: 50rem)") : { matches: true };

  // Search-box autocomplete: the WAI-ARIA combobox pattern with a listbox popup.
  // Options read "Title, kind"; Escape closes the list and keeps the typed text.
  function setupAutocomplete(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var url = input.dataset.autocompleteUrl;
    if (!list || !url) return;
    var active = -1;
    var timer = null;
    var items = [];
    var prefix = list.id + "-option-";

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
      if (options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
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
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!suggestions.length) { close(); announce(gettext("No suggestions")); return; }
      announce(interpolate(
        ngettext("%s suggestion", "%s suggestions", suggestions.length), [suggestions.length]
      ));
      suggestions.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = prefix + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var title = document.createElement("span");
        title.className = "autocomplete__title";
        title.textContent = s.text || s.title;
        li.appendChild(title);
        if (s.kind_label) {
          var kind = document.createElement("span");
          kind.className = "autocomplete__kind";
          kind.textContent = s.kind_label;
          li.appendChild(kind);
          // Read as "Title, kind" rather than the run-together "Titlekind".
          li.setAttribute("aria-label", title.textContent + ", " + s.kind_label);
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
      if (e.key === "Escape") {
        // A search input clears itself on Escape; keep what was typed.
        if (!list.hidden) { e.preventDefault(); close(); }
        else if (input.value) { e.preventDefault(); }
        return;
      }
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(active + 1 >= items.length ? 0 : active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
      else if (e.key === "Tab") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.querySelectorAll("input[data-autocomplete-url]").forEach(setupAutocomplete);

  // Compact header: a menu button (disclosure) shows the navigation on phones.
  var header = document.querySelector(".site-header");
  var menuButton = header && header.querySelector(".menu-toggle");
  if (menuButton) {
    menuButton.hidden = false;
    header.classList.add("site-header--menu");
    menuButton.addEventListener("click", function () {
      var open = menuButton.getAttribute("aria-expanded") !== "true";
      menuButton.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("site-header--open", open);
    });
    header.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && menuButton.getAttribute("aria-expanded") === "true") {
        menuButton.click();
        menuButton.focus();
      }
    });
  }

  // Filter panels: closed on phones so the results come first, open on wide screens.
  var panels = document.querySelectorAll("details[data-filters-panel]");
  panels.forEach(function (panel) { panel.open = WIDE.matches; });
  if (WIDE.addEventListener) {
    WIDE.addEventListener("change", function () {
      panels.forEach(function (panel) { panel.open = WIDE.matches; });
    });
  }

  // After a filter or sort form reloads the page, focus the results heading and
  // announce the new count in a live region.
  var FOCUS_KEY = "portal:focus-results";
  document.querySelectorAll("form[data-focus-results]").forEach(function (form) {
    form.addEventListener("submit", function () {
      try { window.sessionStorage.setItem(FOCUS_KEY, window.location.pathname); } catch (e) { /* private mode */ }
    });
  });
  var returning = null;
  try {
    returning = window.sessionStorage.getItem(FOCUS_KEY);
    window.sessionStorage.removeItem(FOCUS_KEY);
  } catch (e) { /* private mode */ }
  var resultsHeading = document.getElementById("results-heading");
  if (returning === window.location.pathname && resultsHeading) {
    resultsHeading.focus();
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    document.body.appendChild(status);
    var count = document.querySelector("[data-results-count]") || document.querySelector(".event-results .empty");
    setTimeout(function () { status.textContent = (count || resultsHeading).textContent.trim().replace(/\s+/g, " "); }, 300);
  }

  // Form error summary: move focus to it and say "Error:" in the page title.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    var titlePrefix = summary.dataset.titlePrefix;
    if (titlePrefix && document.title.indexOf(titlePrefix) !== 0) document.title = titlePrefix + " " + document.title;
    summary.focus();
    summary.querySelectorAll("a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (e) {
        var field = document.getElementById(link.getAttribute("href").slice(1));
        if (!field) return;
        e.preventDefault();
        field.focus();
        field.scrollIntoView({ block: "center" });
      });
    });
  }

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

// Sharing a resource: open the lesson fields when a tacit format is chosen.
(function () {
  var format = document.getElementById("id_format");
  var lesson = document.getElementById("lesson-fields");
  if (!format || !lesson) return;
  format.addEventListener("change", function () {
    if (format.value === "lesson-learned" || format.value === "story") lesson.open = true;
  });
})();
