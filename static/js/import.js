// The Import page. A large upload is sent by XMLHttpRequest so that its progress
// shows: how much of the files has gone, then what the server does with them
// (reading them and previewing the import); its answer, the preview or the
// problems, then takes the place of the page's content, as a plain submit would
// show it. An import (the preview's button) shows that it runs. Without this
// script the forms post as usual and the pages are the same.
const KB = 1024;

function size(bytes) {
  return bytes >= KB * KB ? `${(bytes / KB / KB).toFixed(1)} MB` : `${Math.ceil(bytes / KB)} KB`;
}

function plural(n, word) {
  return `${n.toLocaleString()} ${word}${n === 1 ? "" : "s"}`;
}

// The answer's content in place of the page's, and this script's behaviour on it.
function show(html) {
  const next = new DOMParser().parseFromString(html, "text/html");
  const main = next.querySelector("main");
  if (!main) {
    document.open();
    document.write(html);
    document.close();
    return;
  }
  document.title = next.title;
  document.querySelector("main").replaceChildren(...main.childNodes);
  enhance(document.querySelector("main"));
  window.scrollTo(0, 0);
  const heading = document.querySelector("main h1");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

function upload(form, box, files, bytes) {
  const bar = box.querySelector("progress");
  const text = box.querySelector(".import-progress-text");
  const button = form.querySelector("button[type=submit]");
  const xhr = new XMLHttpRequest();
  const phase = (name, words) => {
    box.dataset.phase = name;
    text.textContent = words;
  };
  xhr.open("POST", form.action);
  xhr.upload.addEventListener("progress", (event) => {
    if (!event.lengthComputable) return;
    bar.max = event.total;
    bar.value = event.loaded;
    const percent = Math.floor((100 * event.loaded) / event.total);
    phase("upload", `Uploading ${plural(files, "file")}: ${size(event.loaded)} of ${size(event.total)} (${percent}%)`);
  });
  xhr.upload.addEventListener("load", () => {
    bar.removeAttribute("value"); // the server's part: as long as it takes
    phase("server", `Uploaded ${size(bytes)}. The server is reading the files and previewing the import…`);
  });
  xhr.addEventListener("load", () => {
    const there = new URL(xhr.responseURL || form.action, location.href);
    if (there.pathname !== new URL(form.action, location.href).pathname) {
      location.assign(there.href); // redirected: go there
    } else {
      show(xhr.responseText);
    }
  });
  const failed = () => {
    phase("failed", "The upload failed: check the connection and try again.");
    bar.hidden = true;
    form.removeAttribute("aria-busy");
    if (button) button.disabled = false;
  };
  xhr.addEventListener("error", failed);
  xhr.addEventListener("abort", failed);
  phase("upload", `Uploading ${plural(files, "file")} (${size(bytes)})…`);
  bar.hidden = false;
  bar.max = Math.max(bytes, 1);
  bar.value = 0;
  box.hidden = false;
  form.setAttribute("aria-busy", "true");
  if (button) button.disabled = true;
  xhr.send(new FormData(form));
}

function enhance(root) {
  for (const form of root.querySelectorAll("form.import-upload, form.import-adjust")) {
    form.addEventListener("submit", (event) => {
      const box = form.querySelector(".import-progress");
      if (!box) return;
      const text = box.querySelector(".import-progress-text");
      const button = event.submitter;
      if (form.classList.contains("import-upload")) {
        const chosen = [...form.querySelectorAll("input[type=file]")].flatMap((i) => [...i.files]);
        const bytes = chosen.reduce((sum, f) => sum + f.size, 0);
        if (bytes < Number(form.dataset.progressFrom || 0)) return;
        event.preventDefault();
        upload(form, box, chosen.length, bytes);
        return;
      }
      if (button && button.name === "confirm") {
        text.textContent = `Importing ${Number(button.dataset.items).toLocaleString()} items in one transaction…`;
      } else {
        text.textContent = "Preparing the preview…";
      }
      box.hidden = false;
      form.setAttribute("aria-busy", "true");
    });
  }
}

enhance(document);
