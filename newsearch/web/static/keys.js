// Keyboard use of the pages: "/" goes to the search box, j and k move to the next and previous
// result (Enter opens it), Escape leaves a text box. No inline script anywhere (see the CSP).
"use strict";
document.addEventListener("keydown", (event) => {
  const target = event.target;
  const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement
    || target instanceof HTMLSelectElement;
  if (event.key === "Escape" && typing) {
    target.blur();
    return;
  }
  if (typing || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  if (event.key === "/") {
    const box = document.querySelector("input[name=q]");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  } else if (event.key === "j" || event.key === "k") {
    const links = Array.from(document.querySelectorAll("a.hit-title"));
    if (links.length === 0) {
      return;
    }
    const at = links.indexOf(document.activeElement);
    const next = event.key === "j" ? Math.min(links.length - 1, at + 1) : Math.max(0, at - 1);
    event.preventDefault();
    links[next].focus();
  }
});
