// Formatting of the report's values for display: times (UTC and the reader's own zone), durations,
// mailboxes, truncation.

export function fmtUtc(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "";
  try { return new Date(ms).toISOString().replace("T", " ").replace(/\.000Z$/, "Z"); } catch { return ""; }
}

const localFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
  second: "2-digit", timeZoneName: "short",
});
export function fmtLocal(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "";
  try { return localFormat.format(new Date(ms)); } catch { return ""; }
}

export function fmtDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "";
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(ms);
  if (rest < 1000) return rest === 0 ? "0 s" : `${sign}${(rest / 1000).toFixed(1)} s`;
  rest = Math.floor(rest / 1000);
  const parts = [];
  const d = Math.floor(rest / 86400), h = Math.floor(rest % 86400 / 3600);
  const m = Math.floor(rest % 3600 / 60), s = rest % 60;
  if (d) parts.push(`${d} d`);
  if (h) parts.push(`${h} h`);
  if (m) parts.push(`${m} min`);
  if (s || !parts.length) parts.push(`${s} s`);
  return sign + parts.join(" ");
}

export function mailbox(m) {
  if (!m || typeof m !== "object") return "";
  if (m.name && m.address) return `${m.name} <${m.address}>`;
  return m.address || m.name || "";
}

export function truncate(text, max) {
  const s = String(text ?? "");
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
