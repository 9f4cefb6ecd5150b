//! One set of blocklist defaults: the page's tick boxes (www/index.html) are ticked exactly for
//! the core's lists that are on by default (`checks::reputation::built_in_lists`, which the CLI
//! uses), and a list that is off says why next to its box, in the core's words.

use mailtrace::checks::reputation::{BlocklistConfig, built_in_lists};
use std::path::PathBuf;

#[test]
fn the_page_ticks_the_cores_defaults_and_says_why_the_others_are_off() {
    let html =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www/index.html"))
            .unwrap();
    let boxes: Vec<(String, bool)> = html
        .split("<input ")
        .skip(1)
        .map(|tag| &tag[..tag.find('>').unwrap()])
        .filter(|tag| tag.contains(r#"name="blocklist""#))
        .map(|tag| {
            let value = tag.split(r#"value=""#).nth(1).unwrap();
            let value = &value[..value.find('"').unwrap()];
            (
                value.to_string(),
                tag.split_whitespace().any(|w| w == "checked"),
            )
        })
        .collect();
    assert_eq!(boxes.len(), 4, "{boxes:?}");
    for (zone, ticked) in &boxes {
        let list = built_in_lists()
            .find(|l| l.zone == zone)
            .unwrap_or_else(|| panic!("{zone} is not a built-in list"));
        assert_eq!(
            *ticked,
            list.off_because.is_none(),
            "{zone}: the page's default differs from the core's"
        );
        if let Some(why) = list.off_because {
            let hint = format!(r#"data-zone="{zone}">{why}</span>"#);
            assert!(
                html.contains(&hint),
                "{zone}: the page does not say why it is off: {why}"
            );
        }
    }
    // The lists the CLI and the core ask by default are the ticked ones.
    let asked: Vec<&str> = built_in_lists()
        .filter(|l| l.off_because.is_none())
        .map(|l| l.zone)
        .collect();
    let ticked: Vec<&str> = boxes
        .iter()
        .filter(|(_, t)| *t)
        .map(|(z, _)| z.as_str())
        .collect();
    let mut a = asked.clone();
    let mut t = ticked.clone();
    a.sort();
    t.sort();
    assert_eq!(a, t);
    assert_eq!(BlocklistConfig::default().lists, Vec::new());
}

#[test]
fn barracuda_is_asked_only_when_named() {
    use mailtrace::checks::reputation::check_ip;
    use mailtrace::dns::Step;
    let answers: std::collections::HashMap<
        mailtrace::dns::Question,
        Result<mailtrace::dns::Answer, mailtrace::dns::DnsError>,
    > = std::collections::HashMap::new();
    let ip = "192.0.2.20".parse().unwrap();
    let asked = |config: &BlocklistConfig| match check_ip(ip, config, &answers) {
        Step::Need(q) => q.iter().map(|q| q.name.clone()).collect::<Vec<_>>(),
        Step::Done(_) | Step::Verify(_) => Vec::new(),
    };
    let by_default = asked(&BlocklistConfig::default());
    assert!(by_default.iter().any(|n| n.ends_with("zen.spamhaus.org")));
    assert!(by_default.iter().any(|n| n.ends_with("bl.spamcop.net")));
    assert!(!by_default.iter().any(|n| n.contains("barracuda")));
    let mut named = BlocklistConfig::default();
    named.add_zone("b.barracudacentral.org");
    assert!(asked(&named).iter().any(|n| n.contains("barracuda")));
    // The page's ticked boxes, as a whole: unticked defaults are skipped.
    let mut chosen = BlocklistConfig::default();
    chosen.choose(&["zen.spamhaus.org".into(), "b.barracudacentral.org".into()]);
    let names = asked(&chosen);
    assert!(names.iter().any(|n| n.contains("barracuda")));
    assert!(!names.iter().any(|n| n.contains("spamcop")));
}
