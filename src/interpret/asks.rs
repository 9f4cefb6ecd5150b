//! The kinds of DNS questions an analysis asks, each with the words that tell a reader what it
//! sends out (the page's "What leaves your browser").
//!
//! Every question the live checks need is tagged with its [`LookupKind`] where it is gathered
//! ([`Needs`], in [`super::live`]): a question cannot be asked without a kind, so a new kind of
//! question cannot be added without a text here, and the privacy text the page shows
//! (www/render/asks.js, written from [`LookupKind::ALL`]) cannot miss it.

use crate::dns::verify::SignatureCheck;
use crate::dns::{Question, Step};

/// One kind of DNS question an analysis can ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LookupKind {
    /// The PTR of the sending IP, and the addresses of the names it gives (FCrDNS).
    ReverseDns,
    /// The sending IP at the IP blocklists (and each list's test entry, RFC 5782).
    IpBlocklists,
    /// The sender's domains (From, Return-Path, DKIM d=) at the domain blocklists.
    SenderDomainBlocklists,
    /// The domains of links in the pasted body at the domain blocklists.
    BodyLinkBlocklists,
    /// SPF records of the envelope sender and HELO domains, and what they include or name.
    Spf,
    /// DKIM keys of the signing domains.
    Dkim,
    /// DMARC policy of the From domain (and its organizational domain).
    Dmarc,
    /// Keys of the ARC signers.
    Arc,
    /// The addresses of the HELO name.
    Helo,
    /// MX records of the From domain and their addresses, and the domain's own addresses.
    SenderMx,
    /// MX records of the recipient's domain and their addresses.
    RecipientMx,
}

/// When a kind of question is asked at all, as far as the options decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AskedWhen {
    /// Whenever live lookups are on (and the message has what it needs).
    Live,
    /// When at least one address blocklist is chosen.
    IpLists,
    /// When at least one domain blocklist is chosen.
    DomainLists,
    /// When at least one domain blocklist is chosen and body-link checks are on.
    BodyLinks,
}

impl LookupKind {
    /// Every kind, in the order the privacy text names them.
    pub const ALL: [LookupKind; 11] = [
        LookupKind::ReverseDns,
        LookupKind::IpBlocklists,
        LookupKind::SenderDomainBlocklists,
        LookupKind::BodyLinkBlocklists,
        LookupKind::Spf,
        LookupKind::Dkim,
        LookupKind::Dmarc,
        LookupKind::Arc,
        LookupKind::Helo,
        LookupKind::SenderMx,
        LookupKind::RecipientMx,
    ];

    /// A short stable name.
    pub fn id(self) -> &'static str {
        match self {
            LookupKind::ReverseDns => "reverse-dns",
            LookupKind::IpBlocklists => "ip-blocklists",
            LookupKind::SenderDomainBlocklists => "sender-domain-blocklists",
            LookupKind::BodyLinkBlocklists => "body-link-blocklists",
            LookupKind::Spf => "spf",
            LookupKind::Dkim => "dkim",
            LookupKind::Dmarc => "dmarc",
            LookupKind::Arc => "arc",
            LookupKind::Helo => "helo",
            LookupKind::SenderMx => "sender-mx",
            LookupKind::RecipientMx => "recipient-mx",
        }
    }

    /// What goes out, in words (a phrase; the blocklist kinds are followed by "at the
    /// blocklists").
    pub fn text(self) -> &'static str {
        match self {
            LookupKind::ReverseDns => {
                "the reverse DNS (PTR) of the sending IP and the addresses of the names it gives"
            }
            LookupKind::IpBlocklists => "the sending IP",
            LookupKind::SenderDomainBlocklists => "the sender's domains",
            LookupKind::BodyLinkBlocklists => {
                "the domains of links in the pasted body (at most 20)"
            }
            LookupKind::Spf => "the SPF records of the sender's domains and of what they include",
            LookupKind::Dkim => "the DKIM keys of the signing domains",
            LookupKind::Dmarc => "the DMARC policy of the From domain",
            LookupKind::Arc => "the keys of the ARC signers",
            LookupKind::Helo => "the addresses of the HELO name",
            LookupKind::SenderMx => {
                "the MX records and addresses of the From domain (and, for a request about payment details, the MX records of the domains it may imitate)"
            }
            LookupKind::RecipientMx => "the recipient domain's MX",
        }
    }

    /// When it is asked.
    pub fn when(self) -> AskedWhen {
        match self {
            LookupKind::IpBlocklists => AskedWhen::IpLists,
            LookupKind::SenderDomainBlocklists => AskedWhen::DomainLists,
            LookupKind::BodyLinkBlocklists => AskedWhen::BodyLinks,
            _ => AskedWhen::Live,
        }
    }

    /// Whether it is a blocklist question (named "... at the blocklists").
    pub fn is_blocklist(self) -> bool {
        self.when() != AskedWhen::Live
    }
}

/// What a Spamhaus DQS key adds to the privacy text.
pub const DQS_TEXT: &str =
    "with your Spamhaus DQS key inside the Spamhaus names (it is never written into a report)";

/// The questions the checks still need, each with its kind. The questions are private: they
/// are added only through [`Needs::ask`] (or [`Needs::ask_verify`]), with a kind.
#[derive(Debug, Default)]
pub struct Needs {
    questions: Vec<Question>,
    kinds: Vec<LookupKind>,
}

impl Needs {
    /// The result of `step` when done; otherwise None, with its questions added as `kind`.
    pub fn ask<T>(&mut self, kind: LookupKind, step: Step<T>) -> Option<T> {
        let out = step.done_or_need(&mut self.questions);
        self.tag(kind);
        out
    }

    /// Gives the questions added since the last call their kind (one copy for every `T`).
    #[inline(never)]
    fn tag(&mut self, kind: LookupKind) {
        self.kinds.resize(self.questions.len(), kind);
    }

    /// [`Needs::ask`] for a check that may also ask for signature verifications.
    pub fn ask_verify<T>(
        &mut self,
        kind: LookupKind,
        step: Step<T>,
        verify: &mut Vec<SignatureCheck>,
    ) -> Option<T> {
        let out = step.done_or_ask(&mut self.questions, verify);
        self.tag(kind);
        out
    }

    /// Questions added as `kind` directly.
    pub fn add(&mut self, kind: LookupKind, questions: impl IntoIterator<Item = Question>) {
        self.questions.extend(questions);
        self.tag(kind);
    }

    /// Changes the kind of the questions from index `from` on for which `f` says so.
    pub fn retag(&mut self, from: usize, f: impl Fn(&Question) -> Option<LookupKind>) {
        for i in from..self.questions.len() {
            if let Some(kind) = f(&self.questions[i]) {
                self.kinds[i] = kind;
            }
        }
    }

    /// The number of questions.
    pub fn len(&self) -> usize {
        self.questions.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.questions.is_empty()
    }

    /// The questions with their kinds.
    pub fn iter(&self) -> impl Iterator<Item = (LookupKind, &Question)> {
        self.kinds.iter().copied().zip(&self.questions)
    }

    /// The questions alone.
    pub fn into_questions(self) -> Vec<Question> {
        self.questions
    }
}
