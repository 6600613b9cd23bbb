/* Badge designer: small conveniences on top of a form that works without them.
   - a link to a framework: typing a ROME, RNCP, RS code or an ESCO address recognises the
     framework and writes the official address (the server does the same when saving);
   - "Add another link" adds a row in place (without JavaScript, "Save and add another link"
     saves and comes back with a new blank row);
   - choosing the badge's language updates the translation's title and language. */
(function () {
  "use strict";

  var ROME = /^[A-N]\d{4}$/;
  var ROME_LOOSE = /^[A-Z]\d{4}$/;
  var ESCO = /^https?:\/\/data\.europa\.eu\/esco\/(skill|occupation)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

  function compact(value) {
    return value.replace(/\s+/g, "").toUpperCase();
  }

  function esco(value) {
    var text = value.trim();
    var match = ESCO.exec(text);
    if (!match && /esco/i.test(text) && text.indexOf("uri=") !== -1) {
      try {
        var uri = new URL(text).searchParams.get("uri");
        match = uri ? ESCO.exec(uri.trim()) : null;
      } catch (error) {
        match = null;
      }
    }
    return match ? { kind: match[1].toLowerCase(), id: match[2].toLowerCase() } : null;
  }

  function detect(code) {
    var value = compact(code);
    if (esco(code)) return "ESCO";
    if (/^RNCP\d+$/.test(value)) return "RNCP";
    if (/^RS\d+$/.test(value)) return "RS";
    if (ROME_LOOSE.test(value)) return "ROME";
    return "";
  }

  function officialUrl(kind, code) {
    var value = compact(code);
    var match;
    if (kind === "ROME" && ROME.test(value)) {
      return "https://candidat.francetravail.fr/metierscope/fiche-metier/" + value;
    }
    if (kind === "RNCP" && (match = /^(?:RNCP)?(\d{1,6})$/.exec(value))) {
      return "https://www.francecompetences.fr/recherche/rncp/" + match[1] + "/";
    }
    if (kind === "RS" && (match = /^(?:RS)?(\d{1,6})$/.exec(value))) {
      return "https://www.francecompetences.fr/recherche/rs/" + match[1] + "/";
    }
    if (kind === "ESCO" && (match = esco(code))) {
      return "http://data.europa.eu/esco/" + match.kind + "/" + match.id;
    }
    return "";
  }

  function field(row, name) {
    return row.querySelector('[name$="-' + name + '"]');
  }

  function setUpRow(row) {
    var kind = field(row, "kind");
    var code = field(row, "code");
    var url = field(row, "url");
    var framework = field(row, "framework");
    if (!kind || !code || !url) return;
    var frameworkBox = framework ? framework.closest(".field") : null;

    function update(fromCode) {
      if (fromCode && !kind.value) {
        var found = detect(code.value);
        if (found) kind.value = found;
      }
      var helped = kind.value && kind.value !== "other";
      url.readOnly = Boolean(helped);
      if (helped) {
        var built = officialUrl(kind.value, code.value);
        url.value = built || (code.value.trim() ? url.value : "");
      }
      if (frameworkBox) frameworkBox.hidden = Boolean(helped);
    }

    code.addEventListener("input", function () { update(true); });
    kind.addEventListener("change", function () { update(false); });
    update(false);
  }

  function setUpRows() {
    var rows = document.querySelector("[data-alignment-rows]");
    var template = document.querySelector("template[data-alignment-template]");
    var button = document.querySelector("[data-add-alignment]");
    if (!rows) return;
    rows.querySelectorAll("[data-alignment-row]").forEach(setUpRow);
    if (!template || !button) return;
    var prefix = rows.getAttribute("data-prefix");
    var max = parseInt(rows.getAttribute("data-max"), 10);
    var total = document.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    if (!total) return;
    // Rows are added in place: the no-JavaScript way ("save, then a new blank row") goes.
    var saveAndAdd = document.querySelector("[data-save-and-add]");
    if (saveAndAdd) saveAndAdd.hidden = true;
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (index >= max) return;
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var row = rows.lastElementChild;
      setUpRow(row);
      var first = row.querySelector("select, input");
      if (first) first.focus();
      if (index + 1 >= max) button.hidden = true;
    });
  }

  function setUpLanguage() {
    var select = document.getElementById("id_language");
    var details = document.querySelector("[data-translation]");
    if (!select || !details) return;
    select.addEventListener("change", function () {
      var other = "";
      Array.prototype.forEach.call(select.options, function (option) {
        if (!other && option.value !== select.value) other = option.value;
      });
      if (!other) return;
      var title = details.getAttribute("data-title-" + other);
      var summary = details.querySelector("[data-translation-title]");
      if (title && summary) summary.textContent = title;
      details.querySelectorAll('[name^="translation_"], [data-translation-lang]').forEach(
        function (element) { element.setAttribute("lang", other); }
      );
    });
  }

  function start() {
    setUpRows();
    setUpLanguage();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
