// The "Authentication" section: the live SPF, DKIM and DMARC checks (with the comparison of then
// and now), what the receiver recorded (Authentication-Results, Received-SPF, ARC), and the DKIM
// signatures as read. spfTrace is shared with the domain check.

import { breakable, el } from "../dom.js";
import { fmtUtc } from "../format.js";
import { arr, obj } from "../model.js";
import { row, section, table } from "../blocks.js";

// An element that states a message a finding may say too (marked so the finding can be found).
function said(node, message) {
  node.dataset.message = String(message ?? "");
  return node;
}

function stateNote(check, what) {
  if (check.state === "pending") return el("p", `${what}: checking…`, "pending");
  if (check.state === "skipped") return el("p", `${what}: ${check.note || "not checked"}`, "finding-detail");
  return null;
}

function resultBadge(word) {
  return el("span", word, `result result-${String(word).split(" ")[0]}`);
}

export function spfTrace(o) {
  const rows = arr(o.trace).map((step) => {
    const tr = el("tr");
    const term = el("td", `${"\u00a0\u00a0".repeat(Math.min(Number(step.depth) || 0, 10))}${step.term}`, "mono");
    tr.append(breakable("td", step.domain, "mono"), term, el("td", step.outcome, `outcome-${String(step.outcome).replace(/\W+/g, "-")}`),
      breakable("td", step.detail), breakable("td", arr(step.dns).join("\n"), "mono dns-lines"));
    return tr;
  });
  return table(["Domain", "Term", "Outcome", "What happened", "DNS"], rows);
}

function spfBlock(spf) {
  const box = el("div", null, "live-check");
  box.id = "live-spf";
  box.append(el("h4", "SPF"));
  const note = stateNote(spf, "SPF");
  if (note) { box.append(note); return box; }
  const o = obj(spf.mail_from_result);
  if (spf.mail_from_result) {
    const head = el("p");
    head.append(el("strong", `MAIL FROM ${spf.mail_from || "<>"} `), el("span", `(from ${spf.mail_from_source}) `, "finding-detail"),
      resultBadge(o.result));
    box.append(head, el("p", o.summary));
    if (o.record) box.append(breakable("p", `Record of ${o.domain}: ${o.record}`, "mono"));
    box.append(el("p", `DNS-querying terms: ${o.lookups} of 10; void lookups: ${o.void_lookups} of 2.${o.deciding_term ? ` Decided by ${o.deciding_term}.` : ""}`));
    box.append(spfTrace(o));
    if (o.explanation) box.append(el("p", `The domain's own explanation: ${o.explanation}`));
  }
  if (spf.note) box.append(el("p", spf.note, "finding-detail"));
  if (spf.helo_result) {
    const h = obj(spf.helo_result);
    const p = el("p");
    p.append(el("strong", `HELO ${spf.helo} `), resultBadge(h.result), el("span", ` ${h.summary}`));
    box.append(p);
  }
  if (spf.entry_result && spf.entry_ip) {
    const e = obj(spf.entry_result);
    const p = el("p");
    p.append(el("strong", `Returned copy from ${spf.entry_ip} `), resultBadge(e.result), el("span", ` ${e.summary}`));
    box.append(p);
  }
  if (spf.guess) box.append(el("p", `No SPF record: a receiver that guesses with "v=spf1 a mx ptr -all" would get ${obj(spf.guess).result}.`));
  if (arr(spf.lint).length) {
    const ul = el("ul", null, "lint");
    for (const l of arr(spf.lint)) ul.append(said(el("li", `${l.severity}: ${l.message}`), l.message));
    box.append(el("h5", "Problems with the record"), ul);
  }
  if (arr(spf.policy).length) {
    box.append(el("h5", "What receivers would do with this result"),
      table(["Receiver setting", "Action"], arr(spf.policy).map((r) => { const tr = el("tr"); tr.append(el("td", r.setting), el("td", r.action)); return tr; })));
  }
  return box;
}

function checkWord(c) {
  if (!c) return "";
  if (typeof c === "string") return c;
  return c.status === "not_checked" ? `not checked (${c.reason})` : c.status;
}

function dkimBlock(dkim) {
  const box = el("div", null, "live-check");
  box.id = "live-dkim";
  box.append(el("h4", "DKIM"));
  const note = stateNote(dkim, "DKIM");
  if (note) { box.append(note); return box; }
  for (const s of arr(dkim.signatures)) {
    const head = el("p");
    head.append(el("strong", `d=${s.domain} s=${s.selector} (${s.algorithm}, line ${s.line}) `), resultBadge(s.result));
    box.append(head, el("p", s.summary));
    const key = obj(s.key);
    const facts = [["Header signature (b=)", checkWord(s.header_signature)], ["Body hash (bh=)", checkWord(s.body)]];
    if (s.key) facts.push(["Key", `${key.key_type || "rsa"}${key.bits ? `, ${key.bits} bits` : ""}${key.testing ? ", testing (t=y)" : ""}`], ["Key record", key.record]);
    const dl = el("dl", null, "facts");
    for (const [k, v] of facts) row(dl, k, v, "mono");
    box.append(dl);
    if (arr(s.problems).length) {
      const ul = el("ul", null, "lint");
      for (const p of arr(s.problems)) ul.append(said(el("li", p.message), p.message));
      box.append(ul);
    }
  }
  return box;
}

function dmarcBlock(dmarc) {
  const box = el("div", null, "live-check");
  box.id = "live-dmarc";
  box.append(el("h4", "DMARC"));
  const note = stateNote(dmarc, "DMARC");
  if (note) { box.append(note); return box; }
  const o = obj(dmarc.outcome);
  const head = el("p");
  head.append(el("strong", `From ${o.from_domain} `), resultBadge(o.result));
  box.append(head, el("p", o.summary));
  if (o.record) box.append(breakable("p", `_dmarc.${o.policy_domain}: ${obj(o.record).text}`, "mono"));
  const disp = obj(o.disposition);
  if (disp.explanation) box.append(el("p", disp.explanation));
  const rows = arr(o.alignment).map((a) => {
    const tr = el("tr");
    tr.append(el("td", a.identifier), breakable("td", a.domain, "mono"), el("td", a.mode),
      el("td", a.aligned === true ? "aligned" : a.aligned === false ? "not aligned" : "—"), el("td", a.explanation));
    return tr;
  });
  if (rows.length) box.append(table(["Identifier", "Domain", "Mode", "Alignment", "Why"], rows));
  for (const d of arr(o.differences)) box.append(el("p", `RFC 7489 and RFC 9989 differ: ${d}`, "finding-detail"));
  if (dmarc.note) box.append(el("p", dmarc.note, "finding-detail"));
  for (const l of arr(o.lint)) box.append(said(el("p", `${l.severity}: ${l.message}`, "finding-detail"), l.message));
  return box;
}

function liveAuth(auth) {
  const live = el("div", null, "live-auth");
  live.id = "auth-checks";
  live.append(el("h3", "Checked now (SPF, DKIM, DMARC)"));
  const cmp = arr(auth.comparison);
  if (cmp.length) {
    const rows = cmp.map((c) => {
      const tr = el("tr", null, c.agree ? "agree" : "disagree");
      tr.append(el("td", String(c.method).toUpperCase()), el("td", c.then), el("td", c.now), el("td", c.agree ? "agree" : "differ"), el("td", c.explanation));
      return tr;
    });
    const box = el("div");
    box.id = "auth-comparison";
    box.append(el("h4", "Then (recorded by the receiver) and now"), table(["Check", "Then", "Now", "Same?", "What it means"], rows));
    live.append(box);
  }
  live.append(spfBlock(obj(auth.spf)), dkimBlock(obj(auth.dkim)), dmarcBlock(obj(auth.dmarc)));
  return live;
}

// The messages the live blocks list (the SPF record's problems, a DKIM signature's, the DMARC
// record's): a finding that says the same is not listed again.
function listedByBlocks(auth) {
  const messages = new Set();
  if (!auth) return messages;
  for (const l of arr(obj(auth.spf).lint)) messages.add(l.message);
  for (const sig of arr(obj(auth.dkim).signatures)) for (const p of arr(sig.problems)) messages.add(p.message);
  for (const l of arr(obj(obj(auth.dmarc).outcome).lint)) messages.add(l.message);
  return messages;
}

export function authSection(report, findings) {
  const stated = listedByBlocks(report.auth && typeof report.auth === "object" ? obj(report.auth) : null);
  const { details, body } = section("auth", "Authentication", findings, null, (f) => stated.has(f.title));
  const absorbed = findings.filter((f) => stated.has(f.title));
  if (report.auth && typeof report.auth === "object") body.append(liveAuth(obj(report.auth)));
  const auth = el("div");
  auth.id = "recorded-auth";
  auth.append(el("h3", "As recorded by the receiver"));
  for (const a of report.recorded_auth) {
    const parsed = obj(a.parsed);
    const block = el("div", null, `authres ${a.trusted ? "trusted" : "untrusted"}`);
    const who = parsed.authserv_id || "(no authserv-id)";
    const label = a.arc_instance != null ? `${a.field} i=${a.arc_instance}` : a.field;
    block.append(el("h4", `${label} by ${who} (line ${a.line})`));
    block.append(el("p", `${a.trusted ? "Trusted" : "Not trusted"}: ${a.trust_reason}`, "finding-detail"));
    const rows = arr(parsed.results).map((r) => {
      const tr = el("tr");
      const details = [
        ...arr(r.properties).map((p) => `${p.ptype ? p.ptype + "." : ""}${p.name}=${p.value}`),
        r.reason ? `reason: ${r.reason}` : null,
        ...arr(r.comments).map((c) => `(${c})`),
      ].filter(Boolean).join("  ");
      tr.append(el("td", r.method), el("td", r.result, `result-${r.result}`), breakable("td", details, "mono"));
      return tr;
    });
    block.append(table(["Method", "Result", "Details"], rows));
    auth.append(block);
  }
  for (const spf of report.recorded_spf) {
    const keys = arr(spf.keys).map((kv) => (Array.isArray(kv) ? `${kv[0]}=${kv[1]}` : "")).join("  ");
    const p = el("p");
    p.append(el("strong", `Received-SPF (line ${spf.line}): `), el("span", spf.result, `result-${spf.result}`),
      breakable("span", ` ${keys}`, "mono"), el("span", spf.trusted ? "" : " (not trusted: could have been written by the sender)", "finding-detail"));
    auth.append(p);
  }
  const arc = report.arc;
  if (arc && typeof arc === "object") {
    const sets = arr(arc.sets).map((s) => `i=${s.instance} ${s.sealer ?? "?"} cv=${s.cv ?? "?"}`).join(", ");
    const problems = arr(arc.problems);
    auth.append(el("p", `ARC chain: ${sets}${problems.length ? ` — problems: ${problems.join("; ")}` : ""}`));
  }
  if (!report.recorded_auth.length && !report.recorded_spf.length) {
    auth.append(el("p", "No Authentication-Results header: the receiver recorded no checks, or they were not pasted."));
  }
  body.append(auth);

  const sf = report.sender;
  const sigs = el("div");
  sigs.id = "dkim-signatures";
  sigs.append(el("h3", "DKIM signatures (read, not verified)"));
  const list = arr(sf.dkim_signatures);
  if (list.length) {
    const rows = list.map((d) => {
      const tr = el("tr");
      const signsFrom = arr(d.signed_headers).some((h) => String(h).toLowerCase() === "from");
      tr.append(el("td", `line ${d.line}`), breakable("td", d.domain ?? "(none)", "mono"), breakable("td", d.selector ?? "(none)", "mono"),
        el("td", d.algorithm ?? "(none)"), el("td", signsFrom ? "yes" : "NO"),
        el("td", d.body_length != null ? String(d.body_length) : "no limit"),
        el("td", d.expiration != null ? fmtUtc(d.expiration * 1000) : "never"));
      return tr;
    });
    sigs.append(table(["DKIM signature", "Domain (d=)", "Selector (s=)", "Algorithm", "Signs From?", "Body limit (l=)", "Expires (x=)"], rows));
  } else {
    sigs.append(el("p", "No DKIM-Signature header: the message is not signed."));
  }
  body.append(sigs);
  // The findings the live blocks state: their codes on the element that states them.
  for (const f of absorbed) {
    const node = [...body.querySelectorAll("[data-message]")].find((n) => n.dataset.message === f.title);
    if (node) node.dataset.codes = `${node.dataset.codes ? `${node.dataset.codes} ` : ""}${f.code}`;
  }
  return details;
}
