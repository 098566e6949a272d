/* Phones: the tables of every page, one mechanism for all of them (hamyar.css, "Phones" section).
 *
 * Below 768 px a list table (marked .cards here) reads as cards: each row a block, each cell named by
 * its column. The names come from the table's own header, copied here into data-label once, so no
 * template repeats them; when the first column is only a row number ("#"), the second cell heads the
 * card. A table marked .table-scroll (a matrix: the capability map, a comparison) keeps its columns
 * and scrolls inside its box instead, as a wide chart in a .scroll-x box does; when a box overflows,
 * a hint above it says to swipe, and the box takes the keyboard's focus (arrow keys scroll it).
 * Runs on load and on every HTMX swap (live search and paging replace the tables).
 */
(function () {
  "use strict";
  const BOXES = ".table-responsive, .scroll-x";
  const PHONE = window.matchMedia("(max-width: 767.98px)");
  const VISIBLE = "input, select, textarea, button, img, svg, a, .progress";

  function columnNames(table) {
    const head = table.tHead;
    if (!head || !head.rows.length) return [];
    const names = [];
    for (const th of head.rows[head.rows.length - 1].cells) {
      const name = th.textContent.replace(/\s+/g, " ").trim();
      for (let i = 0; i < (th.colSpan || 1); i++) names.push(name);
    }
    return names;
  }

  // A table laid out as blocks can lose its table semantics in some browsers; say them explicitly.
  function keepTableRoles(table) {
    table.setAttribute("role", "table");
    for (const group of table.querySelectorAll(":scope > thead, :scope > tbody, :scope > tfoot")) {
      group.setAttribute("role", "rowgroup");
      for (const row of group.rows) {
        row.setAttribute("role", "row");
        for (const cell of row.cells) {
          const header = cell.tagName === "TH";
          const inHead = group.tagName === "THEAD";
          cell.setAttribute("role", header ? (inHead ? "columnheader" : "rowheader") : "cell");
        }
      }
    }
  }

  function label(table) {
    const names = columnNames(table);
    if (!names.length || table.classList.contains("table-scroll")) return;
    table.classList.add("cards");
    if (names[0] === "#") table.classList.add("numbered");
    keepTableRoles(table);
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          if (!cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", names[column] || "");
            if (!cell.textContent.trim() && !cell.querySelector(VISIBLE)) {
              cell.setAttribute("data-empty", "");
            }
          }
          // The value in one box, beside its column's name. Only on a phone: moving a cell's content
          // blurs an input being typed into (a line just added to the need form), so a wide screen,
          // which does not need the box, never has its nodes moved.
          if (PHONE.matches && column > 0
              && !(cell.firstElementChild && cell.firstElementChild.classList.contains("cell-value"))) {
            const value = document.createElement("div");
            value.className = "cell-value";
            value.append(...cell.childNodes);
            cell.append(value);
          }
          column += cell.colSpan || 1;
        }
      }
    }
  }

  function hint(box) {
    const overflowing = box.scrollWidth > box.clientWidth + 1;
    let note = box.previousElementSibling;
    if (!note || !note.classList.contains("scroll-hint")) {
      if (!overflowing) return;
      const template = document.getElementById("scroll-hint");
      if (!template) return;
      note = document.createElement("p");
      note.className = "scroll-hint";
      note.setAttribute("aria-hidden", "true");
      note.append(template.content.cloneNode(true));
      box.before(note);
    }
    note.hidden = !overflowing;
    reachable(box, overflowing);
  }

  // A box that scrolls must be reachable by keyboard (arrow keys scroll it) and say what it holds
  // (axe: scrollable-region-focusable). Only the tabindex set here is taken back when it fits again.
  function reachable(box, overflowing) {
    if (overflowing && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("data-scroll-focus", "");
      if (!box.hasAttribute("aria-label")) {
        const named = box.querySelector("[aria-label], caption");
        const header = box.closest(".card") && box.closest(".card").querySelector(".card-header");
        const text = named ? (named.getAttribute("aria-label") || named.textContent)
          : header ? header.firstElementChild ? header.firstElementChild.textContent : header.textContent : "";
        if (text.trim()) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", text.replace(/\s+/g, " ").trim());
        }
      }
    } else if (!overflowing && box.hasAttribute("data-scroll-focus")) {
      box.removeAttribute("tabindex");
      box.removeAttribute("data-scroll-focus");
    }
  }

  function scan(root) {
    // New rows swapped into a table (a line added to a form) are labelled with their table.
    const table = root.closest ? root.closest("table.table") : null;
    if (table) label(table);
    root.querySelectorAll("table.table").forEach(label);
    document.querySelectorAll(BOXES).forEach(hint);
  }

  document.addEventListener("DOMContentLoaded", () => scan(document));
  PHONE.addEventListener("change", () => scan(document));  // a window narrowed to a phone's width
  document.addEventListener("htmx:load", (event) => scan(event.target));
  let pending = 0;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => document.querySelectorAll(BOXES).forEach(hint), 150);
  });
})();
