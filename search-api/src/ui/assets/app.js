// veille's pages: reviews sent to the JSON API, the review queue's keys
// (j/k move, a approve, r reject, e edit), sign-in. Plain JavaScript, no
// build step; the pages work without it except for writing.
"use strict";

/** Sends a decision for an item; resolves to {ok, status, body}. */
async function sendReview(id, decision, note) {
  const body = { decision: decision };
  if (note) body.note = note;
  if (decision === "reject") body.reason = "not_a_practice";
  const res = await fetch("/api/items/" + encodeURIComponent(id) + "/review", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "Accept": "application/json" },
    body: JSON.stringify(body),
  });
  let json = null;
  try { json = await res.json(); } catch (_) { /* not JSON */ }
  return { ok: res.ok, status: res.status, body: json };
}

/** Wires the approve/reject buttons of one .review-controls box. */
function wireControls(box, onDone) {
  const id = box.dataset.id;
  const message = box.querySelector(".message");
  const note = box.querySelector("input[name=note]");
  async function decide(decision) {
    message.classList.remove("error");
    message.textContent = "…";
    let result;
    try {
      result = await sendReview(id, decision, note && note.value.trim());
    } catch (e) {
      message.classList.add("error");
      message.textContent = String(e);
      return false;
    }
    if (result.ok) {
      const status = decision === "approve" ? "approved" : "rejected";
      message.textContent = decision === "approve" ? box.dataset.msgApproved : box.dataset.msgRejected;
      const holder = box.closest("[data-status]");
      if (holder) {
        holder.dataset.status = status;
        const badge = holder.querySelector("[data-role=status]");
        if (badge) {
          badge.textContent = status === "approved" ? box.dataset.labelApproved : box.dataset.labelRejected;
          badge.className = "status status-" + status;
        }
      }
      if (onDone) onDone(status);
      return true;
    }
    message.classList.add("error");
    const detail = result.body && result.body.error ? " (" + result.body.error + ")" : "";
    if (result.status === 401) {
      message.innerHTML = "";
      const link = document.createElement("a");
      link.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
      link.textContent = box.dataset.msgLogin;
      message.appendChild(link);
    } else if (result.status === 403) {
      message.textContent = box.dataset.msgForbidden + detail;
    } else {
      message.textContent = "HTTP " + result.status + detail;
    }
    return false;
  }
  box.querySelectorAll("button[data-decision]").forEach((button) => {
    button.addEventListener("click", () => decide(button.dataset.decision));
  });
  return decide;
}

function typing(event) {
  const t = event.target;
  return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
}

/** The review queue: one card shown at a time. */
function setUpQueue(queue) {
  const cards = Array.from(queue.querySelectorAll("section.card"));
  if (cards.length === 0) return;
  let current = 0;
  let decided = 0;
  const wire = (card) =>
    wireControls(card.querySelector(".review-controls"), () => {
      decided += 1;
      setTimeout(() => show(current + 1), 400);
    });
  const deciders = cards.map(wire);
  // Near the end of the cards the page came with, the next unreviewed ones
  // are fetched (the queue page from where these cards end: decided items
  // have left the queue, so it starts that many earlier) and appended, so
  // the curator never waits for a reload.
  let loading = false;
  let exhausted = false;
  async function loadMore() {
    if (loading || exhausted) return;
    loading = true;
    try {
      const offset = Math.max(0, cards.length - decided);
      const res = await fetch("/queue?offset=" + offset, { credentials: "same-origin" });
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      const known = new Set(cards.map((c) => c.dataset.id));
      const fresh = Array.from(doc.querySelectorAll("#queue section.card")).filter((c) => !known.has(c.dataset.id));
      if (fresh.length === 0) exhausted = true;
      for (const card of fresh) {
        const adopted = document.importNode(card, true);
        adopted.hidden = true;
        const n = adopted.querySelector(".position .n");
        if (n) n.textContent = String(cards.length + 1);
        queue.appendChild(adopted);
        cards.push(adopted);
        deciders.push(wire(adopted));
      }
    } catch (_) {
      // Offline or signed out: the cards already here still work.
      exhausted = true;
    } finally {
      loading = false;
    }
    if (pending !== null && pending < cards.length) show(pending);
  }
  // A move past the cards loaded so far waits for the next ones.
  let pending = null;
  function show(i) {
    if (i >= cards.length - 3) loadMore();
    if (i >= cards.length && !exhausted) pending = i;
    if (i < 0 || i >= cards.length) return;
    pending = null;
    cards[current].hidden = true;
    current = i;
    cards[current].hidden = false;
    // Warm the cache with the item after this one.
    const next = cards[current + 1];
    if (next && !next.dataset.prefetched) {
      next.dataset.prefetched = "1";
      fetch("/api/items/" + encodeURIComponent(next.dataset.id), { credentials: "same-origin" }).catch(() => {});
    }
  }
  show(0);
  document.addEventListener("keydown", (event) => {
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    switch (event.key) {
      case "j": show(current + 1); break;
      case "k": show(current - 1); break;
      case "a": deciders[current]("approve"); break;
      case "r": deciders[current]("reject"); break;
      case "e": location.href = "/items/" + encodeURIComponent(cards[current].dataset.id) + "#edit"; break;
      default: return;
    }
    event.preventDefault();
  });
}

/** The item page: its review box, and a/r as on the queue. */
function setUpItem(box) {
  const decide = wireControls(box);
  document.addEventListener("keydown", (event) => {
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "a") { decide("approve"); event.preventDefault(); }
    if (event.key === "r") { decide("reject"); event.preventDefault(); }
  });
}

/** Sign-in: posts JSON to /api/login, then goes on to `next`. */
function setUpLogin(form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const message = form.querySelector(".message");
    message.textContent = "";
    const data = { name: form.elements.name.value, password: form.elements.password.value };
    let res;
    try {
      res = await fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(data),
      });
    } catch (e) {
      message.textContent = String(e);
      return;
    }
    if (res.ok) {
      location.href = form.dataset.next || "/";
    } else {
      let detail = "";
      try { const j = await res.json(); if (j.error) detail = " (" + j.error + ")"; } catch (_) { /* ignore */ }
      message.textContent = form.dataset.msgFailed + detail;
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const queue = document.getElementById("queue");
  if (queue) {
    setUpQueue(queue);
    return;
  }
  const box = document.querySelector("article.item .review-controls");
  if (box) setUpItem(box);
  const login = document.getElementById("login-form");
  if (login) setUpLogin(login);
});

// Sign-out, on every page.
document.addEventListener("DOMContentLoaded", () => {
  const logout = document.getElementById("logout");
  if (!logout) return;
  logout.addEventListener("click", async () => {
    await fetch("/api/logout", { method: "POST", credentials: "same-origin" }).catch(() => {});
    location.reload();
  });
});

// The item page's correction form: PATCH with the version shown, so that a
// change made meanwhile by someone else is a 409, never overwritten.
document.querySelectorAll("form.edit-form").forEach((form) => {
  const openOnHash = () => { if (location.hash === "#edit") form.closest("details").open = true; };
  openOnHash();
  window.addEventListener("hashchange", openOnHash);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const article = form.closest("article.item");
    const message = form.querySelector(".message");
    const list = (name) => form.elements[name].value.split(",").map((s) => s.trim()).filter(Boolean);
    const body = {
      version: Number(article.dataset.version),
      themes: list("themes"),
      kinds: list("kinds"),
      organizations: list("organizations"),
    };
    // A blank text field is left out: the API refuses an empty value.
    for (const name of ["title", "summary"]) {
      const value = form.elements[name].value.trim();
      if (value) body[name] = value;
    }
    const year = form.elements.year.value.trim();
    if (year) body.year = Number(year);
    message.classList.remove("error");
    message.textContent = "…";
    const res = await fetch("/api/items/" + encodeURIComponent(form.dataset.id), {
      method: "PATCH",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body),
    });
    if (res.ok) {
      location.hash = "";
      location.reload();
      return;
    }
    let json = null;
    try { json = await res.json(); } catch (_) { /* not JSON */ }
    message.classList.add("error");
    message.textContent = res.status === 409 ? message.dataset.conflict : (json && json.error) || String(res.status);
  });
});
