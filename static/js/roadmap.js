// Roadmap: traces a card's chain of dependencies when it is hovered or focused, and
// lets a planner drag a card to another period or team row. The page works the same
// without it: every card has a Move form in the list below the roadmap.

const board = document.getElementById("rm-board");
const status = document.getElementById("rm-status");
const DRAG_THRESHOLD = 6;

const svg = () => document.getElementById("rm-svg");

// Chain tracing

function linesByEnd(root) {
  const into = new Map(); // dependent id -> lines to the work it needs
  const out = new Map(); // dependency id -> lines to the items that need it
  for (const line of root.querySelectorAll(".rm-line")) {
    const { from, to } = line.dataset;
    if (!into.has(to)) into.set(to, []);
    if (!out.has(from)) out.set(from, []);
    into.get(to).push(line);
    out.get(from).push(line);
  }
  return { into, out };
}

let index = null;

function walk(start, edges, end, seen, lines) {
  const queue = [start];
  while (queue.length) {
    const id = queue.shift();
    for (const line of edges.get(id) || []) {
      lines.add(line);
      const next = line.dataset[end];
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
}

function trace(card) {
  const root = svg();
  if (!root) return;
  index = index || linesByEnd(root);
  const id = card.dataset.id;
  const seen = new Set([id]);
  const lines = new Set();
  walk(id, index.into, "from", seen, lines);
  walk(id, index.out, "to", seen, lines);
  clearTrace();
  if (!lines.size) return;
  root.classList.add("rm-tracing");
  for (const other of seen) document.getElementById(`card-${other}`)?.classList.add("rm-on");
  for (const line of lines) line.classList.add("rm-on");
}

function clearTrace() {
  const root = svg();
  if (!root) return;
  root.classList.remove("rm-tracing");
  for (const element of root.querySelectorAll(".rm-on")) element.classList.remove("rm-on");
}

function cardOf(event) {
  return event.target instanceof Element ? event.target.closest(".rm-card") : null;
}

board.addEventListener("pointerover", (event) => {
  const card = cardOf(event);
  if (card && !drag) trace(card);
});
board.addEventListener("pointerout", (event) => {
  const card = cardOf(event);
  if (card && !drag && !card.contains(event.relatedTarget)) clearTrace();
});
board.addEventListener("focusin", (event) => {
  const card = cardOf(event);
  if (card) trace(card);
});
board.addEventListener("focusout", clearTrace);

// Messages

function say(message, kind) {
  const item = document.createElement("p");
  item.className = `flash flash-${kind}`;
  item.textContent = message;
  status.replaceChildren(item);
}

// Drag and drop

let drag = null;
let suppressClick = false;

function toSvg(root, event) {
  const point = new DOMPoint(event.clientX, event.clientY);
  return point.matrixTransform(root.getScreenCTM().inverse());
}

function columnAt(root, x) {
  for (const column of root.querySelectorAll(".rm-col")) {
    const left = Number(column.getAttribute("x"));
    if (x >= left && x < left + Number(column.getAttribute("width"))) return column;
  }
  return null;
}

function rowAt(root, y) {
  for (const row of root.querySelectorAll(".rm-row")) {
    const top = Number(row.dataset.y);
    if (y >= top && y < top + Number(row.dataset.h)) return row;
  }
  return null;
}

function mark(root, column, row) {
  for (const element of root.querySelectorAll(".rm-drop")) element.classList.remove("rm-drop");
  column?.classList.add("rm-drop");
  row?.classList.add("rm-drop");
}

function target(root, card, grab, drop) {
  const periods = JSON.parse(root.dataset.periods);
  const column = columnAt(root, drop.x);
  const row = rowAt(root, drop.y);
  if (!column || !row) return null;
  const team = row.dataset.team === card.dataset.team ? "" : row.dataset.team;
  let period;
  if (column.dataset.period === "backlog") {
    period = "backlog";
  } else if (card.dataset.start === "") {
    period = column.dataset.period;
  } else {
    const from = columnAt(root, grab.x);
    const shift =
      periods.indexOf(column.dataset.period) - periods.indexOf(from?.dataset.period ?? "");
    const start = Number(card.dataset.start) + shift;
    if (start < 0 || start >= periods.length) return { error: "There is no period there." };
    period = periods[start];
  }
  const same = period === (card.dataset.start === "" ? "backlog" : periods[card.dataset.start]);
  if (same && !team) return null;
  return { period, team };
}

board.addEventListener("pointerdown", (event) => {
  const card = cardOf(event);
  const root = svg();
  if (!card || !root?.dataset.moveUrl || event.button !== 0) return;
  drag = { card, root, pointer: event.pointerId, x: event.clientX, y: event.clientY };
  drag.grab = toSvg(root, event);
  drag.moving = false;
});

board.addEventListener("pointermove", (event) => {
  if (!drag || event.pointerId !== drag.pointer) return;
  const dx = event.clientX - drag.x;
  const dy = event.clientY - drag.y;
  if (!drag.moving) {
    if (Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
    drag.moving = true;
    clearTrace();
    drag.card.classList.add("rm-dragging");
    drag.card.setPointerCapture(event.pointerId);
  }
  event.preventDefault();
  const here = toSvg(drag.root, event);
  drag.card.setAttribute("transform", `translate(${here.x - drag.grab.x} ${here.y - drag.grab.y})`);
  mark(drag.root, columnAt(drag.root, here.x), rowAt(drag.root, here.y));
});

function endDrag(event, cancelled) {
  if (!drag || event.pointerId !== drag.pointer) return;
  const { card, root, moving, grab } = drag;
  drag = null;
  if (!moving) return;
  suppressClick = true;
  card.classList.remove("rm-dragging");
  card.removeAttribute("transform");
  mark(root, null, null);
  if (cancelled) return;
  const where = target(root, card, grab, toSvg(root, event));
  if (!where) return;
  if (where.error) {
    say(where.error, "error");
    return;
  }
  move(root, card, where);
}

board.addEventListener("dragstart", (event) => event.preventDefault());
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && drag?.moving) endDrag({ pointerId: drag.pointer }, true);
});
board.addEventListener("pointerup", (event) => endDrag(event, false));
board.addEventListener("pointercancel", (event) => endDrag(event, true));
board.addEventListener(
  "click",
  (event) => {
    if (suppressClick && cardOf(event)) event.preventDefault();
    suppressClick = false;
  },
  true,
);

async function move(root, card, where) {
  const body = new URLSearchParams({
    csrf_token: root.dataset.csrf,
    item: card.dataset.key,
    version: card.dataset.version,
    period: where.period,
    team: where.team,
  });
  board.classList.add("rm-busy");
  try {
    const response = await fetch(root.dataset.moveUrl, {
      method: "POST",
      headers: { Accept: "application/json" },
      body,
      credentials: "same-origin",
    });
    const answer = await response.json().catch(() => ({}));
    const fallback = `Could not move ${card.dataset.key} (HTTP ${response.status}).`;
    say(answer.message || fallback, response.ok ? (answer.moved ? "success" : "info") : "error");
    await refresh();
  } catch {
    say(`Could not reach the server to move ${card.dataset.key}. Nothing was moved.`, "error");
  } finally {
    board.classList.remove("rm-busy");
  }
}

async function refresh() {
  const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
  if (!response.ok) return;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  for (const selector of ["#rm-board", ".rm-list", ".rm-summary"]) {
    const fresh = page.querySelector(selector);
    const current = document.querySelector(selector);
    if (fresh && current) current.replaceChildren(...fresh.childNodes);
  }
  index = null;
}
