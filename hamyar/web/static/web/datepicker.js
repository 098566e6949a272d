/* The Jalali date picker on every date box (input[data-jdp]), made usable by keyboard.
 *
 * The calendar is @majidh1/jalalidatepicker (vendor/jalalidatepicker). It listens for focus on the
 * whole body, so boxes that HTMX swaps in are served without being set up again; htmx:load only adds
 * their ARIA attributes. What the package lacks is added here, and nothing else:
 *   - keys: in the box, ArrowDown (or Alt+ArrowDown) moves into the calendar and Escape closes it while
 *     the box keeps the focus; on a day, the arrows move by a day (right-to-left: ArrowLeft is the next
 *     day) or a week, PageUp/PageDown by a month (with Shift by a year), Home/End to the week's ends,
 *     Enter or Space picks the day and Escape closes; focus then returns to the box.
 *   - ARIA: the box is a combobox that opens a labelled dialog, each day a button named with its
 *     whole date.
 *   - Persian digits: the package reads and writes Latin digits only. It is shown a Latin view of the
 *     box while it reads it, and what it writes is put back in the page's digits.
 *   - typing is never blocked (the package would make the box read-only on phones).
 * The words come from the page (json_script "jdp-text", rendered through gettext).
 */
(function () {
  "use strict";
  var picker = window.jalaliDatepicker;
  if (!picker) return;

  var FA = "۰۱۲۳۴۵۶۷۸۹";
  var AR = "٠١٢٣٤٥٦٧٨٩";
  var SELECTOR = "input[data-jdp]";
  var nativeValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value");
  var text = readText();
  var persian = text.digits === "fa";
  var rtl = (text.dir || document.documentElement.dir) === "rtl";

  var current = null;   // the box the calendar serves
  var quiet = null;     // a box we refocus ourselves: its focus must not reopen the calendar
  var active = null;    // the day that has the keyboard focus: {year, month, day}
  var gridFocused = false;
  var shut = false;     // we closed the calendar: the package's opening timer must not show it again

  function readText() {
    var node = document.getElementById("jdp-text");
    try { return JSON.parse(node.textContent); } catch (e) { return {}; }
  }

  function toLatin(s) {
    return String(s).replace(/[۰-۹]/g, function (d) { return FA.indexOf(d); })
      .replace(/[٠-٩]/g, function (d) { return AR.indexOf(d); });
  }

  function toPage(s) {
    return persian ? String(s).replace(/[0-9]/g, function (d) { return FA[d]; }) : String(s);
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  /* 1405/9/3, ۱۴۰۵-۰۹-۰۳ … as {year, month, day}; null when the box holds no Jalali-looking date. */
  function parse(value) {
    var m = /^\s*(\d{4})\s*[\/\-.]\s*(\d{1,2})\s*[\/\-.]\s*(\d{1,2})\s*$/.exec(toLatin(value || ""));
    if (!m) return null;
    var date = {year: +m[1], month: +m[2], day: +m[3]};
    if (date.year < 1000 || date.year > 1999 || date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31) return null;
    return date;
  }

  /* While the package reads the box, show it the date as 1405/09/03 in Latin digits; the box itself and
     what forms and HTMX send stay as typed. */
  function latinView(input) {
    Object.defineProperty(input, "value", {
      configurable: true,
      get: function () {
        var raw = nativeValue.get.call(input);
        var date = parse(raw);
        return date ? date.year + "/" + pad(date.month) + "/" + pad(date.day) : toLatin(raw);
      },
      set: function (v) { nativeValue.set.call(input, v); }
    });
  }

  function plainView(input) {
    if (input && Object.prototype.hasOwnProperty.call(input, "value")) delete input.value;
  }

  function withLatinView(input, fn) {
    latinView(input);
    try { fn(); } finally { plainView(input); }
  }

  function container() { return document.querySelector("jdp-container"); }

  function isOpen() {
    var box = container();
    return !!box && box.style.display === "block" && box.style.visibility !== "hidden";
  }

  function inPicker(node) {
    var box = container();
    return !!(box && node && box.contains(node));
  }

  function prepare(root) {
    var boxes = [];
    if (root && root.matches && root.matches(SELECTOR)) boxes.push(root);
    if (root && root.querySelectorAll) boxes = boxes.concat([].slice.call(root.querySelectorAll(SELECTOR)));
    boxes.forEach(function (input) {
      // The date picker combobox of WAI-ARIA's practices: a text box that opens a dialog.
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-haspopup", "dialog");
      input.setAttribute("aria-expanded", "false");
    });
  }

  function open(input) {
    current = input;
    shut = false;
    withLatinView(input, function () { picker.show(input); });
  }

  function close() {
    shut = true;
    if (isOpen()) picker.hide();
    gridFocused = false;
  }

  function focusBox(input) {
    if (!input || !input.isConnected) return;
    quiet = input;
    try { input.focus(); } finally { quiet = null; }
  }

  /* ----- the calendar's parts ----- */

  function cells() {
    var box = container();
    return box ? [].slice.call(box.querySelectorAll(".jdp-day")) : [];
  }

  function inMonth(cell) { return !cell.classList.contains("not-in-month"); }

  function monthLength() { return cells().filter(inMonth).length; }

  function shown() {
    var box = container();
    var year = box && box.querySelector(".jdp-years select, .jdp-year select, .jdp-year input");
    var month = box && box.querySelector(".jdp-months select, .jdp-month select");
    if (!year || !month) return null;
    return {year: +year.value, month: +month.value};
  }

  function press(selector) {
    var box = container();
    var button = box && box.querySelector(selector);
    if (button) button.click();
  }

  /* Turn the pages until the calendar shows (year, month). */
  function goTo(year, month) {
    for (var guard = 0; guard < 48; guard++) {
      var now = shown();
      if (!now) return;
      var diff = (year - now.year) * 12 + (month - now.month);
      if (diff === 0) return;
      if (diff >= 12) press(".jdp-years .jdp-icon-plus");
      else if (diff <= -12) press(".jdp-years .jdp-icon-minus");
      else if (diff > 0) press(".jdp-months .jdp-icon-plus");
      else press(".jdp-months .jdp-icon-minus");
    }
  }

  function label(date) {
    var months = text.months || [];
    return toPage(date.day) + " " + (months[date.month - 1] || toPage(date.month)) + " " + toPage(date.year);
  }

  function same(cell, date) {
    return !!date && cell.year === date.year && cell.month === date.month && cell.day === date.day;
  }

  /* After every drawing of the package: roles, names and the one focusable day. */
  function decorate() {
    var box = container();
    if (!box) return;
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", text.dialog || "");
    box.setAttribute("dir", rtl ? "rtl" : "ltr");
    if (!box.id) box.id = "jdp-popup";
    var now = shown();
    var selected = current ? parse(nativeValue.get.call(current)) : null;
    var days = box.querySelector(".jdp-days");
    if (days && now) {
      days.setAttribute("role", "group");
      days.setAttribute("aria-label", label({year: now.year, month: now.month, day: ""}).trim());
    }
    [].slice.call(box.querySelectorAll(".jdp-day-name")).forEach(function (n) { n.setAttribute("aria-hidden", "true"); });
    setLabel(box, ".jdp-years select, .jdp-year select", text.year);
    setLabel(box, ".jdp-months select, .jdp-month select", text.month);
    var monthSelect = box.querySelector(".jdp-months select, .jdp-month select");
    if (monthSelect) monthSelect.tabIndex = 0;
    iconButton(box, ".jdp-years .jdp-icon-plus", text.nextYear);
    iconButton(box, ".jdp-years .jdp-icon-minus", text.previousYear);
    iconButton(box, ".jdp-months .jdp-icon-plus", text.nextMonth);
    iconButton(box, ".jdp-months .jdp-icon-minus", text.previousMonth);
    footerButton(box, ".jdp-btn-today", text.today);
    footerButton(box, ".jdp-btn-empty", text.clear);
    footerButton(box, ".jdp-btn-close", text.close);

    var all = cells();
    if (!all.length) return;
    if (!active && selected) active = selected;
    var target = all.filter(function (c) { return inMonth(c) && same(c, active); })[0];
    if (!target) {
      var today = all.filter(function (c) { return inMonth(c) && c.classList.contains("today"); })[0];
      var first = all.filter(inMonth)[0];
      target = today || first;
    }
    all.forEach(function (cell) {
      cell.setAttribute("role", "button");
      cell.setAttribute("aria-label", label(cell));
      cell.tabIndex = cell === target ? 0 : -1;
      cell.classList.toggle("jdp-focus", cell === target);
      var isSelected = same(cell, selected);
      cell.classList.toggle("selected", isSelected && inMonth(cell));
      cell.setAttribute("aria-pressed", isSelected ? "true" : "false");
      if (cell.classList.contains("today")) cell.setAttribute("aria-current", "date");
      if (cell.classList.contains("disabled-day")) cell.setAttribute("aria-disabled", "true");
    });
    active = {year: target.year, month: target.month, day: target.day};
  }

  function setLabel(box, selector, name) {
    var node = box.querySelector(selector);
    if (node && name) node.setAttribute("aria-label", name);
  }

  function iconButton(box, selector, name) {
    var node = box.querySelector(selector);
    if (!node) return;
    node.setAttribute("role", "button");
    node.tabIndex = -1;
    if (name) node.setAttribute("aria-label", name);
  }

  function footerButton(box, selector, name) {
    var node = box.querySelector(selector);
    if (!node) return;
    node.setAttribute("role", "button");
    node.tabIndex = 0;
    if (name) node.textContent = name;
  }

  function focusActive() {
    decorate();
    var cell = cells().filter(function (c) { return c.tabIndex === 0; })[0];
    if (cell) {
      gridFocused = true;
      cell.focus();
    }
  }

  /* Move the keyboard's day to `date` (any month), turning pages as needed. */
  function moveTo(date) {
    withLatinView(current, function () { goTo(date.year, date.month); });
    var length = monthLength();
    active = {year: date.year, month: date.month, day: Math.min(date.day, length || date.day)};
    focusActive();
  }

  function shiftMonth(date, months) {
    var index = date.year * 12 + (date.month - 1) + months;
    return {year: Math.floor(index / 12), month: (index % 12) + 1, day: date.day};
  }

  function moveByDays(delta) {
    withLatinView(current, function () { goTo(active.year, active.month); });
    var date = {year: active.year, month: active.month, day: active.day + delta};
    for (var guard = 0; guard < 4; guard++) {
      if (date.day > monthLength()) {
        date.day -= monthLength();
        var next = shiftMonth(date, 1);
        withLatinView(current, function () { goTo(next.year, next.month); });
        date.year = next.year; date.month = next.month;
      } else if (date.day < 1) {
        var previous = shiftMonth(date, -1);
        withLatinView(current, function () { goTo(previous.year, previous.month); });
        date.year = previous.year; date.month = previous.month;
        date.day += monthLength();
      } else {
        break;
      }
    }
    active = date;
    focusActive();
  }

  function rowEnd(cell, toStart) {
    var all = cells();
    var index = all.indexOf(cell);
    var start = index - (index % 7);
    var row = all.slice(start, start + 7).filter(inMonth);
    var end = toStart ? row[0] : row[row.length - 1];
    if (end) { active = {year: end.year, month: end.month, day: end.day}; focusActive(); }
  }

  function pick(cell) {
    var input = current;
    if (cell.classList.contains("disabled-day")) return;
    cell.click();
    close();
    focusBox(input);
  }

  function onDayKey(e, cell) {
    var step = rtl ? -1 : 1;
    switch (e.key) {
      case "ArrowLeft": moveByDays(-step); break;
      case "ArrowRight": moveByDays(step); break;
      case "ArrowUp": moveByDays(-7); break;
      case "ArrowDown": moveByDays(7); break;
      case "PageUp": moveTo(shiftMonth(active, e.shiftKey ? -12 : -1)); break;
      case "PageDown": moveTo(shiftMonth(active, e.shiftKey ? 12 : 1)); break;
      case "Home": rowEnd(cell, true); break;
      case "End": rowEnd(cell, false); break;
      case "Enter": case " ": pick(cell); break;
      case "Escape": var input = current; close(); focusBox(input); break;
      default: return;
    }
    e.preventDefault();
    e.stopPropagation();
  }

  function onKey(e) {
    var target = e.target;
    if (target.matches && target.matches(SELECTOR)) {
      current = target;
      if (e.key === "ArrowDown") {
        e.preventDefault();
        var typed = parse(nativeValue.get.call(target));
        var now = shown();
        // Open (again) on the typed date's month when the calendar shows another.
        if (!isOpen() || (typed && now && (now.year !== typed.year || now.month !== typed.month))) open(target);
        active = null;
        focusActive();
      } else if (e.key === "Escape" && isOpen()) {
        // The package would also take the focus away from the box.
        e.preventDefault();
        e.stopPropagation();
        close();
      } else if (e.key === "Enter" || e.key === "Tab") {
        close();
      }
      return;
    }
    if (!inPicker(target)) return;
    if (e.key === "Tab" && leavesPicker(target, e.shiftKey)) {
      // The popup sits at the end of the page: tabbing out of it goes back to its box.
      e.preventDefault();
      var owner = current;
      close();
      focusBox(owner);
      return;
    }
    if (target.classList.contains("jdp-day")) {
      onDayKey(e, target);
    } else if (target.getAttribute("role") === "button" && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      var input = current;
      target.click();
      if (!isOpen()) focusBox(input);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      var box = current;
      close();
      focusBox(box);
    }
  }

  function leavesPicker(target, backwards) {
    var box = container();
    var stops = [].slice.call(box.querySelectorAll("select, input, [tabindex]")).filter(function (n) {
      return n.tabIndex >= 0 && n.offsetParent !== null;
    });
    return stops.length > 0 && target === (backwards ? stops[0] : stops[stops.length - 1]);
  }

  function onFocusIn(e) {
    var target = e.target;
    if (inPicker(target)) gridFocused = true;
    if (target === quiet) {
      e.stopPropagation();   // our own refocus: the package must not reopen the calendar
      return;
    }
    if (target.matches && target.matches(SELECTOR)) {
      current = target;
      active = null;
      shut = false;
      latinView(target);     // the package opens the calendar on this same event, reading the box
      setTimeout(function () { plainView(target); }, 0);  // in case the event never reaches window
    }
  }

  function onFocusOut(e) {
    var next = e.relatedTarget;
    if (!next || !isOpen()) return;
    var leaving = e.target === current || inPicker(e.target);
    if (leaving && next !== current && !inPicker(next)) close();
  }

  function watch(box) {
    new MutationObserver(function (records) {
      var drawn = records.some(function (r) { return r.type === "childList"; });
      if (drawn) {
        var lost = gridFocused && (!document.activeElement || document.activeElement === document.body
          || !document.activeElement.isConnected);
        decorate();
        if (lost) focusActive();
      }
      // The package shows the calendar again 300 ms after opening it, even if it was closed meanwhile.
      if (shut && isOpen()) picker.hide();
      expanded(box);
    }).observe(box, {childList: true, attributes: true, attributeFilter: ["style"]});
  }

  function expanded(box) {
    var open = isOpen();
    document.querySelectorAll(SELECTOR).forEach(function (input) {
      input.setAttribute("aria-expanded", open && input === current ? "true" : "false");
      if (input === current) input.setAttribute("aria-controls", box.id || "jdp-popup");
    });
  }

  picker.startWatch({
    selector: SELECTOR,
    persianDigits: persian,
    months: text.months,
    days: text.days,
    autoReadOnlyInput: false,
    showCloseBtn: true,
    changeMonthRotateYear: true,
    zIndex: 1080
  });

  document.addEventListener("focusin", onFocusIn, true);
  window.addEventListener("focusin", function (e) {
    plainView(e.target);
    if (e.target === current && isOpen()) decorate();
  });
  document.addEventListener("focusout", onFocusOut, true);
  document.addEventListener("keydown", onKey, true);
  document.addEventListener("jdp:change", function (e) {
    var input = e.target;
    plainView(input);
    if (persian) nativeValue.set.call(input, toPage(nativeValue.get.call(input)));
  }, true);
  document.addEventListener("input", function (e) {
    // A whole date typed into the box turns the open calendar to it (the package's own writes are untrusted).
    if (e.isTrusted && e.target === current && isOpen() && parse(nativeValue.get.call(e.target))) open(e.target);
  }, true);
  document.addEventListener("htmx:load", function (e) { prepare(e.detail && e.detail.elt); });
  new MutationObserver(function () {
    var box = container();
    if (box && !box.__watched) {
      box.__watched = true;
      decorate();
      watch(box);
      expanded(box);
    }
  }).observe(document.body, {childList: true});
  prepare(document);
})();
