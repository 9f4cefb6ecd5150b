// The "The sender and the message" section: the From, Reply-To and Return-Path domains and the
// free mail provider, above the findings filed here.

import { el } from "../dom.js";
import { row, section } from "../blocks.js";

export function senderSection(report, findings) {
  const { details, body } = section("sender", "The sender and the message", findings);
  const facts = el("dl");
  facts.id = "sender-facts";
  const sf = report.sender;
  row(facts, "From domain", sf.from_domain);
  row(facts, "Reply-To domain", sf.reply_to_domain);
  row(facts, "Return-Path domain", sf.return_path_domain);
  row(facts, "Free mail provider", sf.free_mail_provider);
  body.prepend(facts);
  return details;
}
