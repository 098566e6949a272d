// The chosen file's name under the Persian file input (web/partials/file_input.html).
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.classList.contains("file-pick-input")) return;
  const shown = document.getElementById(`${input.id}-chosen`);
  if (!shown) return;
  const names = Array.from(input.files || [], (file) => file.name);
  shown.textContent = names.length ? names.join("، ") : shown.dataset.empty;
  shown.dir = names.length ? "auto" : "";
});
