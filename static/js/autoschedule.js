// An auto-schedule run's page: while the run is queued or running, ask for its
// state (the page's own address, as JSON) every second and show it on the bar;
// once it has ended, load the page again for the outcome. Without this script
// the page refreshes itself (the meta refresh in its <noscript>).
const box = document.querySelector("[data-run-state]");
const ACTIVE = ["queued", "running"];
const EVERY_MS = 1000;
const AT_MOST_MS = 30_000;

const wait = (ms) => new Promise((done) => setTimeout(done, ms));

async function follow() {
  const bar = box.querySelector("progress");
  const percent = box.querySelector(".sc-run-percent");
  const text = box.querySelector(".sc-run-text"); // a live region: changed only when it says something new
  let pause = EVERY_MS;
  for (;;) {
    await wait(pause);
    let run;
    try {
      const answer = await fetch(location.href, { headers: { Accept: "application/json" } });
      if (!answer.ok) {
        location.reload(); // gone, or signed out: the page says which
        return;
      }
      run = await answer.json();
      pause = EVERY_MS;
    } catch {
      pause = Math.min(pause * 2, AT_MOST_MS); // the server is away: ask less often
      continue;
    }
    if (!ACTIVE.includes(run.state)) {
      location.reload();
      return;
    }
    if (run.percent === null) {
      bar.removeAttribute("value");
      bar.textContent = percent.textContent = "";
    } else {
      bar.value = run.percent;
      bar.textContent = percent.textContent = `${run.percent}%`;
    }
    if (text.textContent !== run.text) text.textContent = run.text;
  }
}

if (box && ACTIVE.includes(box.dataset.runState)) follow();
