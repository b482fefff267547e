// Roadmap: traces a card's chain of dependencies when it is hovered or focused, and
// lets a planner move a card by dragging it to another period or team row, or by
// focusing it and pressing M. A move redraws the board from the move's own answer
// (no second request). The page works the same without this module: every item has
// a Move link in the lists below the roadmap.

const board = document.getElementById("rm-board");
const status = document.getElementById("rm-status");
const DRAG_THRESHOLD = 6;

const svg = () => document.getElementById("rm-svg");

// Chain tracing

function linesByEnd(root) {
  const into = new Map(); // dependent id -> lines to the work it needs
  const out = new Map(); // dependency id -> lines to the items that need it
  for (const line of root.querySelectorAll(".rm-line, .rm-stub")) {
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
  const id = card.id.slice("card-".length);
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

function say(message, kind, link) {
  const item = document.createElement("p");
  item.className = `flash flash-${kind}`;
  item.textContent = message;
  if (link) {
    const a = document.createElement("a");
    a.href = link.href;
    a.textContent = link.text;
    item.append(" ", a);
  }
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

function periodOf(root, card) {
  const periods = JSON.parse(root.dataset.periods);
  return card.dataset.start === "" ? "backlog" : periods[card.dataset.start];
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
  if (period === periodOf(root, card) && !team) return null;
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

// Keyboard: focus a card, press M, choose where it goes.

const chooser = document.createElement("dialog");
chooser.className = "rm-chooser";
chooser.setAttribute("aria-labelledby", "rm-chooser-title");
chooser.innerHTML = `<form method="dialog">
  <h2 id="rm-chooser-title"></h2>
  <p class="muted">It keeps its length: it ends as many periods later as before.</p>
  <div class="field"><label for="rm-chooser-period">Start period</label>
    <select id="rm-chooser-period" name="period"></select></div>
  <div class="field"><label for="rm-chooser-team">Team</label>
    <select id="rm-chooser-team" name="team"></select></div>
  <div class="form-actions"><button type="submit" value="move" class="primary">Move</button>
    <button type="submit" value="cancel">Cancel</button></div>
</form>`;
document.body.append(chooser);

function option(value, label, selected) {
  const element = document.createElement("option");
  element.value = value;
  element.textContent = label;
  element.selected = selected;
  return element;
}

let choosing = null;

function openChooser(card) {
  const root = svg();
  if (!root?.dataset.moveUrl) return;
  const periods = JSON.parse(root.dataset.periods);
  const teams = JSON.parse(root.dataset.teams || "[]");
  const current = periodOf(root, card);
  chooser.querySelector("h2").textContent = `Move ${card.dataset.key}`;
  chooser
    .querySelector("#rm-chooser-period")
    .replaceChildren(
      option("backlog", "Backlog (no period)", current === "backlog"),
      ...periods.map((name) => option(name, name, name === current)),
    );
  const own = teams.find(([slug]) => slug === card.dataset.team);
  chooser
    .querySelector("#rm-chooser-team")
    .replaceChildren(
      option("", `Keep its team (${own ? own[1] : card.dataset.team})`, true),
      ...teams.filter(([slug]) => slug !== card.dataset.team).map(([slug, name]) => option(slug, name, false)),
    );
  choosing = { card, root };
  chooser.showModal();
  chooser.querySelector("#rm-chooser-period").focus();
}

chooser.addEventListener("close", () => {
  const picked = choosing;
  choosing = null;
  if (!picked) return;
  if (chooser.returnValue !== "move") {
    picked.card.focus();
    return;
  }
  const period = chooser.querySelector("#rm-chooser-period").value;
  const team = chooser.querySelector("#rm-chooser-team").value;
  if (period === periodOf(picked.root, picked.card) && !team) {
    picked.card.focus();
    return;
  }
  move(picked.root, picked.card, { period, team }, true);
});

board.addEventListener("keydown", (event) => {
  const card = cardOf(event);
  if (!card || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "m" || event.key === "M") {
    event.preventDefault();
    openChooser(card);
  }
});

// The move, and the board redrawn from its answer

function ghost(root, rect, key, where) {
  if (!rect) return;
  const ns = "http://www.w3.org/2000/svg";
  const link = document.createElementNS(ns, "a");
  link.setAttribute("class", "rm-ghost");
  link.setAttribute("href", where);
  const box = document.createElementNS(ns, "rect");
  for (const name of ["x", "y", "width", "height"]) box.setAttribute(name, rect[name]);
  box.setAttribute("rx", "4");
  const text = document.createElementNS(ns, "text");
  text.setAttribute("x", String(Number(rect.x) + 8));
  text.setAttribute("y", String(Number(rect.y) + 24));
  text.textContent = `${key} moved out of this view: show it →`;
  link.append(box, text);
  root.append(link);
}

function redraw(answer, card, focus) {
  const old = card.querySelector("rect.body");
  const rect = old && Object.fromEntries(["x", "y", "width", "height"].map((n) => [n, old.getAttribute(n)]));
  for (const [id, html] of Object.entries(answer.fragments || {})) {
    const element = document.getElementById(id);
    if (element) element.innerHTML = html;
  }
  index = null;
  snaps();
  const root = svg();
  if (answer.shown) {
    if (focus) document.getElementById(`card-${answer.item.id}`)?.focus();
    return;
  }
  ghost(root, rect, answer.item.key, answer.where_url);
  if (focus) status.querySelector("a")?.focus();
}

async function move(root, card, where, focus = false) {
  const body = new URLSearchParams({
    csrf_token: root.dataset.csrf,
    item: card.dataset.key,
    version: card.dataset.version,
    period: where.period,
    team: where.team,
    next: window.location.pathname + window.location.search,
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
    const kind = response.ok ? (answer.moved ? "success" : "info") : "error";
    const away = answer.fragments && !answer.shown;
    say(
      answer.message || fallback,
      kind,
      away ? { href: answer.where_url, text: `Show ${answer.item.key} where it went` } : null,
    );
    if (answer.fragments) redraw(answer, card, focus); // a stale move: where it is now
    else if (focus) card.focus();
  } catch {
    say(`Could not reach the server to move ${card.dataset.key}. Nothing was moved.`, "error");
  } finally {
    board.classList.remove("rm-busy");
  }
}

// On a phone the board scrolls one team row at a time (snap points at the rows),
// and each row keeps its team's name in sight while its periods scroll sideways.

function snaps() {
  for (const old of board.querySelectorAll(".rm-snap")) old.remove();
  const head = board.querySelector(".rm-head");
  const offset = head ? head.getBoundingClientRect().height : 0;
  const width = svg()?.getAttribute("width") || "0";
  for (const row of board.querySelectorAll(".rm-row")) {
    const mark = document.createElement("div");
    mark.className = "rm-snap";
    mark.style.top = `${Number(row.dataset.y) + offset}px`;
    mark.style.width = `${width}px`;
    mark.style.height = `${row.dataset.h}px`;
    const tag = document.createElement("span");
    tag.className = "rm-row-tag";
    tag.setAttribute("aria-hidden", "true");
    tag.textContent = row.dataset.name;
    mark.append(tag);
    board.append(mark);
  }
}
snaps();

// On a phone the filters start folded, the board first.

if (window.matchMedia("(max-width: 640px)").matches) {
  const filters = document.querySelector(".rm-filter-box");
  if (filters && !filters.querySelector(".error")) filters.open = false;
}

// The team picker: type to narrow a long list of teams.

const finder = document.querySelector(".rm-team-find");
if (finder) {
  finder.hidden = false;
  const input = finder.querySelector("input");
  const items = [...finder.closest("fieldset").querySelectorAll("li")];
  input.addEventListener("input", () => {
    const needle = input.value.trim().toLowerCase();
    for (const item of items) item.hidden = needle !== "" && !item.textContent.toLowerCase().includes(needle);
  });
}
