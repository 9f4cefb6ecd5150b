// The live checks in words, while they run: one line per check ("SPF: checking the include of
// _spf.example.net…", "DKIM key s1 of example.com: found", "Reverse DNS of 203.0.113.5:
// mail.example.com"), worked out from the DNS questions of a report (a message's, a domain
// check's or an SPF question's) and what the report says they are for. The raw questions and
// answers are in the DNS evidence section only.

import { el } from "./dom.js";
import { arr, obj } from "./model.js";

const LISTS = {
  "zen.spamhaus.org": "Spamhaus ZEN", "dbl.spamhaus.org": "Spamhaus DBL", "zen.dq.spamhaus.net": "Spamhaus ZEN",
  "dbl.dq.spamhaus.net": "Spamhaus DBL", "b.barracudacentral.org": "Barracuda", "bl.spamcop.net": "SpamCop",
  "multi.surbl.org": "SURBL", "multi.uribl.com": "URIBL",
};

const strip = (name) => String(name ?? "").replace(/\.$/, "").toLowerCase();

// The address a reverse-DNS name stands for (in-addr.arpa or ip6.arpa), or null.
export function ptrAddress(name) {
  const n = strip(name);
  let m = n.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/);
  if (m) return `${m[4]}.${m[3]}.${m[2]}.${m[1]}`;
  m = n.match(/^((?:[0-9a-f]\.){32})ip6\.arpa$/);
  if (!m) return null;
  const hex = m[1].split(".").filter(Boolean).reverse().join("");
  const full = hex.match(/.{4}/g).join(":");
  try { return new URL(`http://[${full}]/`).hostname.slice(1, -1); } catch { return full; }
}

// The names the report says what they are (the sender's SPF domain, PTR names, MX hosts,
// the blocklists asked).
function context(report) {
  const r = obj(report);
  const auth = obj(r.auth);
  const spf = obj(auth.spf);
  const rep = obj(r.reputation);
  const spfTop = new Set();
  const fromAddress = (a) => { const at = String(a ?? "").lastIndexOf("@"); return at >= 0 ? strip(String(a).slice(at + 1)) : ""; };
  for (const d of [fromAddress(spf.mail_from), strip(spf.helo), strip(r.domain), fromAddress(r.mail_from)]) if (d) spfTop.add(d);
  const ptrNames = new Set();
  for (const x of arr(r.dns)) {
    if (x.type !== "PTR" || !x.answer) continue;
    for (const rec of arr(x.answer.records)) if (rec.type === "PTR") ptrNames.add(strip(rec.data));
  }
  const mxHosts = new Set();
  for (const x of arr(r.dns)) {
    if (x.type !== "MX" || !x.answer) continue;
    for (const rec of arr(x.answer.records)) if (rec.type === "MX") mxHosts.add(strip(obj(rec.data).exchange));
  }
  const lists = { ...LISTS };
  const listed = new Map();
  const checks = obj(r.checks);
  const groups = [rep.blocklists, ...arr(rep.domain_lists), ...arr(checks.mx_ip_reputation), ...arr(checks.domain_lists)];
  for (const g of groups.map(obj)) {
    for (const l of arr(g.lists).map(obj)) {
      if (!l.zone) continue;
      const zone = strip(l.zone).replace(/^key\./, "");
      lists[zone] = l.list || l.zone;
      listed.set(`${zone}|${strip(g.ip || g.domain)}`, String(l.status ?? ""));
    }
  }
  const helo = strip(obj(rep.helo).helo || spf.helo);
  return { spfTop, ptrNames, mxHosts, lists, listed, helo };
}

function listOf(name, lists) {
  for (const zone of Object.keys(lists)) {
    if (name === zone || name.endsWith(`.${zone}`)) return { zone, list: lists[zone], subject: name.slice(0, -(zone.length + 1)) };
  }
  return null;
}

const records = (x) => arr(obj(x.answer).records);
const hasTxt = (x, prefix) => records(x).some((r) => r.type === "TXT" && arr(r.data).join("").toLowerCase().startsWith(prefix));

// How a question came out: pending, found, none, or error (with what the reader sees).
function state(x) {
  if (x.status === "pending" || (!x.answer && !x.error)) return "pending";
  if (x.error) return "error";
  const rcode = obj(x.answer).rcode;
  if (rcode === "servfail" || rcode === "refused" || (typeof rcode === "object" && rcode)) return "error";
  return records(x).length ? "found" : "none";
}

// One question in words: { key, pending, done } or null for a question that is only a part
// of another line (a list's test entry and its reason).
function describe(x, ctx) {
  const name = strip(x.name);
  const type = String(x.type ?? "");
  const st = state(x);
  const word = (found, none) => (st === "found" ? found : st === "none" ? none : "could not check");
  const list = listOf(name, ctx.lists);
  if (list) {
    if (type !== "A") return null;
    if (/^(1\.0\.0\.127|2\.0\.0\.127|test|invalid)$/.test(list.subject)) return null;
    const subject = ptrAddress(`${list.subject}.in-addr.arpa`) || ptrAddress(`${list.subject}.ip6.arpa`) || list.subject;
    const status = ctx.listed.get(`${list.zone}|${strip(subject)}`);
    const said = { listed: "listed", not_listed: "not listed", could_not_check: "could not check" }[status];
    return {
      what: `Blocklist ${list.list}, ${subject}`,
      pending: `Blocklist ${list.list}: checking ${subject}…`,
      done: `Blocklist ${list.list}, ${subject}: ${said || word("answered (see Reputation)", "not listed")}`,
    };
  }
  if (type === "PTR") {
    const ip = ptrAddress(name) || name;
    const names = records(x).filter((r) => r.type === "PTR").map((r) => strip(r.data));
    return { what: `Reverse DNS of ${ip}`, pending: `Reverse DNS of ${ip}: checking…`, done: `Reverse DNS of ${ip}: ${word(names.join(", "), "no name")}` };
  }
  if (type === "MX") {
    const hosts = records(x).filter((r) => r.type === "MX").map((r) => strip(obj(r.data).exchange) || "(null MX)");
    const none = obj(x.answer).rcode === "nxdomain" ? "the domain does not exist" : "none";
    return { what: `Mail servers (MX) of ${name}`, pending: `Mail servers (MX) of ${name}: checking…`, done: `Mail servers (MX) of ${name}: ${word(hosts.join(", "), none)}` };
  }
  if (type === "TXT") {
    let m = name.match(/^_dmarc\.(.+)$/);
    if (m) return { what: `DMARC policy of ${m[1]}`, pending: `DMARC: checking the policy of ${m[1]}…`, done: `DMARC policy of ${m[1]}: ${word(hasTxt(x, "v=dmarc1") ? "found" : "none", "none")}` };
    m = name.match(/^(.+)\._domainkey\.(.+)$/);
    if (m) return { what: `DKIM key ${m[1]} of ${m[2]}`, pending: `DKIM key: checking selector ${m[1]} of ${m[2]}…`, done: `DKIM key ${m[1]} of ${m[2]}: ${word("found", "not found")}` };
    m = name.match(/^_mta-sts\.(.+)$/);
    if (m) return { what: `MTA-STS of ${m[1]}`, pending: `MTA-STS: checking ${m[1]}…`, done: `MTA-STS of ${m[1]}: ${word("found", "none")}` };
    m = name.match(/^_smtp\._tls\.(.+)$/);
    if (m) return { what: `TLS reporting of ${m[1]}`, pending: `TLS reporting: checking ${m[1]}…`, done: `TLS reporting of ${m[1]}: ${word("found", "none")}` };
    m = name.match(/^default\._bimi\.(.+)$/);
    if (m) return { what: `BIMI of ${m[1]}`, pending: `BIMI: checking ${m[1]}…`, done: `BIMI of ${m[1]}: ${word("found", "none")}` };
    const spf = hasTxt(x, "v=spf1");
    if (ctx.spfTop.has(name)) {
      return { what: `SPF record of ${name}`, pending: `SPF: checking the record of ${name}…`, done: `SPF record of ${name}: ${word(spf ? "found" : "none", "none")}` };
    }
    return { what: `SPF include ${name}`, pending: `SPF: checking the include of ${name}…`, done: `SPF: the include of ${name}: ${word(spf ? "found" : "no SPF record", "does not exist")}` };
  }
  if (type === "A" || type === "AAAA") {
    const addresses = records(x).filter((r) => r.type === "A" || r.type === "AAAA").map((r) => r.data);
    const got = word(addresses.join(", "), "no address");
    if (ctx.ptrNames.has(name)) return { what: `Reverse DNS ${name} (${type})`, pending: `Reverse DNS: checking that ${name} points back (${type})…`, done: `Reverse DNS: ${name} (${type}) points to ${got}` };
    if (ctx.mxHosts.has(name)) return { what: `Mail server ${name} (${type})`, pending: `Mail server ${name}: checking its address (${type})…`, done: `Mail server ${name} (${type}): ${got}` };
    if (name === ctx.helo) return { what: `HELO name ${name} (${type})`, pending: `HELO name ${name}: checking it exists (${type})…`, done: `HELO name ${name} (${type}): ${got}` };
    return { what: `Address of ${name} (${type})`, pending: `SPF: checking the address of ${name} (${type})…`, done: `Address of ${name} (${type}): ${got}` };
  }
  return { what: `${type} of ${name}`, pending: `Checking the ${type} record of ${name}…`, done: `${type} of ${name}: ${word("found", "none")}` };
}

// The live checks as lines in words: [{ text, status: pending | answered | error }], and the
// counts.
export function liveSteps(input) {
  const report = obj(input);
  const ctx = context(report);
  const steps = [];
  let pending = 0;
  let failed = 0;
  let total = 0;
  for (const x of arr(report.dns)) {
    if (!x || typeof x !== "object") continue;
    total += 1;
    const st = state(x);
    if (st === "pending") pending += 1;
    if (st === "error") failed += 1;
    const d = describe(x, ctx);
    if (!d) continue;
    steps.push({ text: st === "pending" ? d.pending : d.done, status: st === "pending" ? "pending" : st === "error" ? "error" : "answered" });
  }
  return { steps, pending, failed, total, done: total - pending };
}

// The live checks, in words, into a list element; returns the counts.
export function renderProgress(list, input) {
  const live = liveSteps(input);
  list.replaceChildren(...live.steps.map((s) => {
    const li = el("li", s.text, `lookup status-${s.status}`);
    li.dataset.status = s.status;
    return li;
  }));
  return live;
}
