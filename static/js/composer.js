/* The composer, as progressive enhancement of a plain Markdown textarea:
   - a formatting toolbar (one tab stop, arrow keys move inside it; Ctrl/Cmd+B,
     I and K from the text box),
   - a live preview rendered by the server's own Markdown and sanitiser,
   - a draft kept in this browser if the page is left, cleared on submit,
   - @ suggestions by name among the people who may read the discussion, with
     the keyboard model of the search box's combobox.
   Without JavaScript the form posts the same Markdown. */
(function () {
  "use strict";

  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace("%s", values[0]);
  };

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // Made on first use, so a page has no empty status region until there is news.
  function announce(composer, text) {
    var region = composer.querySelector(".composer__status");
    if (!region) {
      region = document.createElement("p");
      region.className = "composer__status visually-hidden";
      region.setAttribute("role", "status");
      composer.appendChild(region);
    }
    region.textContent = text;
  }

  // --- Toolbar -----------------------------------------------------------------

  function wrap(textarea, before, after, placeholder) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    var value = textarea.value;
    var selected = value.slice(start, end) || placeholder;
    textarea.setRangeText(before + selected + after, start, end, "end");
    textarea.setSelectionRange(start + before.length, start + before.length + selected.length);
  }

  function prefixLines(textarea, prefix) {
    var value = textarea.value;
    var start = value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
    var end = textarea.selectionEnd;
    var block = value.slice(start, end) || "";
    var lines = block.split("\n").map(function (line, i) {
      return (typeof prefix === "function" ? prefix(i) : prefix) + line;
    });
    textarea.setRangeText(lines.join("\n"), start, end, "end");
  }

  var ACTIONS = {
    bold: function (t) { wrap(t, "**", "**", gettext("bold text")); },
    italic: function (t) { wrap(t, "*", "*", gettext("italic text")); },
    link: function (t) {
      var start = t.selectionStart, end = t.selectionEnd;
      var text = t.value.slice(start, end) || gettext("link text");
      t.setRangeText("[" + text + "](https://)", start, end, "end");
      var urlStart = start + text.length + 3;
      t.setSelectionRange(urlStart, urlStart + 8);
    },
    quote: function (t) { prefixLines(t, "> "); },
    list: function (t) { prefixLines(t, "- "); },
    code: function (t) {
      var selected = t.value.slice(t.selectionStart, t.selectionEnd);
      if (selected.indexOf("\n") >= 0) wrap(t, "```\n", "\n```", "");
      else wrap(t, "`", "`", gettext("code"));
    }
  };

  function setupToolbar(composer, textarea) {
    var toolbar = composer.querySelector("[role=toolbar]");
    if (!toolbar) return;
    toolbar.hidden = false;
    var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button"));
    buttons.forEach(function (button, i) {
      button.tabIndex = i === 0 ? 0 : -1;
      button.addEventListener("click", function () {
        ACTIONS[button.dataset.action](textarea);
        textarea.focus();
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
    toolbar.addEventListener("keydown", function (e) {
      var index = buttons.indexOf(document.activeElement);
      if (index < 0) return;
      var next = null;
      if (e.key === "ArrowRight" || e.key === "ArrowDown") next = (index + 1) % buttons.length;
      else if (e.key === "ArrowLeft" || e.key === "ArrowUp") next = (index - 1 + buttons.length) % buttons.length;
      else if (e.key === "Home") next = 0;
      else if (e.key === "End") next = buttons.length - 1;
      if (next === null) return;
      // Right-to-left pages move the other way along the row.
      if (document.dir === "rtl" && (e.key === "ArrowRight" || e.key === "ArrowLeft")) {
        next = e.key === "ArrowRight" ? (index - 1 + buttons.length) % buttons.length : (index + 1) % buttons.length;
      }
      e.preventDefault();
      buttons[index].tabIndex = -1;
      buttons[next].tabIndex = 0;
      buttons[next].focus();
    });
    textarea.addEventListener("keydown", function (e) {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      var key = e.key.toLowerCase();
      var action = { b: "bold", i: "italic", k: "link" }[key];
      if (!action) return;
      e.preventDefault();
      ACTIONS[action](textarea);
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  // --- Live preview ------------------------------------------------------------

  function setupPreview(composer, textarea, form) {
    var url = composer.dataset.previewUrl;
    var panel = composer.querySelector(".composer__preview");
    var body = panel && panel.querySelector(".composer__preview-body");
    if (!url || !panel || !body) return;
    panel.hidden = false;
    var timer = null, sent = null;
    function refresh() {
      var text = textarea.value;
      if (text === sent) return;
      sent = text;
      var data = new FormData();
      data.append("body", text);
      fetch(url, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": csrfToken(form), Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (json) {
          if (!json || textarea.value !== text) return;
          // The server's sanitised HTML (forums.markdown): nothing to clean here.
          body.innerHTML = json.html || "";
          panel.classList.toggle("composer__preview--empty", !json.html);
        })
        .catch(function () { sent = null; });
    }
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 350);
    });
    if (textarea.value) refresh();
  }

  // --- Drafts --------------------------------------------------------------------

  function setupDrafts(composer, textarea, form) {
    var key = "composer-draft:" + (composer.dataset.draftKey || form.action);
    var title = form.querySelector("input[name=title]");
    var storage;
    try { storage = window.localStorage; storage.getItem(key); } catch (e) { return; }
    var saved = null;
    try { saved = JSON.parse(storage.getItem(key) || "null"); } catch (e) { saved = null; }
    var original = textarea.value;
    if (saved && saved.body && saved.body !== original && !form.querySelector(".error-summary")) {
      textarea.value = saved.body;
      if (title && saved.title && !title.value) title.value = saved.title;
      var notice = composer.querySelector(".composer__draft");
      if (notice) {
        notice.hidden = false;
        notice.querySelector("button").addEventListener("click", function () {
          textarea.value = original;
          storage.removeItem(key);
          notice.hidden = true;
          textarea.dispatchEvent(new Event("input", { bubbles: true }));
          textarea.focus();
        });
      }
      // Let the preview show the restored text.
      setTimeout(function () { textarea.dispatchEvent(new Event("input", { bubbles: true })); }, 0);
    }
    var timer = null, submitted = false;
    function save() {
      if (submitted) return;
      if (!textarea.value.trim() || textarea.value === original) { storage.removeItem(key); return; }
      storage.setItem(key, JSON.stringify({
        body: textarea.value, title: title ? title.value : "", saved: Date.now()
      }));
    }
    textarea.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(save, 300); });
    if (title) title.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(save, 300); });
    window.addEventListener("pagehide", save);
    form.addEventListener("submit", function () {
      submitted = true;
      clearTimeout(timer);
      storage.removeItem(key);
    });
  }

  // --- @ mentions ----------------------------------------------------------------

  function setupMentions(composer, textarea) {
    var url = composer.dataset.mentionsUrl;
    var list = composer.querySelector(".composer__mentions");
    if (!url || !list) return;
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", list.id);
    var items = [], active = -1, timer = null, token = null;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      textarea.removeAttribute("aria-activedescendant");
      items = []; active = -1; token = null;
    }

    function currentToken() {
      var caret = textarea.selectionStart;
      var before = textarea.value.slice(0, caret);
      // "@Ami" or "@Amina Di": a display name may have one space in it.
      var match = before.match(/(^|[^\w@\/])@([^\s@]{1,40}(?: [^\s@]{1,40})?)$/);
      if (!match) return null;
      var query = match[2];
      return { start: caret - query.length - 1, end: caret, query: query };
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (el, i) { el.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (options[index]) {
        textarea.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }

    function choose(index) {
      var item = items[index];
      if (!item || !token) return;
      var insert = "@" + item.handle + " ";
      textarea.setRangeText(insert, token.start, token.end, "end");
      close();
      announce(composer, interpolate(gettext("%s mentioned"), [item.name]));
      textarea.focus();
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function render(people) {
      items = people;
      list.innerHTML = "";
      active = -1;
      textarea.removeAttribute("aria-activedescendant");
      if (!people.length) {
        var typed = token && token.query;
        close();
        if (typed && typed.indexOf(" ") < 0) announce(composer, gettext("No one found"));
        return;
      }
      people.forEach(function (person, i) {
        var li = document.createElement("li");
        li.id = list.id + "-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "autocomplete__title";
        name.textContent = person.name;
        var handle = document.createElement("span");
        handle.className = "autocomplete__kind";
        handle.textContent = "@" + person.handle;
        li.appendChild(name);
        li.appendChild(handle);
        li.setAttribute("aria-label", person.name + ", @" + person.handle);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = false;
      highlight(0);
      announce(composer, interpolate(
        ngettext("%s person found; arrow keys to choose, Enter to mention",
          "%s people found; arrow keys to choose, Enter to mention", people.length),
        [people.length]
      ));
    }

    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      var found = currentToken();
      if (!found || found.query.length < 1) { close(); return; }
      token = found;
      timer = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(found.query), {
          headers: { Accept: "application/json" }, credentials: "same-origin"
        })
          .then(function (r) { return r.ok ? r.json() : { people: [] }; })
          .then(function (data) {
            var now = currentToken();
            if (now && now.query === found.query) { token = now; render(data.people || []); }
          })
          .catch(close);
      }, 150);
    });
    textarea.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(active + 1 >= items.length ? 0 : active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
      else if ((e.key === "Enter" || e.key === "Tab") && active >= 0) { e.preventDefault(); choose(active); }
      else if (e.key === "Escape") { e.preventDefault(); close(); }
    });
    textarea.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.querySelectorAll("[data-composer]").forEach(function (composer) {
    var textarea = composer.querySelector("textarea");
    var form = composer.closest("form");
    if (!textarea || !form) return;
    setupToolbar(composer, textarea);
    setupPreview(composer, textarea, form);
    setupDrafts(composer, textarea, form);
    setupMentions(composer, textarea);
  });

  // --- Reactions: answer in place, without leaving the page ------------------------

  document.querySelectorAll("form.reaction-form").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      var button = form.querySelector("button[aria-pressed]");
      if (!button || !window.fetch) return;
      e.preventDefault();
      var pressed = button.getAttribute("aria-pressed") === "true";
      var data = new FormData(form);
      data.set("state", pressed ? "off" : "on");
      fetch(form.action, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken(form) }
      })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (json) {
          if (!json) return;
          var kind = form.querySelector("input[name=kind]").value;
          var on = json.mine.indexOf(kind) >= 0;
          button.setAttribute("aria-pressed", on ? "true" : "false");
          form.querySelector("input[name=state]").value = on ? "off" : "on";
          var count = form.querySelector(".reaction__count");
          if (count) count.textContent = json.counts[kind] || 0;
        });
    });
  });
})();
