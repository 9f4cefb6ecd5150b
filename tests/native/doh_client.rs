//! The native DoH client against hostile servers on loopback: a 100 MB answer is refused after
//! reading a little more than a DNS message can be, a redirect to another host is not
//! followed, and no error text carries the request URL (which carries the question and a DQS
//! key in it).

use mailtrace::dns::{DnsError, Question, RecordType, Resolver};
use mailtrace::driver::native::DohClient;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A one-connection HTTP server on a free loopback port; `respond` writes the response and
/// returns how many body bytes it managed to write.
fn serve(
    respond: impl FnOnce(&mut std::net::TcpStream) -> usize + Send + 'static,
) -> (String, std::thread::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://127.0.0.1:{}/dns-query",
        listener.local_addr().unwrap().port()
    );
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let _ = stream.read(&mut buf);
        respond(&mut stream)
    });
    (url, handle)
}

fn question() -> Question {
    Question::new("KEYSECRET123.zen.dq.spamhaus.net", RecordType::A)
}

#[test]
fn a_huge_answer_is_refused_without_reading_it() {
    const HUGE: usize = 100 * 1024 * 1024;
    let (url, server) = serve(|stream| {
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/dns-message\r\ncontent-length: {HUGE}\r\n\r\n"
        );
        if stream.write_all(head.as_bytes()).is_err() {
            return 0;
        }
        let chunk = vec![0u8; 64 * 1024];
        let mut sent = 0;
        while sent < HUGE {
            match stream.write(&chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => sent += n,
            }
        }
        sent
    });
    let client = DohClient::new(&url).unwrap();
    let outcome = client.lookup(&question(), 20_000);
    assert!(
        matches!(&outcome, Err(DnsError::Malformed(m)) if m.contains("too large")),
        "{outcome:?}"
    );
    drop(client);
    let sent = server.join().unwrap();
    assert!(
        sent < 16 * 1024 * 1024,
        "the client let the server send {sent} bytes of a 100 MB answer"
    );
}

#[test]
fn a_redirect_to_another_host_is_not_followed() {
    let other_hit = Arc::new(AtomicBool::new(false));
    let other = TcpListener::bind("127.0.0.1:0").unwrap();
    let other_port = other.local_addr().unwrap().port();
    other.set_nonblocking(true).unwrap();
    let (url, server) = serve(move |stream| {
        // localhost is another host name than 127.0.0.1, on a server of its own.
        let head = format!(
            "HTTP/1.1 302 Found\r\nlocation: http://localhost:{other_port}/dns-query\r\ncontent-length: 0\r\n\r\n"
        );
        let _ = stream.write_all(head.as_bytes());
        0
    });
    let client = DohClient::new(&url).unwrap();
    let outcome = client.lookup(&question(), 5_000);
    assert!(outcome.is_err(), "{outcome:?}");
    server.join().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    if other.accept().is_ok() {
        other_hit.store(true, Ordering::SeqCst);
    }
    assert!(
        !other_hit.load(Ordering::SeqCst),
        "the redirect was followed"
    );
    let text = format!("{:?}", outcome.unwrap_err());
    assert!(!text.contains("dns="), "{text}");
}

#[test]
fn errors_do_not_carry_the_request_url() {
    // A port nothing listens on.
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = DohClient::new(&format!("http://user:pass@127.0.0.1:{port}/dns-query")).unwrap();
    let outcome = client.lookup(&question(), 3_000);
    let text = match outcome {
        Err(DnsError::Network(t)) => t,
        other => panic!("{other:?}"),
    };
    for secret in ["dns=", "pass", "127.0.0.1", "KEYSECRET123", "http://"] {
        assert!(!text.contains(secret), "{secret} in {text:?}");
    }
}
