// GENERATED from the core's list of the kinds of DNS questions an analysis asks
// (src/interpret/asks.rs, LookupKind) by tests/native/asks.rs: do not edit. Regenerate with
// MAILTRACE_UPDATE_ASKS=1 cargo test --features schema --test lib -- native::asks
// `when`: "live" (whenever lookups are on), "ip-lists" (an address blocklist is chosen),
// "domain-lists" (a domain blocklist is chosen), "body-links" (a domain blocklist is
// chosen and body-link checks are on). `blocklist`: named "... at the blocklists".
export const LOOKUP_KINDS = [
  { id: "reverse-dns", when: "live", blocklist: false, text: "the reverse DNS (PTR) of the sending IP and the addresses of the names it gives" },
  { id: "ip-blocklists", when: "ip-lists", blocklist: true, text: "the sending IP" },
  { id: "sender-domain-blocklists", when: "domain-lists", blocklist: true, text: "the sender's domains" },
  { id: "body-link-blocklists", when: "body-links", blocklist: true, text: "the domains of links in the pasted body (at most 20)" },
  { id: "spf", when: "live", blocklist: false, text: "the SPF records of the sender's domains and of what they include" },
  { id: "dkim", when: "live", blocklist: false, text: "the DKIM keys of the signing domains" },
  { id: "dmarc", when: "live", blocklist: false, text: "the DMARC policy of the From domain" },
  { id: "arc", when: "live", blocklist: false, text: "the keys of the ARC signers" },
  { id: "helo", when: "live", blocklist: false, text: "the addresses of the HELO name" },
  { id: "sender-mx", when: "live", blocklist: false, text: "the MX records and addresses of the From domain (and, for a request about payment details, the MX records of the domains it may imitate)" },
  { id: "recipient-mx", when: "live", blocklist: false, text: "the recipient domain's MX" },
];

// What a Spamhaus DQS key adds.
export const DQS_TEXT = "with your Spamhaus DQS key inside the Spamhaus names (it is never written into a report)";

// The built-in blocklists that list domains (any other zone is an address list).
export const DOMAIN_LIST_ZONES = ["dbl.spamhaus.org", "multi.surbl.org", "multi.uribl.com"];
