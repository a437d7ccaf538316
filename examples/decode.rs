//! A payload inspector: what does my implementation send, and does qqbot read all of it?
//!
//! ```text
//! cargo run --example decode -- onebot event.json response.json message.json …
//! ```
//!
//! Prints `OK <file> <kind>` or `ERR <file> <reason>` per file and exits with 1 if any file failed. Each
//! platform is one entry in `PLATFORMS`: a name and a function from file text to a description.

use std::process::ExitCode;

/// Inspects one payload: `Ok(kind)` or `Err(reason)`.
type Inspector = fn(&str) -> Result<String, String>;

/// The platforms this tool knows. Another platform adds its line here.
const PLATFORMS: &[(&str, Inspector)] = &[("onebot", onebot)];

fn onebot(text: &str) -> Result<String, String> {
    qqbot::adapter::onebot::protocol::inspect::inspect(text).map(|kind| kind.to_string())
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
        let result = std::fs::read_to_string(&file).map_err(|e| format!("cannot read: {e}")).and_then(|t| inspect(&t));
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
