// The message overview: From, To, Subject, date, hops and delivery time, and the sending server
// (its IP, why that one, its reverse DNS). Shown in compact mode too.

import { el } from "../dom.js";
import { fmtDuration, fmtLocal, mailbox } from "../format.js";
import { arr } from "../model.js";
import { row } from "../blocks.js";

export function overview(report) {
  const box = el("section", null, "overview panel");
  box.setAttribute("aria-labelledby", "summary-h");
  const h = el("h2", "The message");
  h.id = "summary-h";
  const summary = el("dl");
  summary.id = "summary";
  const msg = report.message;
  row(summary, "From", mailbox(msg.from));
  row(summary, "To", arr(msg.to).map(mailbox).join(", "));
  row(summary, "Subject", msg.subject);
  if (msg.date && typeof msg.date === "object") {
    row(summary, "Date", msg.date.epoch_ms != null
      ? `${msg.date.text} (${fmtLocal(msg.date.epoch_ms)})` : `${msg.date.text} (unreadable)`);
  }
  row(summary, "Message-ID", msg.message_id);
  row(summary, "Return-Path", msg.return_path);
  row(summary, "Hops", String(report.hops.length));
  if (report.delivery_ms != null) row(summary, "Delivery time", fmtDuration(report.delivery_ms));

  const h3 = el("h3", "Sending server");
  const sender = el("dl");
  sender.id = "sender";
  const sip = report.sending_ip;
  if (sip && typeof sip === "object") {
    row(sender, "Sending IP", sip.ip, "mono").id = "sending-ip";
    row(sender, "Why this one", sip.hop ? `hop ${sip.hop}: ${sip.reason}` : sip.reason);
  } else {
    row(sender, "Sending IP", "not found in the Received chain");
  }
  const rdns = report.reverse_dns;
  if (rdns && typeof rdns === "object") {
    const text = rdns.status === "found" ? arr(rdns.names).join(", ") : rdns.detail;
    const dd = row(sender, "Reverse DNS (PTR)", text || String(rdns.status ?? ""), `${rdns.status} mono`);
    if (dd) {
      dd.id = "ptr";
      dd.dataset.status = String(rdns.status ?? "");
    }
  }
  box.append(h, summary, h3, sender);
  return box;
}
