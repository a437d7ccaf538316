//! Every payload of the shared corpus decodes and re-encodes without loss, through the library and through
//! `examples/decode.rs`.

use std::path::{Path, PathBuf};
use std::process::Command;

use qqbot::adapter::onebot::{PayloadKind, inspect};

fn corpus() -> PathBuf {
    // tests/ is one level below the repository root; the shared folder sits beside the repository.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for candidate in [root.join("../shared/corpus/onebot"), root.join("../../shared/corpus/onebot")] {
        if candidate.is_dir() {
            return candidate;
        }
    }
    panic!("the OneBot corpus is not at ../shared/corpus/onebot relative to the repository root")
}

fn files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![corpus()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_whole_corpus_decodes_without_loss() {
    let files = files();
    assert!(files.len() > 100, "only {} corpus files found", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match inspect(&text) {
            Ok(kind) => {
                // The file name says what the corpus authors meant it to be; the inspector must agree.
                let expected = name.split('.').next().unwrap_or_default();
                // Four files hold something other than their name says; the inspector goes by content.
                let mislabelled = match name.as_str() {
                    // The NapCat docs' "request" example is shaped like an event.
                    "action.request.send_group_msg.napcat-docs-ws.json" => {
                        Some(matches!(kind, PayloadKind::Event { .. }))
                    }
                    // Params only, as "-params" says.
                    "action.request.send_msg-params.string-message.spec.json" => {
                        Some(kind == PayloadKind::ActionParams)
                    }
                    // The NapCat docs' "response" example is the request.
                    "action.response.send_group_msg.napcat-docs-ws.json" => {
                        Some(matches!(kind, PayloadKind::ActionRequest(_)))
                    }
                    // One item of `data`, no envelope.
                    "action.response.get_group_list.item.napcat-shape.json" => Some(kind == PayloadKind::ActionParams),
                    _ => None,
                };
                let agrees = mislabelled.unwrap_or(match (&kind, expected) {
                    (PayloadKind::Event { .. }, "event") => true,
                    (PayloadKind::ActionRequest(_), "action") => name.starts_with("action.request"),
                    (PayloadKind::ActionParams, "action") => name.starts_with("action.params"),
                    (PayloadKind::ActionResponse { .. }, "action") => name.starts_with("action.response"),
                    (PayloadKind::CqPair(_), "cq-pair") => true,
                    (PayloadKind::MessageArray(_), "message-array") => true,
                    (PayloadKind::Segment(_), "message-segment") => true,
                    (PayloadKind::QuickOperation, "quick-op") => true,
                    (PayloadKind::Sender, "sender") => true,
                    (PayloadKind::SignatureVector | PayloadKind::HandshakeHeaders, "transport") => true,
                    _ => false,
                });
                if !agrees {
                    failures.push(format!("{name}: recognised as {kind}"));
                }
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{} of {} files failed:\n{}", failures.len(), files.len(), failures.join("\n"));
}

#[test]
fn neutral_kinds_of_well_known_events() {
    let dir = corpus();
    let kind = |f: &str| inspect(&std::fs::read_to_string(dir.join(f)).unwrap()).unwrap().to_string();
    assert_eq!(
        kind("event.notice.notify.poke.group.target0-bug.napcat-4.2.json"),
        "event notice/notify/poke -> notice:Poked"
    );
    assert_eq!(kind("event.request.group.add.napcat-docs.json"), "event request/group/add -> notice:GroupRequest");
    assert!(kind("event.message.group.normal.napcat-docs.json").ends_with("message:group"));
    assert!(kind("synthesized/event.notice.notify.input_status.napcat-schema.json").ends_with("notice:Raw"));
    assert!(kind("event.meta.heartbeat.napcat-2024.json").ends_with("notice:Heartbeat"));
}

#[test]
fn the_decode_example_reports_every_file() {
    let files = files();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(&root)
        .args(["run", "--quiet", "-p", "qqbot-examples", "--example", "decode", "--", "onebot"])
        .args(&files)
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "decode failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let ok = stdout.lines().filter(|l| l.starts_with("OK ")).count();
    assert_eq!(ok, files.len(), "{stdout}");

    // A broken file makes it say ERR and exit 1.
    let bad = std::env::temp_dir().join(format!("qqbot-decode-bad-{}.json", std::process::id()));
    std::fs::write(&bad, "{\"post_type\": \"mess").unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(&root)
        .args(["run", "--quiet", "-p", "qqbot-examples", "--example", "decode", "--", "onebot"])
        .arg(&bad)
        .output()
        .expect("cargo runs");
    let _ = std::fs::remove_file(&bad);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.starts_with("ERR ") && stdout.contains("not JSON"), "{stdout}");
}
