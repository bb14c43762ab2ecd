/* The secure network's live parts of the portal, loaded on every page by the unread badge of
 * the main navigation (templates/messages/macros.html).
 *
 * - The unread counts: one EventSource on /api/v1/messages/events (the session cookie
 *   authenticates it) gives the counts per priority now, then again at each delivery, read or
 *   escalation; they fill the badge of the navigation and, on the inbox, the counts per
 *   priority, and a delivery shows the inbox's "new messages, reload" notice.
 * - The compose form: choosing a structured form shows its fields, no request needed.
 *
 * No inline script or style (the CSP forbids them): elements are found by their data-
 * attributes and shown or hidden with the hidden attribute. Without script every page still
 * works: the counts are those of the page's load, and a button shows a form's fields. */
(function () {
  "use strict";

  if (window.bluebridgeMessages) {
    return; // loaded once a page
  }
  window.bluebridgeMessages = true;

  var PRIORITIES = ["routine", "urgent", "immediate"];
  var digits;
  try {
    // Western digits in every language, as the server writes them (babel's for Arabic too).
    digits = new Intl.NumberFormat(document.documentElement.lang || "en", {
      numberingSystem: "latn",
    });
  } catch (error) {
    digits = { format: String };
  }

  function each(selector, action) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), action);
  }

  function showCounts(counts) {
    var total = 0;
    PRIORITIES.forEach(function (priority) {
      var count = Number(counts[priority]) || 0;
      total += count;
      each('[data-unread-count="' + priority + '"]', function (element) {
        element.textContent = digits.format(count);
      });
      each('[data-unread-chip="' + priority + '"]', function (element) {
        element.classList.toggle("has-unread", count > 0);
      });
    });
    each("[data-unread-badge]", function (badge) {
      var number = badge.querySelector("[data-unread-total]");
      if (number) {
        number.textContent = digits.format(total);
      }
      badge.hidden = total === 0;
      badge.classList.toggle("immediate", (Number(counts.immediate) || 0) > 0);
    });
    var last = counts.last;
    if (last && (last.kind === "delivered" || last.kind === "escalated")) {
      each("[data-new-messages]", function (notice) {
        notice.hidden = false;
      });
    }
  }

  function listen() {
    if (!window.EventSource || !document.querySelector("[data-unread-badge]")) {
      return;
    }
    var source = new EventSource("/api/v1/messages/events");
    source.addEventListener("unread", function (event) {
      var counts;
      try {
        counts = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (counts && typeof counts === "object") {
        showCounts(counts);
        // The page is live from now on (what a test, or a style, may wait for).
        document.documentElement.setAttribute("data-messages-live", "on");
      }
    });
    window.addEventListener("pagehide", function () {
      source.close();
    });
  }

  function chooseForm() {
    var select = document.querySelector("[data-form-choice]");
    if (!select) {
      return;
    }
    function show() {
      each("[data-form-fields]", function (fieldset) {
        fieldset.hidden = fieldset.getAttribute("data-form-fields") !== select.value;
      });
    }
    each("[data-without-script]", function (element) {
      element.hidden = true;
    });
    select.addEventListener("change", show);
    show();
  }

  function start() {
    listen();
    chooseForm();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
