// The dashboard's print view: a button that opens the browser's print dialog,
// where "Save as PDF" makes the document for the meeting.
const slot = document.getElementById("print-slot");
if (slot) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "primary";
  button.textContent = "Print or save as PDF";
  button.addEventListener("click", () => window.print());
  slot.replaceWith(button);
}
