//! A payload inspector: what does my implementation send, and does qqbot read all of it?
//!
//! ```text
//! cargo run --example decode -- onebot event.json response.json message.json …
//! cargo run --example decode -- official frame.json GROUP_AT_MESSAGE_CREATE.d.json …
//! ```
//!
//! Prints `OK <file> <kind>` or `ERR <file> <reason>` per file and exits with 1 if any file failed. Each
//! platform is one entry in `PLATFORMS`: a name and a function from file text to a description.

use std::path::Path;
use std::process::ExitCode;

#[path = "decode/official.rs"]
mod official;

/// Inspects one payload (its file name may say what it holds): `Ok(kind)` or `Err(reason)`.
type Inspector = fn(&Path, &str) -> Result<String, String>;

/// The platforms this tool knows. Another platform adds its line here.
const PLATFORMS: &[(&str, Inspector)] = &[("onebot", onebot), ("official", official_platform)];

fn onebot(_: &Path, text: &str) -> Result<String, String> {
    qqbot::adapter::onebot::inspect(text).map(|kind| kind.to_string())
}

/// Whole gateway/webhook frames of any opcode, and dispatch bodies (`*.d.json`, the event type from the name).
fn official_platform(path: &Path, text: &str) -> Result<String, String> {
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let op = json.get("op").and_then(serde_json::Value::as_u64);
    if let Some(op) = op.filter(|op| *op != 0) {
        let name = match op {
            1 => "Heartbeat",
            2 => "Identify",
            6 => "Resume",
            7 => "Reconnect",
            9 => "Invalid Session",
            10 => "Hello",
            11 => "Heartbeat ACK",
            12 => "HTTP Callback ACK",
            13 => "Callback URL validation",
            _ => return Err(format!("unknown opcode {op}")),
        };
        return Ok(format!("frame op {op} ({name})"));
    }
    let event = official::decode(path, text)?;
    Ok(match event {
        qqbot::Event::Message(m) => format!("event message {}", m.scene),
        qqbot::Event::Notice(n) => match &n.kind {
            qqbot::event::Notice::Raw(raw) => format!("event {} (raw)", raw.kind),
            kind => {
                let debug = format!("{kind:?}");
                format!("event {}", debug.split(['(', ' ']).next().unwrap_or(&debug))
            }
        },
        _ => "event".to_owned(),
    })
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let names: Vec<&str> = PLATFORMS.iter().map(|(n, _)| *n).collect();
    let Some(platform) = args.next() else {
        eprintln!("usage: decode <{}> FILE…", names.join("|"));
        return ExitCode::from(2);
    };
    let Some((_, inspect)) = PLATFORMS.iter().find(|(n, _)| *n == platform) else {
        eprintln!("unknown platform `{platform}`: expected one of {}", names.join(", "));
        return ExitCode::from(2);
    };
    let files: Vec<String> = args.collect();
    if files.is_empty() {
        eprintln!("usage: decode {platform} FILE…");
        return ExitCode::from(2);
    }
    let mut failed = false;
    for file in files {
        let result = std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|t| inspect(Path::new(&file), &t));
        match result {
            Ok(kind) => println!("OK {file} {kind}"),
            Err(reason) => {
                failed = true;
                println!("ERR {file} {reason}");
            }
        }
    }
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
