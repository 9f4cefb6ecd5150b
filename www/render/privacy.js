// "What leaves your browser", built from the core's list of the kinds of DNS questions an
// analysis asks (www/render/asks.js, generated from src/interpret/asks.rs), so the words cannot
// drift from what the engine asks. Used by the page (app.js) and the widget (header-analyzer.js).
import { LOOKUP_KINDS, DQS_TEXT, DOMAIN_LIST_ZONES } from "./asks.js";

const joinWords = (parts) => (parts.length < 2 ? parts.join("") : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`);

// The kinds asked under these settings: `lists` the blocklist zones chosen (undefined: the
// defaults, an address list and a domain list), `bodyLinks` whether body-link checks are on.
export function askedKinds({ lists, bodyLinks = true } = {}) {
  const domain = lists ? lists.some((z) => DOMAIN_LIST_ZONES.includes(z)) : true;
  const ip = lists ? lists.some((z) => !DOMAIN_LIST_ZONES.includes(z)) : true;
  return LOOKUP_KINDS.filter((k) => (k.when === "live")
    || (k.when === "ip-lists" && ip)
    || (k.when === "domain-lists" && domain)
    || (k.when === "body-links" && domain && bodyLinks));
}

// The questions in words: one phrase, the blocklist ones together ("... at the blocklists
// (NAMES)"), then the DQS key's words when a key is set.
export function questionsText({ lists, listNames, bodyLinks = true, dqsKey = false } = {}) {
  const kinds = askedKinds({ lists, bodyLinks });
  const parts = [];
  const listed = kinds.filter((k) => k.blocklist).map((k) => k.text);
  for (const k of kinds) {
    if (!k.blocklist) parts.push(k.text);
    else if (k.text === listed[0]) parts.push(`${joinWords(listed)} at the blocklists${listNames && listNames.length ? ` (${listNames.join(", ")})` : ""}`);
  }
  if (dqsKey) parts.push(DQS_TEXT);
  return parts.join("; ");
}
